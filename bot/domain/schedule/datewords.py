"""The words people type for a day: `2026-12-24`, `today`, `tomorrow`, `friday` (the coming
one, today included), `next week` (its Monday), `in 3 days`, `in 2 weeks`. Read against the
person's own today, so the caller decides the time zone."""

from __future__ import annotations

import datetime as dt
import re

from bot.domain.schedule.timewords import ScheduleInputError, parse_day

MAX_AHEAD_DAYS = 5 * 366
_IN = re.compile(r"in (\d{1,4}) (day|days|week|weeks)")


class DateInputError(ScheduleInputError):
    """Words that are not a day."""


DATE_FORMS = ("2026-12-24, today, tomorrow, friday, next week, in 3 days or in 2 weeks")


def parse_date(text: str, today: dt.date) -> dt.date:
    """The day `text` names, seen from `today`; ScheduleInputError saying what was not
    understood."""
    words = " ".join(text.lower().split())[:40]
    found = _parse(words, today)
    if found is None:
        raise DateInputError(f"I don't know the date `{text.strip()[:40]}`.")
    if (found - today).days > MAX_AHEAD_DAYS:
        raise DateInputError("That date is too far ahead.")
    return found


def _parse(words: str, today: dt.date) -> dt.date | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        try:
            return dt.date.fromisoformat(words)
        except ValueError:
            return None
    if words == "today":
        return today
    if words == "tomorrow":
        return today + dt.timedelta(days=1)
    if words == "next week":
        return today + dt.timedelta(days=7 - today.weekday())
    match = _IN.fullmatch(words)
    if match:
        count = int(match[1])
        return today + dt.timedelta(days=count * (7 if match[2].startswith("week") else 1))
    day = parse_day(words.removeprefix("next ").removeprefix("on ")) if " " not in \
        words.removeprefix("next ").removeprefix("on ") else None
    if day is None:
        return None
    ahead = (day - today.weekday()) % 7
    if words.startswith("next ") and ahead == 0:
        ahead = 7
    return today + dt.timedelta(days=ahead)
