"""The README's "A week with principlebot", run through the console as a new user would paste
it, and what it shows checked: every feature of the team routine, the background posts as they
happen, and friendly lines for what the console does not know."""

from __future__ import annotations

import io
import re

import pytest

from bot.localslack.console import run_console
from tests.utils.paths import REPO

SECTION = "## A week with principlebot"


def walkthrough() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index(SECTION):]
    return after.split("```\n", 2)[1].splitlines()


def turns(output: str) -> list[tuple[str, str]]:
    """(typed line, what the console showed for it, on one line)."""
    found: list[tuple[str, list[str]]] = []
    for line in output.splitlines():
        if line.startswith("> "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return [(typed, " ".join(" ".join(shown).split())) for typed, shown in found]


@pytest.fixture(scope="module")
def week(tmp_path_factory, sqlite_template_module):
    """The walkthrough's turns. About 4 s on a quiet machine, run once for every check of this
    module: Monday to Friday of the team's routine is some 210 half-hour steps of every
    background job, each step as a bot process would run it."""
    import asyncio
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path_factory.mktemp("week")
    shutil.copyfile(sqlite_template_module, folder / "week.db")
    out = io.StringIO()
    with ThreadPoolExecutor(max_workers=1) as thread:
        code = thread.submit(asyncio.run, run_console(
            walkthrough(), out, f"sqlite:///{folder / 'week.db'}")).result()
    assert code == 0
    return turns(out.getvalue())


@pytest.fixture(scope="module")
def sqlite_template_module(sqlite_template):
    return sqlite_template


def shown_for(week: list[tuple[str, str]], typed: str, nth: int = 1) -> str:
    matching = [shown for line, shown in week if line == typed]
    assert len(matching) >= nth, f"{typed!r} was not run {nth} time(s)"
    return matching[nth - 1]


def test_every_line_of_the_walkthrough_ran_without_a_traceback(week):
    lines = [line for line in walkthrough() if line.strip() and not line.startswith("#")]
    assert [typed for typed, _ in week] == lines
    for typed, shown in week:
        assert "Traceback" not in shown and "could not do that" not in shown, typed
        assert "There is no button" not in shown, typed


def test_setting_up_the_routine(week):
    assert shown_for(week, "hi").startswith("-- posted in your DM, in the thread -- Hi! :wave:")
    assert "10.3 Asking users for information once" in shown_for(
        week, "/principles why do people have to type their address on every form?")
    assert "Mon\u2013Fri 09:30 Europe/London, checklist `daily`" in shown_for(
        week, "/standup schedule mon-fri 09:30 checklist daily")
    assert "(3): @alex, @bob, @carol" in shown_for(week, "/standup who")
    assert "owner @bob" in shown_for(week, "/retro add publish our service performance data "
                                           "#3.3 @bob")
    assert "@alex changed retro action *#2*" in shown_for(week, "/retro assign 2 @carol")


def test_the_schedule_fires_reminds_and_offers_todays_run(week):
    monday = shown_for(week, "!advance 90m")
    assert "-- posted in #service-team, at Mon" in monday and "09:30 GMT -- DAILY STAND-UP" \
        in monday
    offer = shown_for(week, "/standup")
    assert "already has today's stand-up" in offer
    reminded = shown_for(week, "!advance 1h")
    # Bob answered; Alex and Carol did not.
    assert "alex's DM" in reminded and "carol's DM" in reminded and "bob's DM" not in reminded
    assert reminded.count("waiting for you") == 2
    assert "2 responded" in shown_for(week, "1", 3)  # Carol's tick, after Bob's
    assert "WEEKLY CHECK-IN" in shown_for(week, "/standup new weekly")


def test_a_week_of_stand_ups_once_a_day_and_never_on_the_skipped_day(week):
    everything = " ".join(shown for _, shown in week)
    posted = re.findall(r"-- posted in #service-team, at (\w{3}) \d\d \w{3} 09:30 GMT -- "
                        r"DAILY STAND-UP", everything)
    assert posted == ["Mon", "Tue", "Wed", "Thu"]
    assert "Skipped: 20" in shown_for(week, "/standup schedule skip friday")


def test_due_reminders_snooze_edit_delete_and_undo(week):
    tuesday = shown_for(week, "!advance 1d")
    assert "-- posted in bob's DM, at Tue" in tuesday and "#1* publish our service " \
        "performance data in #service-team \u00b7 due today" in tuesday
    assert "Snoozed *#1*" in shown_for(week, "5")
    assert "Deleted *#1*" in shown_for(week, "6") and "Undo" in shown_for(week, "6")
    assert "Restored: *#1*" in shown_for(week, "4")
    edited = shown_for(week, "!submit run a usability test with two screen reader users | "
                             "carol | wednesday | 1.5, 4.2")
    assert "1.5 Championing inclusion, 4.2 Understanding and addressing security needs" \
        in edited
    assert "Restored: *#1*" in shown_for(week, "1", 4)
    later = shown_for(week, "!advance 2d")
    assert "carol's DM" in later and "Your retro actions due today or overdue" in later


def test_friday_brings_the_weekly_prompt_with_what_is_overdue(week):
    friday = shown_for(week, "!advance 1d 6h")
    assert "overdue since" in friday
    assert "16:00 GMT -- WEEKLY RETRO" in friday
    assert ":alarm_clock: *Overdue:* *#2* run a usability test" in friday
    assert "DAILY STAND-UP" not in friday


def test_the_rest_of_the_console(week):
    assert "YOUR OPEN RETRO ACTIONS" in shown_for(week, "!home")
    assert "STAND-UPS, LAST 14 DAYS" in shown_for(week, "/standup report")
    exported = shown_for(week, "/retro export csv")
    assert "-- file retro-actions-C0001.csv shared in your DM (3 lines) --" in exported
    assert "author_name,owner_name" in exported
    assert "WHAT PRINCIPLEBOT HOLDS ABOUT YOU" in shown_for(week, "/retro mydata")
    assert "-- modal: Log a retro action --" in shown_for(week, "!shortcut log_retro_action")
    assert "Logged *#3* blockers come from waiting on procurement" in shown_for(
        week, "!submit blockers come from waiting on procurement | dana | | 9")
    assert "This deletes the 3 retro action(s) you wrote: #3" in shown_for(week,
                                                                            "/retro forget-me")
    assert "dana Dana Iyer U0004 Asia/Kolkata" in shown_for(week, "!who")
    assert shown_for(week, "!nonsense") == ("There is no !nonsense in the console. Type !help "
                                            "for what there is.")
    assert shown_for(week, "/nonsense").startswith("There is no /nonsense here.")
    assert "You're welcome!" in shown_for(week, "thanks")
