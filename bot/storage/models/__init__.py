"""The tables, one module per feature; importing this package registers them all on `Base`."""

from bot.storage.models.base import Base
from bot.storage.models.deliveries import SlackDeliveryRow
from bot.storage.models.forms import OpenFormRow
from bot.storage.models.jobs import JobLeaseRow
from bot.storage.models.retro import RetroActionRow, RetroTagRow, TeamCounter
from bot.storage.models.retro_followup import RetroDueReminderRow, RetroTrashRow
from bot.storage.models.schedule import RetroScheduleRow
from bot.storage.models.standup import StandupResponseRow, StandupRunRow, StandupTickRow
from bot.storage.models.standup_schedule import (
    StandupParticipantRow,
    StandupReminderRow,
    StandupScheduleRow,
    StandupSkipRow,
)
from bot.storage.models.workspaces import (
    KEPT_ON_PURGE,
    DepartureRow,
    WorkspaceTeamRow,
    slack_bots,
    slack_installations,
    slack_oauth_states,
)

__all__ = [
    "KEPT_ON_PURGE",
    "Base",
    "DepartureRow",
    "JobLeaseRow",
    "OpenFormRow",
    "RetroActionRow",
    "RetroDueReminderRow",
    "RetroScheduleRow",
    "RetroTagRow",
    "RetroTrashRow",
    "SlackDeliveryRow",
    "StandupParticipantRow",
    "StandupReminderRow",
    "StandupResponseRow",
    "StandupRunRow",
    "StandupScheduleRow",
    "StandupSkipRow",
    "StandupTickRow",
    "TeamCounter",
    "WorkspaceTeamRow",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]
