"""Weekly retro prompts: when a channel's prompt is next due, and firing each one exactly once.

Several bot processes may share the database, each with its own runner. A runner claims a due
prompt with one conditional UPDATE that moves its next-run time on only if nobody else has
(`WHERE next_run_at = <the due time we read>`); only the runner whose UPDATE changed the row
posts. The claim is made before posting, so a runner that dies between claim and post loses
that week's prompt rather than risk a second post (at most once; see `Runner.run_once`).

Times are kept as a weekday and a local wall-clock time in an IANA zone, and each next run is
computed in that zone, so 09:00 stays 09:00 across daylight-saving changes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import RetroScheduleRow, as_utc, utcnow

logger = logging.getLogger("principlebot")

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CATCH_UP_LIMIT = dt.timedelta(hours=24)
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)


class ScheduleError(Exception):
    """A request that cannot be done; the message is written for the person who asked."""


ACCEPTED_FORMS = (
    "Type a day and a time, and optionally a time zone: `/retro schedule friday 15:30`, "
    "`/retro schedule fri 3pm Europe/Paris`. Days: monday to sunday or mon to sun; times: "
    "15:30, 3pm, 3:30pm; zones: IANA names such as Europe/London or America/New_York."
)


@dataclass(frozen=True)
class WeeklyTime:
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        day = DAYS[self.weekday].capitalize()
        return f"{day} {self.hour:02d}:{self.minute:02d} {self.timezone}"


def parse_day(word: str) -> int | None:
    word = word.lower().rstrip(".,")
    for number, day in enumerate(DAYS):
        if len(word) >= 3 and day.startswith(word):
            return number
    return None


def parse_time(word: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?", word.lower())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # a bare "3" is ambiguous
    if hour > 23 or minute > 59:
        return None
    return hour, minute


@lru_cache(maxsize=1)
def _zones_by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def parse_zone(word: str) -> str | None:
    """An IANA zone name, in any letter case."""
    return _zones_by_lower_name().get(word.lower())


def parse_weekly_time(words: list[str], default_zone: str) -> WeeklyTime:
    """`friday 15:30 [Europe/Paris]`, `fri 3pm`, `Friday 3:30 pm`."""
    if not words:
        raise ScheduleError(ACCEPTED_FORMS)
    day = parse_day(words[0])
    if day is None:
        raise ScheduleError(f"I don't know the day `{words[0]}`. {ACCEPTED_FORMS}")
    rest = words[1:]
    if len(rest) >= 2 and rest[1].lower() in {"am", "pm"}:
        rest = [rest[0] + rest[1], *rest[2:]]
    if not rest:
        raise ScheduleError(f"Add a time after the day. {ACCEPTED_FORMS}")
    time = parse_time(rest[0])
    if time is None:
        raise ScheduleError(f"I don't know the time `{rest[0]}`. {ACCEPTED_FORMS}")
    zone = default_zone
    if len(rest) > 1:
        found = parse_zone(rest[1])
        if found is None:
            raise ScheduleError(f"I don't know the time zone `{rest[1]}`. {ACCEPTED_FORMS}")
        zone = found
    if len(rest) > 2:
        raise ScheduleError(ACCEPTED_FORMS)
    if parse_zone(zone) is None:
        zone = "UTC"
    return WeeklyTime(day, time[0], time[1], zone)


def next_run(when: WeeklyTime, after: dt.datetime) -> dt.datetime:
    """The first moment strictly after `after` (aware) when it is `when` in its zone, in UTC.

    A wall-clock time that does not exist on a spring-forward day fires as much later as the
    clocks jumped (01:30 becomes 02:30); an ambiguous one on a fall-back day fires at its first
    occurrence."""
    zone = when.zone
    local_day = after.astimezone(zone).date()
    local_day += dt.timedelta(days=(when.weekday - local_day.weekday()) % 7)
    while True:
        wall = dt.datetime.combine(local_day, dt.time(when.hour, when.minute), tzinfo=zone)
        # Round-tripping through UTC normalises a time in a DST gap.
        candidate = wall.astimezone(dt.UTC)
        if candidate > after:
            return candidate
        local_day += dt.timedelta(days=7)


def latest_occurrence(when: WeeklyTime, now: dt.datetime) -> dt.datetime:
    """The last moment at or before `now` when it was `when` in its zone."""
    # Occurrences are a week apart, give or take a DST hour: one lies in any 8-day window.
    found = cursor = next_run(when, now - dt.timedelta(days=8))
    while cursor <= now:
        found, cursor = cursor, next_run(when, cursor)
    return found


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



def _schedule(row: RetroScheduleRow) -> Schedule:
    return Schedule(row.id, row.team_id, row.channel_id,
                    WeeklyTime(row.weekday, row.hour, row.minute, row.timezone),
                    row.created_by, as_utc(row.next_run_at), row.paused_reason)


class ScheduleService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def set(self, team_id: str, channel_id: str, when: WeeklyTime,
                  created_by: str) -> Schedule:
        """Schedule (or reschedule) this channel's prompt; clears any pause."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
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
        async with self._sessions() as session, session.begin():
            row = await session.scalar(select(RetroScheduleRow).where(
                RetroScheduleRow.team_id == team_id, RetroScheduleRow.channel_id == channel_id))
            if row is None:
                return False
            await session.delete(row)
            return True

    async def resume(self, team_id: str, channel_id: str) -> Schedule:
        current = await self.get(team_id, channel_id)
        if current is None:
            raise ScheduleError("This channel has no weekly prompt. Set one with "
                                "`/retro schedule friday 15:30`.")
        return await self.set(team_id, channel_id, current.when, current.created_by)

    async def pause(self, schedule_id: int, reason: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(RetroScheduleRow).where(
                RetroScheduleRow.id == schedule_id
            ).values(paused_reason=reason, updated_at=self._clock()))

    async def due(self, now: dt.datetime, limit: int = 100) -> list[Schedule]:
        async with self._sessions() as session:
            rows = await session.scalars(select(RetroScheduleRow).where(
                RetroScheduleRow.next_run_at <= now, RetroScheduleRow.paused_reason.is_(None)
            ).order_by(RetroScheduleRow.next_run_at, RetroScheduleRow.id).limit(limit))
            return [_schedule(r) for r in rows]

    async def claim(self, schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
        """Move the schedule past `now` if it is still due at the time we read. Exactly one
        caller per due time gets the new next-run time back, whichever process it is in."""
        following = next_run(schedule.when, now)
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(RetroScheduleRow).where(
                RetroScheduleRow.id == schedule.id,
                RetroScheduleRow.next_run_at == schedule.next_run_at,
                RetroScheduleRow.paused_reason.is_(None),
            ).values(next_run_at=following, updated_at=now))
            return following if result.rowcount == 1 else None

    async def release(self, schedule: Schedule, claimed_next: dt.datetime) -> None:
        """Give a claimed prompt back (posting kept failing), so a later pass tries again."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(RetroScheduleRow).where(
                RetroScheduleRow.id == schedule.id, RetroScheduleRow.next_run_at == claimed_next
            ).values(next_run_at=schedule.next_run_at))


class Outcome(enum.Enum):
    POSTED = "posted"
    RETRY = "retry"  # rate limited or Slack unavailable: try again shortly
    PAUSE = "pause"  # the bot cannot post there until someone acts


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    reason: str = ""
    retry_after: float | None = None  # seconds Slack asked us to wait (429)


Deliver = Callable[[Schedule, dt.datetime], Awaitable[Delivery]]
Notify = Callable[[Schedule, str], Awaitable[None]]


class Runner:
    """Finds due prompts and fires each once. One per process; safe with several processes."""

    def __init__(self, schedules: ScheduleService, deliver: Deliver, notify_paused: Notify,
                 clock: Callable[[], dt.datetime] = utcnow,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 interval: float = 30.0) -> None:
        self._schedules = schedules
        self._deliver = deliver
        self._notify_paused = notify_paused
        self._clock = clock
        self._sleep = sleep
        self._interval = interval

    async def run_once(self) -> list[Schedule]:
        """One pass: claim every due prompt, post those less than a day late, skip the rest.
        Returns the schedules this runner posted for."""
        now = self._clock()
        posted = []
        for schedule in await self._schedules.due(now):
            claimed_next = await self._schedules.claim(schedule, now)
            if claimed_next is None:
                continue  # another runner has it
            # Lateness counts from the latest missed occurrence: after weeks of downtime the
            # prompt due two hours ago still fires (once), the older ones do not.
            late = now - latest_occurrence(schedule.when, now)
            if late >= CATCH_UP_LIMIT:
                logger.info("skipped a prompt for %s: %s late", schedule.channel_id, late)
                continue
            if await self._post(schedule, now, claimed_next):
                posted.append(schedule)
        return posted

    async def _post(self, schedule: Schedule, now: dt.datetime,
                    claimed_next: dt.datetime) -> bool:
        for delay in (*RETRY_DELAYS, None):
            try:
                delivery = await self._deliver(schedule, now)
            except Exception:
                # Building the prompt failed (the database, say): try again like a 5xx.
                logger.exception("weekly prompt for %s failed", schedule.channel_id)
                delivery = Delivery(Outcome.RETRY, "error")
            if delivery.outcome is Outcome.POSTED:
                return True
            if delivery.outcome is Outcome.PAUSE:
                await self._schedules.pause(schedule.id, delivery.reason)
                await self._notify_paused(schedule, delivery.reason)
                return False
            if delay is None:
                break
            await self._sleep(max(delay, delivery.retry_after or 0.0))
        # Slack kept refusing (429/5xx): hand the prompt back for a later pass, which posts it
        # while it is less than a day late.
        logger.warning("prompt for %s not posted yet; will retry", schedule.channel_id)
        await self._schedules.release(schedule, claimed_next)
        return False

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                logger.exception("weekly prompt runner pass failed")
            await self._sleep(self._interval)
