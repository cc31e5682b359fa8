"""The bundle of domain services a running bot hands to its Slack listeners and background
jobs. Built by the runtime; listeners read it from Bolt's context, never by importing the
wiring."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.domain.deliveries import DeliveryLog
from bot.domain.forms import FormService
from bot.domain.leases import Leases
from bot.domain.matcher import Matcher
from bot.domain.retro.due import DueReminders
from bot.domain.retro.editing import RetroEditor
from bot.domain.retro.service import RetroService
from bot.domain.schedule.service import ScheduleService
from bot.domain.standup.reminders import Participants, Reminders
from bot.domain.standup.schedules import StandupScheduleService
from bot.domain.standup.service import StandupService
from bot.domain.workspaces import WorkspaceService
from knowledge.models import Checklist, KnowledgeBase


@dataclass(frozen=True)
class Services:
    knowledge: KnowledgeBase
    matcher: Matcher  # ranking questions: always through here, off the event loop
    checklists: dict[str, Checklist]
    retro: RetroService
    retro_edits: RetroEditor
    due_reminders: DueReminders
    standups: StandupService
    schedules: ScheduleService
    standup_schedules: StandupScheduleService
    participants: Participants
    standup_reminders: Reminders
    deliveries: DeliveryLog
    workspaces: WorkspaceService
    forms: FormService
    leases: Leases
    clock: Clock
