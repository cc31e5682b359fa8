"""A channel's scheduled stand-up: when it is posted (weekdays, time, zone), which checklist,
the local days skipped, and how long after the post people who have not answered are
reminded. Claimed when due as every schedule is (bot.domain.schedule.claims)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.schedule.claims import claim_row, due_rows, pause_row, release_row
from bot.domain.schedule.days import DaysTime, latest_on_days, next_on_days
from bot.domain.standup.values import StandupError
from bot.storage.dialect import as_utc, insert_for
from bot.storage.models import StandupScheduleRow, StandupSkipRow

MAX_SKIPS = 60
MAX_REMIND_MINUTES = 12 * 60
NO_SCHEDULE = "This channel has no scheduled stand-up."


class StandupScheduleNotFound(StandupError):
    """The channel has no scheduled stand-up."""


@dataclass(frozen=True)
class StandupSchedule:
    id: int
    team_id: str
    channel_id: str
    when: DaysTime
    checklist_name: str | None
    remind_minutes: int | None
    created_by: str
    next_run_at: dt.datetime
    paused_reason: str | None
    skipped: tuple[dt.date, ...]

    def latest_occurrence(self, now: dt.datetime) -> dt.datetime:
        return latest_on_days(self.when, now, self.skipped)

    def day_of(self, moment: dt.datetime) -> dt.date:
        return self.when.local_day(moment)


def _schedule(row: StandupScheduleRow, skipped: tuple[dt.date, ...]) -> StandupSchedule:
    return StandupSchedule(
        row.id, row.team_id, row.channel_id,
        DaysTime.from_mask(row.days, row.hour, row.minute, row.timezone),
        row.checklist_name, row.remind_minutes, row.created_by, as_utc(row.next_run_at),
        row.paused_reason, skipped)


class StandupScheduleService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def _row(self, session: AsyncSession, team_id: str, channel_id: str,
                   lock: bool = False) -> StandupScheduleRow | None:
        query = select(StandupScheduleRow).where(StandupScheduleRow.team_id == team_id,
                                                 StandupScheduleRow.channel_id == channel_id)
        return await session.scalar(query.with_for_update() if lock else query)

    async def _skips(self, session: AsyncSession, team_id: str, channel_id: str
                     ) -> tuple[dt.date, ...]:
        return tuple((await session.scalars(select(StandupSkipRow.day).where(
            StandupSkipRow.team_id == team_id, StandupSkipRow.channel_id == channel_id
        ).order_by(StandupSkipRow.day))).all())

    async def _load(self, session: AsyncSession, row: StandupScheduleRow) -> StandupSchedule:
        return _schedule(row, await self._skips(session, row.team_id, row.channel_id))

    async def set(self, team_id: str, channel_id: str, when: DaysTime,
                  checklist_name: str | None, created_by: str) -> StandupSchedule:
        """Schedule (or reschedule) the channel's stand-up; keeps its reminder and skipped
        days, clears any pause."""
        now = self._clock()
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await self._row(session, team_id, channel_id, lock=True)
            skipped = await self._skips(session, team_id, channel_id)
            if row is None:
                row = StandupScheduleRow(team_id=team_id, channel_id=channel_id, created_at=now)
                session.add(row)
            row.days, row.hour, row.minute = when.mask, when.hour, when.minute
            row.timezone, row.checklist_name, row.created_by = (when.timezone, checklist_name,
                                                                created_by)
            row.next_run_at = next_on_days(when, now, skipped)
            row.paused_reason, row.updated_at = None, now
            await session.flush()
            return await self._load(session, row)

    async def get(self, team_id: str, channel_id: str) -> StandupSchedule | None:
        async with self._sessions() as session:
            row = await self._row(session, team_id, channel_id)
            return await self._load(session, row) if row else None

    async def _existing(self, team_id: str, channel_id: str) -> StandupSchedule:
        found = await self.get(team_id, channel_id)
        if found is None:
            raise StandupScheduleNotFound(NO_SCHEDULE)
        return found

    async def remove(self, team_id: str, channel_id: str) -> bool:
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await self._row(session, team_id, channel_id, lock=True)
            await session.execute(delete(StandupSkipRow).where(
                StandupSkipRow.team_id == team_id, StandupSkipRow.channel_id == channel_id))
            if row is None:
                return False
            await session.delete(row)
            return True

    async def resume(self, team_id: str, channel_id: str) -> StandupSchedule:
        found = await self._existing(team_id, channel_id)
        return await self.set(team_id, channel_id, found.when, found.checklist_name,
                              found.created_by)

    async def skip(self, team_id: str, channel_id: str, day: dt.date) -> StandupSchedule:
        """Post nothing on the channel's local `day`; a day already past is refused."""
        now = self._clock()
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await self._row(session, team_id, channel_id, lock=True)
            if row is None:
                raise StandupScheduleNotFound(NO_SCHEDULE)
            when = DaysTime.from_mask(row.days, row.hour, row.minute, row.timezone)
            today = when.local_day(now)
            if day < today:
                raise StandupError(f"{day.isoformat()} is already past.")
            await session.execute(delete(StandupSkipRow).where(
                StandupSkipRow.team_id == team_id, StandupSkipRow.channel_id == channel_id,
                StandupSkipRow.day < today))
            skipped = await self._skips(session, team_id, channel_id)
            if day not in skipped and len(skipped) >= MAX_SKIPS:
                raise StandupError(f"A channel can skip at most {MAX_SKIPS} days ahead.")
            insert = insert_for(session)
            await session.execute(insert(StandupSkipRow).values(
                team_id=team_id, channel_id=channel_id, day=day).on_conflict_do_nothing())
            row.next_run_at = next_on_days(when, now, (*skipped, day))
            row.updated_at = now
            await session.flush()
            return await self._load(session, row)

    async def set_reminder(self, team_id: str, channel_id: str,
                           minutes: int | None) -> StandupSchedule:
        """Remind people `minutes` after each post (None: no reminders)."""
        if minutes is not None and not 1 <= minutes <= MAX_REMIND_MINUTES:
            raise StandupError(f"Remind between 1 and {MAX_REMIND_MINUTES} minutes after "
                               "the post.")
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await self._row(session, team_id, channel_id, lock=True)
            if row is None:
                raise StandupScheduleNotFound(NO_SCHEDULE)
            row.remind_minutes, row.updated_at = minutes, self._clock()
            await session.flush()
            return await self._load(session, row)

    # ------------------------------------------------------------- the runner's store

    async def due(self, now: dt.datetime, limit: int = 100) -> list[StandupSchedule]:
        rows = await due_rows(self._sessions, StandupScheduleRow, now, limit)
        if not rows:
            return []
        skipped: dict[tuple[str, str], list[dt.date]] = {}
        async with self._sessions() as session:
            for team, channel, day in await session.execute(
                    select(StandupSkipRow.team_id, StandupSkipRow.channel_id, StandupSkipRow.day)
                    .where(StandupSkipRow.channel_id.in_({r.channel_id for r in rows}))
                    .order_by(StandupSkipRow.day)):
                skipped.setdefault((team, channel), []).append(day)
        return [_schedule(r, tuple(skipped.get((r.team_id, r.channel_id), ()))) for r in rows]

    async def claim(self, schedule: StandupSchedule, now: dt.datetime) -> dt.datetime | None:
        following = next_on_days(schedule.when, now, schedule.skipped)
        claimed = await claim_row(self._sessions, StandupScheduleRow, schedule.id,
                                  schedule.next_run_at, following, now)
        return following if claimed else None

    async def release(self, schedule: StandupSchedule, claimed_next: dt.datetime) -> None:
        await release_row(self._sessions, StandupScheduleRow, schedule.id, claimed_next,
                          schedule.next_run_at)

    async def pause(self, schedule_id: int, reason: str) -> None:
        await pause_row(self._sessions, StandupScheduleRow, schedule_id, reason, self._clock())
