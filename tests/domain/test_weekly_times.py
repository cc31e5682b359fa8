"""Weekly times, pure: parsing what people type (bot.domain.schedule.timewords) and working out
the next run across daylight-saving changes (bot.domain.schedule.weekly). The accepted forms
that follow a refusal in Slack are the Slack layer's: tests/handlers/test_prompts.py."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule.timewords import ScheduleInputError, parse_weekly_time
from bot.domain.schedule.weekly import WeeklyTime, next_run

UTC = dt.UTC
LONDON = "Europe/London"
NEW_YORK = "America/New_York"
MONDAY, FRIDAY, SUNDAY = 0, 4, 6


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


# ---------------------------------------------------------------------- parsing


@pytest.mark.parametrize("day", ["fri", "Fri", "friday", "Friday", "FRIDAY", "fri.", "frid"])
def test_day_names_in_the_forms_people_type(day):
    assert parse_weekly_time([day, "15:30"], "UTC") == WeeklyTime(FRIDAY, 15, 30, "UTC")


@pytest.mark.parametrize(("day", "weekday"), [
    ("mon", 0), ("tue", 1), ("tues", 1), ("wed", 2), ("thu", 3), ("thursday", 3),
    ("sat", 5), ("sun", 6), ("Sunday", 6),
])
def test_every_day_of_the_week(day, weekday):
    assert parse_weekly_time([day, "9am"], "UTC").weekday == weekday


@pytest.mark.parametrize(("words", "hour", "minute"), [
    (["3pm"], 15, 0),
    (["3PM"], 15, 0),
    (["3:30pm"], 15, 30),
    (["3", "pm"], 15, 0),
    (["3:30", "pm"], 15, 30),
    (["15:30"], 15, 30),
    (["9am"], 9, 0),
    (["9", "am"], 9, 0),
    (["09:05"], 9, 5),
    (["12am"], 0, 0),
    (["12pm"], 12, 0),
    (["0:00"], 0, 0),
    (["23:59"], 23, 59),
])
def test_times_in_the_forms_people_type(words, hour, minute):
    parsed = parse_weekly_time(["friday", *words], "Europe/Paris")
    assert (parsed.hour, parsed.minute) == (hour, minute)
    assert parsed.timezone == "Europe/Paris"  # the default zone when none is given


@pytest.mark.parametrize("zone", ["Europe/Paris", "europe/paris", "EUROPE/PARIS", "eUrOpE/pArIs"])
def test_zone_in_any_letter_case_is_stored_under_its_iana_name(zone):
    parsed = parse_weekly_time(["fri", "3pm", zone], "UTC")
    assert parsed == WeeklyTime(FRIDAY, 15, 0, "Europe/Paris")


def test_zone_after_a_split_am_pm():
    assert parse_weekly_time(["Friday", "3:30", "pm", "america/new_york"], "UTC") == \
        WeeklyTime(FRIDAY, 15, 30, NEW_YORK)


def test_a_default_zone_that_is_not_a_zone_falls_back_to_utc():
    assert parse_weekly_time(["fri", "15:30"], "Not/AZone").timezone == "UTC"


def test_describe_names_day_time_and_zone():
    assert parse_weekly_time(["fri", "3:05pm", "europe/paris"], "UTC").describe() == \
        "Friday 15:05 Europe/Paris"


@pytest.mark.parametrize(("words", "quoted"), [
    (["someday", "15:30"], "someday"),
    (["fr", "15:30"], "fr"),  # too short to tell friday from anything
    (["fryday", "15:30"], "fryday"),
    (["15:30"], "15:30"),  # the time where the day belongs
])
def test_unknown_day_says_which_word(words, quoted):
    with pytest.raises(ScheduleInputError) as raised:
        parse_weekly_time(words, "UTC")
    message = str(raised.value)
    assert f"`{quoted}`" in message and "day" in message


@pytest.mark.parametrize("time", ["3", "25:00", "13pm", "0am", "15:60", "noon", "3:3pm", "15h"])
def test_unknown_time_says_which_word(time):
    with pytest.raises(ScheduleInputError) as raised:
        parse_weekly_time(["friday", time], "UTC")
    message = str(raised.value)
    assert f"`{time}`" in message and "time" in message


@pytest.mark.parametrize("zone", ["Mars/Olympus", "CEST", "Europe/Pariss", "Paris"])
def test_unknown_zone_says_which_word(zone):
    with pytest.raises(ScheduleInputError) as raised:
        parse_weekly_time(["friday", "15:30", zone], "UTC")
    message = str(raised.value)
    assert f"`{zone}`" in message and "time zone" in message


@pytest.mark.parametrize(("words", "says"), [
    ([], "Give a day and a time."),
    (["friday"], "Add a time after the day."),
    (["friday", "15:30", "Europe/Paris", "extra"], "Give only the day(s), a time and a time zone."),
])
def test_empty_missing_time_or_extra_words_say_what_is_wrong(words, says):
    with pytest.raises(ScheduleInputError) as raised:
        parse_weekly_time(words, "UTC")
    assert str(raised.value) == says


# ---------------------------------------------------------------------- next_run


def test_same_day_earlier_in_the_day_runs_later_that_day():
    friday_1530_utc = WeeklyTime(FRIDAY, 15, 30, "UTC")
    assert next_run(friday_1530_utc, utc(2026, 7, 10, 9, 0)) == utc(2026, 7, 10, 15, 30)


def test_same_day_after_the_time_runs_the_next_week():
    friday_1530_utc = WeeklyTime(FRIDAY, 15, 30, "UTC")
    assert next_run(friday_1530_utc, utc(2026, 7, 10, 16, 0)) == utc(2026, 7, 17, 15, 30)


def test_next_run_is_strictly_after():
    friday_1530_utc = WeeklyTime(FRIDAY, 15, 30, "UTC")
    assert next_run(friday_1530_utc, utc(2026, 7, 10, 15, 30)) == utc(2026, 7, 17, 15, 30)
    just_before = utc(2026, 7, 10, 15, 29, 59, 999999)
    assert next_run(friday_1530_utc, just_before) == utc(2026, 7, 10, 15, 30)


def test_other_days_of_the_week():
    monday_9_utc = WeeklyTime(MONDAY, 9, 0, "UTC")
    # Friday 10 July 2026 -> Monday 13 July.
    assert next_run(monday_9_utc, utc(2026, 7, 10, 12, 0)) == utc(2026, 7, 13, 9, 0)


def test_the_day_is_the_day_in_the_schedules_zone_not_in_utc():
    # Friday 23:30 in Auckland is Friday 11:30 UTC (NZST, +12) in July.
    auckland = WeeklyTime(FRIDAY, 23, 30, "Pacific/Auckland")
    # Thursday 12:00 UTC is already Friday 00:00 in Auckland: the run is that Friday.
    found = next_run(auckland, utc(2026, 7, 9, 12, 0))
    assert found == utc(2026, 7, 10, 11, 30)
    local = found.astimezone(ZoneInfo("Pacific/Auckland"))
    assert (local.weekday(), local.hour, local.minute) == (FRIDAY, 23, 30)


def test_next_run_is_in_utc():
    found = next_run(WeeklyTime(FRIDAY, 15, 30, "Europe/Paris"), utc(2026, 7, 1))
    assert found.utcoffset() == dt.timedelta(0)
    assert found == utc(2026, 7, 3, 13, 30)  # 15:30 CEST


# ---------------------------------------------------------------------- daylight saving


def runs(when: WeeklyTime, start: dt.datetime, count: int) -> list[dt.datetime]:
    found, after = [], start
    for _ in range(count):
        after = next_run(when, after)
        found.append(after)
    return found


def assert_nine_local(moments: list[dt.datetime], zone: str, weekday: int) -> None:
    for moment in moments:
        local = moment.astimezone(ZoneInfo(zone))
        assert (local.weekday(), local.hour, local.minute) == (weekday, 9, 0), local


@pytest.mark.parametrize(("zone", "start", "before", "after"), [
    # London: BST starts 29 March 2026 (GMT+0 -> +1), ends 25 October 2026 (+1 -> +0).
    (LONDON, utc(2026, 3, 20), utc(2026, 3, 23, 9, 0), utc(2026, 3, 30, 8, 0)),
    (LONDON, utc(2026, 10, 16), utc(2026, 10, 19, 8, 0), utc(2026, 10, 26, 9, 0)),
    # New York: EDT starts 8 March 2026 (-5 -> -4), ends 1 November 2026 (-4 -> -5).
    (NEW_YORK, utc(2026, 2, 27), utc(2026, 3, 2, 14, 0), utc(2026, 3, 9, 13, 0)),
    (NEW_YORK, utc(2026, 10, 23), utc(2026, 10, 26, 13, 0), utc(2026, 11, 2, 14, 0)),
])
def test_monday_nine_local_on_both_sides_of_a_change(zone, start, before, after):
    when = WeeklyTime(MONDAY, 9, 0, zone)
    first, second = runs(when, start, 2)
    assert (first, second) == (before, after)
    assert_nine_local([first, second], zone, MONDAY)
    # The UTC instants are a week apart less (or more) the hour the clocks moved.
    gap = second - first
    assert abs(gap - dt.timedelta(weeks=1)) == dt.timedelta(hours=1)
    assert first.time() != second.time()


@pytest.mark.parametrize(("zone", "change_day", "offsets"), [
    (LONDON, dt.date(2026, 3, 29), (0, 1)),
    (LONDON, dt.date(2026, 10, 25), (1, 0)),
    (NEW_YORK, dt.date(2026, 3, 8), (-5, -4)),
    (NEW_YORK, dt.date(2026, 11, 1), (-4, -5)),
])
def test_sunday_nine_local_on_the_day_of_the_change_and_around_it(zone, change_day, offsets):
    """Sunday 09:00 for three weeks: the week before, the change day itself, the week after."""
    when = WeeklyTime(SUNDAY, 9, 0, zone)
    start = dt.datetime.combine(change_day - dt.timedelta(days=8), dt.time(), tzinfo=UTC)
    moments = runs(when, start, 3)
    assert [m.astimezone(ZoneInfo(zone)).date() for m in moments] == [
        change_day - dt.timedelta(days=7), change_day, change_day + dt.timedelta(days=7)]
    assert_nine_local(moments, zone, SUNDAY)
    before, after = offsets
    assert moments[0].hour == 9 - before
    assert moments[1].hour == moments[2].hour == 9 - after


def test_a_whole_year_of_mondays_stays_at_nine_local():
    for zone in (LONDON, NEW_YORK):
        when = WeeklyTime(MONDAY, 9, 0, zone)
        moments = runs(when, utc(2026, 1, 1), 52)
        assert_nine_local(moments, zone, MONDAY)
        assert {m.hour for m in moments} == ({8, 9} if zone == LONDON else {13, 14})


def test_a_time_in_the_spring_forward_gap_fires_as_much_later_as_the_clocks_jumped():
    # London, Sunday 29 March 2026: 01:00 GMT jumps to 02:00 BST, so 01:30 never happens.
    found = next_run(WeeklyTime(SUNDAY, 1, 30, LONDON), utc(2026, 3, 28))
    local = found.astimezone(ZoneInfo(LONDON))
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 29), 2, 30)
    assert found == utc(2026, 3, 29, 1, 30)
    # New York, Sunday 8 March 2026: 02:00 EST jumps to 03:00 EDT.
    found = next_run(WeeklyTime(SUNDAY, 2, 30, NEW_YORK), utc(2026, 3, 7))
    local = found.astimezone(ZoneInfo(NEW_YORK))
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 8), 3, 30)
    # The week after, 02:30 exists again.
    following = next_run(WeeklyTime(SUNDAY, 2, 30, NEW_YORK), found)
    local = following.astimezone(ZoneInfo(NEW_YORK))
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 15), 2, 30)


def test_a_time_in_the_fall_back_overlap_fires_once_at_its_first_occurrence():
    # London, Sunday 25 October 2026: 01:30 happens at 00:30 UTC (BST) and at 01:30 UTC (GMT).
    when = WeeklyTime(SUNDAY, 1, 30, LONDON)
    first = next_run(when, utc(2026, 10, 24))
    assert first == utc(2026, 10, 25, 0, 30)
    # After the first occurrence, the second one (same wall-clock time) is not a run.
    assert next_run(when, first) == utc(2026, 11, 1, 1, 30)
    assert next_run(when, utc(2026, 10, 25, 1, 0)) == utc(2026, 11, 1, 1, 30)
    # New York, Sunday 1 November 2026: 01:30 EDT (05:30 UTC) then 01:30 EST (06:30 UTC).
    when = WeeklyTime(SUNDAY, 1, 30, NEW_YORK)
    first = next_run(when, utc(2026, 10, 31))
    assert first == utc(2026, 11, 1, 5, 30)
    assert next_run(when, first) == utc(2026, 11, 8, 6, 30)
