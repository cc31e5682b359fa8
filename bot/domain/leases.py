"""Leases on background jobs that one bot process at a time should run, whatever the number of
processes sharing the database (SQLite or PostgreSQL alike).

A process holds a job's lease until `expires_at` and renews it on each pass; another process
takes it over only once it has expired (the holder stopped, or stopped renewing), or at once
when the holder gives it back on a clean shutdown. Taking and renewing are one conditional
UPDATE (or the INSERT of a job nobody ran yet), so of processes asking at once one wins.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.storage.dialect import insert_for
from bot.storage.engine import write_turn
from bot.storage.models import JobLeaseRow

logger = logging.getLogger("principlebot")

LEASES = JobLeaseRow.__table__


def process_name() -> str:
    """Names this process in the lease table (host, pid, and a token: pids are reused)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


class Leases:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock = utcnow,
                 holder: str | None = None) -> None:
        self._sessions = sessions
        self._clock = clock
        self.holder = holder or process_name()
        self._held: set[str] = set()

    async def hold(self, name: str, seconds: float) -> bool:
        """Take or renew the lease on job `name` for `seconds`; False while another process
        holds it."""
        now = self._clock().astimezone(dt.UTC)  # SQLite compares the stored text
        until = now + dt.timedelta(seconds=seconds)
        async with write_turn(self._sessions), self._sessions() as session, session.begin():
            taken = await session.execute(update(LEASES).where(
                LEASES.c.name == name,
                or_(LEASES.c.holder == self.holder, LEASES.c.expires_at <= now),
            ).values(holder=self.holder, expires_at=until))
            held = taken.rowcount == 1
            if not held:
                made = await session.execute(insert_for(session)(LEASES).values(
                    name=name, holder=self.holder, expires_at=until).on_conflict_do_nothing())
                held = made.rowcount == 1
        self._note(name, held)
        return held

    def _note(self, name: str, held: bool) -> None:
        if held and name not in self._held:
            logger.info("%s: runs in this process (%s) now", name, self.holder)
            self._held.add(name)
        elif not held and name in self._held:
            logger.info("%s: another process runs it now", name)
            self._held.discard(name)

    async def release_all(self) -> None:
        """Give back every lease this process holds, so another takes over at once."""
        async with write_turn(self._sessions), self._sessions() as session, session.begin():
            await session.execute(update(LEASES).where(LEASES.c.holder == self.holder)
                                  .values(expires_at=self._clock().astimezone(dt.UTC)))
        self._held.clear()
