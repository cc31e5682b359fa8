"""The team routine's rules, tested directly with the injected clock: stand-up days and times
across DST and skipped days, the words for days and dates, stand-up schedules, and changing,
deleting and restoring retro actions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.matcher import Matcher
from bot.domain.retro.editing import UNDO_WINDOW, Changes, RetroEditor
from bot.domain.retro.values import RetroNotAllowed, RetroNotFound, RetroPastDate, Scope
from bot.domain.schedule.datewords import DateInputError, parse_date
from bot.domain.schedule.days import WEEKDAYS, DaysTime, latest_on_days, next_on_days
from bot.domain.schedule.timewords import ScheduleInputError, parse_days, parse_days_time
from bot.domain.standup.schedules import StandupScheduleService
from bot.domain.standup.values import StandupError
from bot.storage.engine import session_factory

LONDON = ZoneInfo("Europe/London")
SCOPE = Scope("T1", "C1")


def local(*args: int, zone: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


def test_weekdays_skip_the_weekend_and_keep_local_time_across_dst():
    when = DaysTime(WEEKDAYS, 9, 30, "Europe/London")
    friday = local(2026, 3, 27, 10, 0)  # London springs forward on Sunday 29 March
    monday = next_on_days(when, friday)
    assert monday.astimezone(LONDON) == local(2026, 3, 30, 9, 30)
    assert monday.utcoffset() == dt.timedelta(0)  # returned in UTC: 08:30 after the change
    assert monday == dt.datetime(2026, 3, 30, 8, 30, tzinfo=dt.UTC)
    assert next_on_days(when, friday, [dt.date(2026, 3, 30)]).astimezone(LONDON) == \
        local(2026, 3, 31, 9, 30)
    assert latest_on_days(when, local(2026, 3, 30, 9, 0)).astimezone(LONDON) == \
        local(2026, 3, 27, 9, 30)
    assert latest_on_days(when, local(2026, 3, 31, 9, 0), [dt.date(2026, 3, 30)]
                          ).astimezone(LONDON) == local(2026, 3, 27, 9, 30)


@pytest.mark.parametrize(("word", "days"), [
    ("weekdays", {0, 1, 2, 3, 4}), ("daily", set(range(7))), ("mon-fri", {0, 1, 2, 3, 4}),
    ("mon,wed,fri", {0, 2, 4}), ("Friday", {4}), ("sat-mon", {5, 6, 0}), ("tue-tue", {1}),
])
def test_day_words(word, days):
    assert parse_days(word) == frozenset(days)


@pytest.mark.parametrize("word", ["someday", "mon-", "mo", "mon,xyz", ""])
def test_words_that_are_not_days(word):
    assert parse_days(word) is None


def test_days_and_time_words():
    assert parse_days_time(["09:30"], "Europe/Paris") == DaysTime(WEEKDAYS, 9, 30,
                                                                 "Europe/Paris")
    assert parse_days_time(["mon", "wed", "9:30", "am", "utc"], "Europe/Paris") == \
        DaysTime(frozenset({0, 2}), 9, 30, "UTC")
    for words in (["mon-fri"], ["noon"], ["mon", "9"], ["mon", "09:30", "Nowhere/Land"],
                  ["mon", "09:30", "UTC", "extra"]):
        with pytest.raises(ScheduleInputError):
            parse_days_time(words, "UTC")


@pytest.mark.parametrize(("words", "expected"), [
    ("2026-12-24", dt.date(2026, 12, 24)), ("today", dt.date(2026, 12, 2)),
    ("tomorrow", dt.date(2026, 12, 3)), ("friday", dt.date(2026, 12, 4)),
    ("wednesday", dt.date(2026, 12, 2)), ("next wednesday", dt.date(2026, 12, 9)),
    ("next week", dt.date(2026, 12, 7)), ("in 3 days", dt.date(2026, 12, 5)),
    ("In 2 Weeks", dt.date(2026, 12, 16)), ("on fri", dt.date(2026, 12, 4)),
])
def test_date_words_read_from_the_persons_today(words, expected):
    assert parse_date(words, dt.date(2026, 12, 2)) == expected  # a Wednesday


@pytest.mark.parametrize("words", ["someday", "2026-02-30", "in many days", "in 9999 days",
                                   "next", "friday week", "x" * 500])
def test_words_that_are_not_dates(words):
    with pytest.raises(DateInputError):
        parse_date(words, dt.date(2026, 12, 2))


async def test_skipping_a_day_moves_the_next_run_and_a_past_day_is_refused(engine, clock):
    clock.set(local(2026, 12, 21, 8, 0))  # a Monday
    schedules = StandupScheduleService(session_factory(engine), clock)
    found = await schedules.set("T1", "C1", DaysTime(WEEKDAYS, 9, 30, "Europe/London"), None,
                                "U1")
    assert found.next_run_at.astimezone(LONDON) == local(2026, 12, 21, 9, 30)
    skipped = await schedules.skip("T1", "C1", dt.date(2026, 12, 21))
    assert skipped.next_run_at.astimezone(LONDON) == local(2026, 12, 22, 9, 30)
    assert skipped.skipped == (dt.date(2026, 12, 21),)
    with pytest.raises(StandupError, match="already past"):
        await schedules.skip("T1", "C1", dt.date(2026, 12, 20))
    # Set again (another time): the skipped day still holds.
    again = await schedules.set("T1", "C1", DaysTime(WEEKDAYS, 9, 0, "Europe/London"), None,
                                "U1")
    assert again.next_run_at.astimezone(LONDON) == local(2026, 12, 22, 9, 0)


async def test_changes_need_the_author_or_owner_and_a_date_from_today(engine, index, clock,
                                                                     retro_service):
    editor = RetroEditor(session_factory(engine), Matcher(index), clock)
    clock.set(local(2026, 12, 2, 23, 30))  # already 3 December in Paris
    await retro_service.add(SCOPE, "U1", "fix the form", ["#4"], owner_id="U2")
    with pytest.raises(RetroNotAllowed):
        await editor.edit(SCOPE, 1, "U3", Changes(text="mine"))
    with pytest.raises(RetroPastDate):
        await editor.set_due(SCOPE, 1, "U2", dt.date(2026, 12, 2), "Europe/Paris")
    changed = await editor.set_due(SCOPE, 1, "U2", dt.date(2026, 12, 2), "Europe/London")
    assert changed.due_date == dt.date(2026, 12, 2)
    with pytest.raises(RetroNotFound):
        await editor.assign(Scope("T1", "C2"), 1, "U1", "U4")
    assert (await retro_service.get(SCOPE, 1)).owner_id == "U2"


async def test_undo_restores_within_the_window_only(engine, index, clock, retro_service):
    editor = RetroEditor(session_factory(engine), Matcher(index), clock)
    await retro_service.add(SCOPE, "U1", "fix the form", ["#4.2", "#7"])
    await retro_service.add(SCOPE, "U1", "keep it", ["#1"])
    before = await retro_service.get(SCOPE, 1)
    _, key = await retro_service.delete(SCOPE, 1, "U1")
    assert await editor.undo_delete("T1", key, "U1") == before
    _, key = await retro_service.delete(SCOPE, 1, "U1")
    clock.advance(seconds=UNDO_WINDOW.total_seconds() + 1)
    with pytest.raises(RetroNotFound, match="too late"):
        await editor.undo_delete("T1", key, "U1")
    assert await editor.purge_trash(clock()) == 1
