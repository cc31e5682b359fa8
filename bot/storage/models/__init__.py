"""The tables, one module per feature; importing this package registers them all on `Base`."""

from bot.storage.models.base import Base
from bot.storage.models.deliveries import SlackDeliveryRow
from bot.storage.models.retro import RetroActionRow, RetroTagRow, TeamCounter
from bot.storage.models.schedule import RetroScheduleRow
from bot.storage.models.standup import StandupResponseRow, StandupRunRow, StandupTickRow

__all__ = [
    "Base",
    "RetroActionRow",
    "RetroScheduleRow",
    "RetroTagRow",
    "SlackDeliveryRow",
    "StandupResponseRow",
    "StandupRunRow",
    "StandupTickRow",
    "TeamCounter",
]
