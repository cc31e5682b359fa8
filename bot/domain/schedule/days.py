"""A wall-clock time on some weekdays in an IANA zone (`mon-fri 09:30 Europe/Paris`), minus
skipped local days, and when it next falls. Built on the weekly arithmetic, so DST behaves
the same: 09:30 stays 09:30, a time in a spring-forward gap fires as much later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.schedule.weekly import DAYS, WeeklyTime, next_run

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
# How far back a latest occurrence is looked for: a week plus the skipped days that may hide it.
LOOKBACK_DAYS = 8


@dataclass(frozen=True)
class DaysTime:
    days: frozenset[int]  # 0 = Monday
    hour: int
    minute: int
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def mask(self) -> int:
        return sum(1 << day for day in self.days)

    @classmethod
    def from_mask(cls, mask: int, hour: int, minute: int, timezone: str) -> DaysTime:
        return cls(frozenset(d for d in range(7) if mask >> d & 1), hour, minute, timezone)

    def weekly(self) -> list[WeeklyTime]:
        return [WeeklyTime(day, self.hour, self.minute, self.timezone)
                for day in sorted(self.days)]

    def describe(self) -> str:
        return f"{describe_days(self.days)} {self.hour:02d}:{self.minute:02d} {self.timezone}"

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()


def describe_days(days: Collection[int]) -> str:
    """`Mon–Fri`, `Mon, Wed, Fri`, `every day`."""
    chosen = sorted(days)
    if set(chosen) == EVERY_DAY:
        return "every day"
    names = [DAYS[d][:3].capitalize() for d in chosen]
    if len(chosen) > 2 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        return f"{names[0]}\u2013{names[-1]}"
    return ", ".join(names)


def next_on_days(when: DaysTime, after: dt.datetime,
                 skipped: Collection[dt.date] = ()) -> dt.datetime:
    """The first moment strictly after `after` when it is `when`, on a day not skipped."""
    moment = after
    # Each candidate falls on a later local day, so at most len(skipped) are passed over.
    while True:
        moment = min(next_run(weekly, moment) for weekly in when.weekly())
        if when.local_day(moment) not in skipped:
            return moment


def latest_on_days(when: DaysTime, now: dt.datetime,
                   skipped: Collection[dt.date] = ()) -> dt.datetime:
    """The last moment at or before `now` when it was `when` on a day not skipped (or a week
    and the skipped days back, when there was none)."""
    start = now - dt.timedelta(days=LOOKBACK_DAYS + len(skipped))
    found = cursor = next_on_days(when, start, skipped)
    if cursor > now:
        return start
    while cursor <= now:
        found, cursor = cursor, next_on_days(when, cursor, skipped)
    return found
