"""A weekly wall-clock time in an IANA zone, and when it next falls.

Times are kept as a weekday and a local wall-clock time, and each next run is computed in that
zone, so 09:00 stays 09:00 across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
