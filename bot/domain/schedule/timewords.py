"""The words people type for a weekly time: `friday 15:30 [Europe/Paris]`, `fri 3pm`,
`Friday 3:30 pm`. Errors say which word was not understood; the caller adds the accepted forms
in its own terms (a slash command, a CLI option)."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import available_timezones

from bot.domain.schedule.days import EVERY_DAY, WEEKDAYS, DaysTime
from bot.domain.schedule.service import ScheduleError
from bot.domain.schedule.weekly import DAYS, WeeklyTime

MAX_WORDS = 12
DAY_SETS = {"weekdays": WEEKDAYS, "weekday": WEEKDAYS, "daily": EVERY_DAY,
            "everyday": EVERY_DAY, "weekends": frozenset({5, 6}), "weekend": frozenset({5, 6})}


class ScheduleInputError(ScheduleError):
    """Words that are not a weekly time."""


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


def parse_days(word: str) -> frozenset[int] | None:
    """`weekdays`, `daily`, `mon-fri`, `mon,wed,fri`, `friday`, `sat-mon` (wrapping)."""
    word = word.lower().strip(",")
    if word in DAY_SETS:
        return DAY_SETS[word]
    days: set[int] = set()
    for part in word.split(",")[:7]:
        first, dash, last = part.partition("-")
        start, end = parse_day(first), parse_day(last) if dash else None
        if start is None or (dash and end is None):
            return None
        if end is None:
            days.add(start)
        else:
            days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
    return frozenset(days) or None


def _time_and_zone(rest: list[str], default_zone: str) -> tuple[int, int, str]:
    if len(rest) >= 2 and rest[1].lower() in {"am", "pm"}:
        rest = [rest[0] + rest[1], *rest[2:]]
    if not rest:
        raise ScheduleInputError("Add a time after the day.")
    time = parse_time(rest[0])
    if time is None:
        raise ScheduleInputError(f"I don't know the time `{rest[0]}`.")
    zone = default_zone
    if len(rest) > 1:
        found = parse_zone(rest[1])
        if found is None:
            raise ScheduleInputError(f"I don't know the time zone `{rest[1]}`.")
        zone = found
    if len(rest) > 2:
        raise ScheduleInputError("Give only the day(s), a time and a time zone.")
    return time[0], time[1], zone if parse_zone(zone) else "UTC"


def parse_days_time(words: list[str], default_zone: str) -> DaysTime:
    """Days (weekdays when left out), a time and optionally a zone (else `default_zone`)."""
    words = words[:MAX_WORDS]
    days: set[int] = set()
    while words and (found := parse_days(words[0])) is not None:
        days |= found
        words = words[1:]
    if not words:
        raise ScheduleInputError("Give a time, e.g. 09:30.")
    if not days and parse_time(words[0]) is None and not (
            len(words) > 1 and words[1].lower() in {"am", "pm"}):
        raise ScheduleInputError(f"I don't know the days `{words[0]}`.")
    hour, minute, zone = _time_and_zone(words, default_zone)
    return DaysTime(frozenset(days) or WEEKDAYS, hour, minute, zone)


def parse_weekly_time(words: list[str], default_zone: str) -> WeeklyTime:
    """A day, a time and optionally a zone (else `default_zone`, or UTC if that is unknown)."""
    if not words:
        raise ScheduleInputError("Give a day and a time.")
    day = parse_day(words[0])
    if day is None:
        raise ScheduleInputError(f"I don't know the day `{words[0]}`.")
    hour, minute, zone = _time_and_zone(words[1:], default_zone)
    return WeeklyTime(day, hour, minute, zone)
