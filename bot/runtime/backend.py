"""The domain services of one bot process on its database: built from the settings, migrated
at start-up, probed by the health check, closed at the end."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import DeliveryLog
from bot.domain.retro.due import DueReminders
from bot.domain.retro.editing import RetroEditor
from bot.domain.retro.service import RetroService
from bot.domain.schedule.service import ScheduleService
from bot.domain.services import Services
from bot.domain.standup.reminders import Participants, Reminders
from bot.domain.standup.schedules import StandupScheduleService
from bot.domain.standup.service import StandupService
from bot.domain.workspaces import WorkspaceService
from bot.runtime.errors import StartupError
from bot.runtime.settings import Settings
from bot.storage.engine import create_engine, is_reachable, session_factory
from bot.storage.migrate import migrate
from knowledge.index import PracticeIndex
from knowledge.loader import default_checklists, default_knowledge


@dataclass(frozen=True)
class Backend:
    services: Services
    engine: AsyncEngine

    async def prepare(self) -> None:
        """Apply migrations; one line naming the database when it cannot be reached."""
        where = self.engine.url.render_as_string(hide_password=True)
        try:
            await migrate(self.engine)
        except (OSError, ConnectionError) as error:
            raise StartupError(f"cannot reach the database ({where}): {error}") from None
        except DBAPIError as error:
            first_line = str(error.orig or error).splitlines()[0]
            raise StartupError(f"cannot migrate the database ({where}): {first_line}") from None

    async def health(self) -> dict[str, object]:
        return {"database": "reachable" if await is_reachable(self.engine) else "unreachable"}

    async def close(self) -> None:
        await self.engine.dispose()


def build_backend(settings: Settings, index: PracticeIndex | None = None,
                  clock: Clock = utcnow) -> Backend:
    index = index or PracticeIndex(default_knowledge())
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size,
                           max_overflow=settings.database_max_overflow)
    sessions = session_factory(engine)
    services = Services(
        index=index, checklists=default_checklists(index.knowledge),
        retro=RetroService(sessions, index, clock),
        retro_edits=RetroEditor(sessions, index, clock),
        due_reminders=DueReminders(sessions, clock), standups=StandupService(sessions, clock),
        schedules=ScheduleService(sessions, clock),
        standup_schedules=StandupScheduleService(sessions, clock),
        participants=Participants(sessions, clock),
        standup_reminders=Reminders(sessions, clock), deliveries=DeliveryLog(sessions, clock),
        workspaces=WorkspaceService(sessions, clock, settings.uninstall_grace), clock=clock,
    )
    return Backend(services, engine)
