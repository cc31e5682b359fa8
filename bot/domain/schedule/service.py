"""The stored weekly retro prompt schedules of channels. Several bot processes may share the
database, each with its own runner; a due one is claimed as every schedule is (see `claims`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.errors import DomainError
from bot.domain.schedule.claims import claim_row, due_rows, pause_row, release_row
from bot.domain.schedule.weekly import WeeklyTime, latest_occurrence, next_run
from bot.storage.dialect import as_utc
from bot.storage.models import RetroScheduleRow


class ScheduleError(DomainError):
    """A schedule request that cannot be done."""


class ScheduleNotFound(ScheduleError):
    """The channel has no schedule."""


@dataclass(frozen=True)
class Schedule:
    id: int
    team_id: str
    channel_id: str
    when: WeeklyTime
    created_by: str
    next_run_at: dt.datetime
    paused_reason: str | None

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    def latest_occurrence(self, now: dt.datetime) -> dt.datetime:
        return latest_occurrence(self.when, now)


def _schedule(row: RetroScheduleRow) -> Schedule:
    return Schedule(row.id, row.team_id, row.channel_id,
                    WeeklyTime(row.weekday, row.hour, row.minute, row.timezone),
                    row.created_by, as_utc(row.next_run_at), row.paused_reason)


class ScheduleService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def set(self, team_id: str, channel_id: str, when: WeeklyTime,
                  created_by: str) -> Schedule:
        """Schedule (or reschedule) this channel's prompt; clears any pause."""
        now = self._clock()
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await session.scalar(select(RetroScheduleRow).where(
                RetroScheduleRow.team_id == team_id, RetroScheduleRow.channel_id == channel_id
            ).with_for_update())
            if row is None:
                row = RetroScheduleRow(team_id=team_id, channel_id=channel_id, created_at=now)
                session.add(row)
            row.weekday, row.hour, row.minute = when.weekday, when.hour, when.minute
            row.timezone = when.timezone
            row.created_by = created_by
            row.next_run_at = next_run(when, now)
            row.paused_reason = None
            row.updated_at = now
        return _schedule(row)

    async def get(self, team_id: str, channel_id: str) -> Schedule | None:
        async with self._sessions() as session:
            row = await session.scalar(select(RetroScheduleRow).where(
                RetroScheduleRow.team_id == team_id, RetroScheduleRow.channel_id == channel_id))
            return _schedule(row) if row else None

    async def remove(self, team_id: str, channel_id: str) -> bool:
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await session.scalar(select(RetroScheduleRow).where(
                RetroScheduleRow.team_id == team_id, RetroScheduleRow.channel_id == channel_id))
            if row is None:
                return False
            await session.delete(row)
            return True

    async def resume(self, team_id: str, channel_id: str) -> Schedule:
        current = await self.get(team_id, channel_id)
        if current is None:
            raise ScheduleNotFound("This channel has no weekly prompt.")
        return await self.set(team_id, channel_id, current.when, current.created_by)

    async def pause(self, schedule_id: int, reason: str) -> None:
        await pause_row(self._sessions, RetroScheduleRow, schedule_id, reason, self._clock())

    async def due(self, now: dt.datetime, limit: int = 100) -> list[Schedule]:
        return [_schedule(r) for r in await due_rows(self._sessions, RetroScheduleRow, now,
                                                     limit)]

    async def claim(self, schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
        """Move the schedule past `now` if it is still due at the time we read. Exactly one
        caller per due time gets the new next-run time back, whichever process it is in."""
        following = next_run(schedule.when, now)
        claimed = await claim_row(self._sessions, RetroScheduleRow, schedule.id,
                                  schedule.next_run_at, following, now)
        return following if claimed else None

    async def release(self, schedule: Schedule, claimed_next: dt.datetime) -> None:
        """Give a claimed prompt back (posting kept failing), so a later pass tries again."""
        await release_row(self._sessions, RetroScheduleRow, schedule.id, claimed_next,
                          schedule.next_run_at)
