"""Stand-ups nobody has to type: the scheduled post of each channel, and the reminder DMs of
participants who have not answered. Built per process by the background runner; every team is
reached with its own client (None: not installed, so nothing is posted there)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.schedule.firing import Delivery, Outcome, Runner
from bot.domain.services import Services
from bot.domain.standup.schedules import StandupSchedule
from bot.domain.standup.values import Run
from handlers.kit.clients import TeamClients
from handlers.kit.delivery import NOT_INSTALLED, pause_notifier, post_for
from handlers.kit.people import user_info
from handlers.standup import views
from handlers.standup.commands import DEFAULT_CHECKLIST
from handlers.standup.posting import local_midnight, post_run

SCHEDULED_BY = "principlebot"


def make_standup_runner(clients: TeamClients, services: Services,
                        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
                        ) -> Runner[StandupSchedule]:
    """Posts each channel's scheduled stand-up once per local day. A channel that already has
    a run that day (someone typed `/standup`) keeps it: its reminder is set instead."""

    async def deliver(schedule: StandupSchedule, now: dt.datetime) -> Delivery:
        client = await clients.for_team(schedule.team_id)
        if client is None:
            return Delivery(Outcome.PAUSE, NOT_INSTALLED)
        day = schedule.day_of(schedule.latest_occurrence(now))
        remind = (dt.timedelta(minutes=schedule.remind_minutes)
                  if schedule.remind_minutes else None)
        standups = services.standups
        existing = await standups.latest_since(schedule.team_id, schedule.channel_id,
                                               local_midnight(day, schedule.when.timezone))
        if existing is not None:
            if remind:
                await standups.remind_from(existing.team_id, existing.id, now + remind)
            return Delivery(Outcome.POSTED)
        checklists = services.checklists
        checklist = (checklists.get(schedule.checklist_name or DEFAULT_CHECKLIST)
                     or checklists.get(DEFAULT_CHECKLIST) or next(iter(checklists.values())))
        run = await standups.start_scheduled(schedule.team_id, schedule.channel_id, checklist,
                                             schedule.created_by, day, remind)
        if run is None:
            return Delivery(Outcome.POSTED)  # another process has posted this day's run
        return await post_run(client, services, run)

    notify = pause_notifier(clients, "scheduled stand-up", "/standup schedule resume")
    return Runner(services.standup_schedules, deliver, notify, clock=services.clock,
                  sleep=sleep)


def make_reminders(clients: TeamClients, services: Services) -> Callable[[], Awaitable[int]]:
    """DMs each participant who has not answered a run, once, with a button to their own
    copy of the checklist. Bots and deactivated accounts are passed over."""

    async def remind(run: Run, user_id: str) -> Outcome:
        client = await clients.for_team(run.team_id)
        if client is None:
            return Outcome.PAUSE
        if not await _remindable(client, user_id):
            return Outcome.PAUSE
        delivery = await post_for(
            f"stand-up reminder to {user_id}",
            client.chat_postMessage(channel=user_id, text="The stand-up is waiting for you",
                                    blocks=views.reminder_blocks(run)))
        return delivery.outcome

    async def run_once() -> int:
        return await services.standup_reminders.run_once(remind)

    return run_once


async def _remindable(client: AsyncWebClient, user_id: str) -> bool:
    info = await user_info(client, user_id)
    return bool(info) and not info.get("is_bot") and not info.get("deleted")
