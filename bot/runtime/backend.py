"""The domain services of one bot process on its database: built from the settings, migrated
at start-up, probed by the health check, closed at the end.

Start-up gives the database REACH_SECONDS to answer before it says, in one line, that it cannot
reach it; the health check answers within HEALTH_SECONDS whatever the database does (a probe
still running then is left to finish and its answer reused, not started again).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import DeliveryLog
from bot.domain.forms import FormService
from bot.domain.leases import Leases
from bot.domain.matcher import Matcher
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
from bot.storage.engine import create_engine, probe, session_factory
from bot.storage.migrate import migrate
from knowledge.index import PracticeIndex
from knowledge.loader import default_checklists, default_knowledge

REACH_SECONDS = 10.0
HEALTH_SECONDS = 0.5


@dataclass
class Backend:
    services: Services
    engine: AsyncEngine
    _probing: asyncio.Task[None] | None = field(default=None, repr=False)

    async def prepare(self, reach_seconds: float = REACH_SECONDS) -> None:
        """Check the database answers within `reach_seconds`, then apply migrations; one line
        naming the database (never its password) when either fails."""
        where = self.engine.url.render_as_string(hide_password=True)
        started = time.monotonic()
        try:
            async with asyncio.timeout(reach_seconds):
                await probe(self.engine)
        except TimeoutError:  # ours, or the driver's own connect deadline, which may come first
            waited = round(time.monotonic() - started, 1)
            raise StartupError(f"cannot reach the database ({where}): no answer within "
                               f"{waited:g} s") from None
        except (OSError, DBAPIError) as error:
            raise StartupError(f"cannot reach the database ({where}): {_reason(error)}"
                               ) from None
        migrating = create_engine(self.engine.url.render_as_string(hide_password=False),
                                  migrating=True)
        try:
            await migrate(migrating)
        except (OSError, ConnectionError) as error:
            raise StartupError(f"cannot reach the database ({where}): {_reason(error)}"
                               ) from None
        except DBAPIError as error:
            raise StartupError(f"cannot migrate the database ({where}): {_reason(error)}"
                               ) from None
        finally:
            await migrating.dispose()

    async def health(self) -> dict[str, object]:
        if self._probing is None or self._probing.done():
            self._probing = asyncio.create_task(probe(self.engine))
        probing = self._probing
        done, _ = await asyncio.wait({probing}, timeout=HEALTH_SECONDS)
        reachable = bool(done) and probing.exception() is None
        return {"database": "reachable" if reachable else "unreachable"}

    async def close(self) -> None:
        if self._probing is not None and not self._probing.done():
            self._probing.cancel()
        await self.engine.dispose()


def _reason(error: BaseException) -> str:
    """The first line of what the database or the network said, or at least what kind of
    failure it was (a timeout says nothing of itself)."""
    inner = getattr(error, "orig", None) or error
    first = (str(inner).splitlines() or [""])[0].strip()
    return first or type(inner).__name__


def build_backend(settings: Settings, index: PracticeIndex | None = None,
                  clock: Clock = utcnow) -> Backend:
    index = index or PracticeIndex(default_knowledge())
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size,
                           max_overflow=settings.database_max_overflow)
    sessions = session_factory(engine)
    matcher = Matcher(index)
    services = Services(
        knowledge=index.knowledge, matcher=matcher,
        checklists=default_checklists(index.knowledge),
        retro=RetroService(sessions, matcher, clock),
        retro_edits=RetroEditor(sessions, matcher, clock),
        due_reminders=DueReminders(sessions, clock), standups=StandupService(sessions, clock),
        schedules=ScheduleService(sessions, clock),
        standup_schedules=StandupScheduleService(sessions, clock),
        participants=Participants(sessions, clock),
        standup_reminders=Reminders(sessions, clock), deliveries=DeliveryLog(sessions, clock),
        workspaces=WorkspaceService(sessions, clock, settings.uninstall_grace),
        forms=FormService(sessions, clock), leases=Leases(sessions, clock), clock=clock,
    )
    return Backend(services, engine)
