"""The words of a weekly time (bot.domain.schedule.timewords) under any input: a weekly time or
a ScheduleInputError saying which word, quickly, never another exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedule.timewords import (
    ScheduleInputError,
    parse_day,
    parse_time,
    parse_weekly_time,
    parse_zone,
)
from tests.utils.hostile import hostile_text, quick


def parse_words(text: str):
    try:
        return parse_weekly_time(text.split(), "Europe/London")
    except ScheduleInputError as error:
        return error


@settings(max_examples=100, deadline=None)
@given(text=hostile_text() | hostile_text().map(lambda t: "friday 3 " + t)
       | hostile_text().map(lambda t: "fri 15:30 " + t))
def test_any_words_give_a_weekly_time_or_say_which_word_is_wrong(text):
    found = quick(parse_words, text)
    if isinstance(found, ScheduleInputError):
        assert str(found)
    else:
        assert 0 <= found.weekday <= 6 and 0 <= found.hour <= 23 and 0 <= found.minute <= 59
        assert parse_zone(str(found.zone)) == str(found.zone)


@settings(max_examples=100, deadline=None)
@given(word=hostile_text())
def test_one_word_is_a_day_a_time_a_zone_or_nothing(word):
    day = quick(parse_day, word)
    assert day is None or 0 <= day <= 6
    time = quick(parse_time, word)
    assert time is None or (0 <= time[0] <= 23 and 0 <= time[1] <= 59)
    zone = quick(parse_zone, word)
    assert zone is None or zone.lower() == word.lower()


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_every_24_hour_time_reads_back(hour, minute):
    assert parse_time(f"{hour}:{minute:02d}") == (hour, minute)
