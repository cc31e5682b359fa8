"""Scheduled stand-ups and their reminders, run by the background jobs of several bot
processes on one database (SQLite, and PostgreSQL where TEST_DATABASE_URL is set): one post
per channel and local day across a month with daylight-saving changes, skipped days, catch-up
after downtime, a run typed by hand kept; reminders exactly to the participants who have not
answered, once each, Slack's refusals retried without a second DM.

Everything is real (services on the database, the jobs posting through slack_sdk to the Slack
double); the seams are the clock the test moves (one wall clock for every process) and a sleep
that records its delays.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.schedule.days import DaysTime
from bot.domain.services import Services
from bot.localslack.standin import SlackStandIn
from bot.runtime.backend import Backend, build_backend
from bot.runtime.settings import Settings
from handlers.kit.clients import OneWorkspace
from handlers.standup.scheduled import make_reminders, make_standup_runner
from tests.utils.clock import Clock

TEAM = "T0001"
SETTER = "U0SETTER"
TOKEN = "xoxb-test"
# 5 March to 6 April 2026: New York springs forward on 8 March, London and Paris on
# 29 March, Sydney falls back on 5 April.
START = dt.datetime(2026, 3, 5, 0, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 4, 6, 23, 0, tzinfo=dt.UTC)
LATENESS = (dt.timedelta(0), dt.timedelta(seconds=1), dt.timedelta(minutes=7))
PLAN = {
    "CLONDON": DaysTime(frozenset(range(5)), 9, 30, "Europe/London"),
    "CNEWYORK": DaysTime(frozenset({0, 3}), 8, 0, "America/New_York"),
    "CSYDNEY": DaysTime(frozenset({0, 2, 4}), 9, 0, "Australia/Sydney"),
}
SKIPPED = {"CLONDON": dt.date(2026, 3, 30)}


async def no_sleep(_: float) -> None:
    return None


@dataclass
class Process:
    backend: Backend
    post_standups: object
    remind: object

    @property
    def services(self) -> Services:
        return self.backend.services


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
async def processes(database_url, slack_double, clock, index):
    """`await processes()` starts one more bot process on the shared database."""
    started: list[Process] = []

    async def start() -> Process:
        settings = Settings(database_url=database_url, slack_api_url=slack_double.api_url,
                            slack_bot_token=TOKEN)
        backend = build_backend(settings, index, clock=clock)
        await backend.prepare()
        clients = OneWorkspace(AsyncWebClient(token=TOKEN, base_url=slack_double.api_url,
                                              retry_handlers=[]))
        process = Process(backend, make_standup_runner(clients, backend.services,
                                                       sleep=no_sleep).run_once,
                          make_reminders(clients, backend.services))
        started.append(process)
        return process

    yield start
    for process in started:
        await process.backend.close()


def posts_in(double: SlackStandIn, channel: str) -> list:
    return [c for c in double.calls_to("chat.postMessage") if c.args["channel"] == channel]


def expected_days(when: DaysTime, skipped: dt.date | None) -> list[dt.date]:
    """Every local day in the window that should have its stand-up, worked out day by day."""
    day, last = START.astimezone(when.zone).date(), END.astimezone(when.zone).date()
    found = []
    while day <= last:
        moment = dt.datetime.combine(day, dt.time(when.hour, when.minute), tzinfo=when.zone)
        if day.weekday() in when.days and day != skipped and START < moment <= END:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


async def test_two_processes_post_each_scheduled_standup_once_per_channel_day_for_a_month(
        processes, slack_double, clock):
    # About 1.5 s: some 45 due moments, the fewest that cross three DST changes in two
    # hemispheres with every weekday pattern.
    first, second = await processes(), await processes()
    for channel, when in PLAN.items():
        await first.services.standup_schedules.set(TEAM, channel, when, None, SETTER)
        if channel in SKIPPED:
            await second.services.standup_schedules.skip(TEAM, channel, SKIPPED[channel])
    posted_at: dict[str, list[dt.datetime]] = defaultdict(list)
    seen, lateness = 0, itertools.cycle(LATENESS)
    for step in itertools.count():
        upcoming = await first.services.standup_schedules.due(END + dt.timedelta(days=30))
        earliest = min(s.next_run_at for s in upcoming)
        if earliest > END:
            break
        clock.set(earliest + next(lateness))
        pair = (first, second) if step % 2 == 0 else (second, first)
        await asyncio.gather(pair[0].post_standups(), pair[1].post_standups())
        for call in slack_double.calls[seen:]:
            posted_at[call.args["channel"]].append(clock.now)
        seen = len(slack_double.calls)

    assert {c.method for c in slack_double.calls} == {"chat.postMessage"}
    for channel, when in PLAN.items():
        local = [m.astimezone(when.zone) for m in posted_at[channel]]
        days = [m.date() for m in local]
        assert days == expected_days(when, SKIPPED.get(channel)), channel
        assert max(Counter(days).values()) == 1, f"{channel}: two stand-ups in one day"
        for moment in local:  # at the channel's local time, across the DST changes
            wall = dt.datetime.combine(moment.date(), dt.time(when.hour, when.minute))
            assert dt.timedelta(0) <= moment.replace(tzinfo=None) - wall < \
                dt.timedelta(minutes=8), (channel, moment)
    runs = await first.services.standups.report(TEAM, "CLONDON", since=START, until=END)
    assert runs.runs == len(posted_at["CLONDON"])


async def test_a_standup_typed_by_hand_that_day_is_kept_and_a_late_one_is_skipped(
        processes, slack_double, clock, index):
    process = await processes()
    schedules, standups = process.services.standup_schedules, process.services.standups
    found = await schedules.set(TEAM, "CHAND", PLAN["CLONDON"], None, SETTER)
    await schedules.set_reminder(TEAM, "CHAND", 30)
    due = found.next_run_at
    clock.set(due - dt.timedelta(hours=1))
    typed = await standups.start(TEAM, "CHAND", process.services.checklists["daily"], "U0A")
    await standups.set_message(TEAM, typed.id, "1.0")
    clock.set(due)
    await process.post_standups()
    assert posts_in(slack_double, "CHAND") == []  # that day already has its run...
    summary = await standups.summary(TEAM, typed.id)
    assert summary.run.id == typed.id
    following = (await schedules.get(TEAM, "CHAND")).next_run_at
    assert following > due

    clock.set(following + dt.timedelta(hours=25))  # down for more than a day
    await process.post_standups()
    assert posts_in(slack_double, "CHAND") == []
    # ...and the next day is posted again.
    clock.set((await schedules.get(TEAM, "CHAND")).next_run_at)
    await process.post_standups()
    assert len(posts_in(slack_double, "CHAND")) == 1


async def test_a_channel_the_bot_left_is_paused_and_its_setter_told(processes, slack_double,
                                                                      clock):
    process = await processes()
    found = await process.services.standup_schedules.set(TEAM, "CGONE", PLAN["CLONDON"], None,
                                                         SETTER)
    clock.set(found.next_run_at)
    slack_double.fail_next("chat.postMessage", error="not_in_channel")
    await process.post_standups()
    paused = await process.services.standup_schedules.get(TEAM, "CGONE")
    assert paused.paused_reason == "not_in_channel"
    [told] = [c for c in slack_double.calls_to("chat.postMessage")
              if c.args["channel"] == SETTER]
    assert "/standup schedule resume" in told.args["text"]
    # The refused run is not left behind, empty, in the reports.
    report = await process.services.standups.report(TEAM, "CGONE", since=START,
                                                    until=clock.now + dt.timedelta(hours=1))
    assert report.runs == 0


# ---------------------------------------------------------------------- reminders


async def test_reminders_go_once_to_each_participant_who_has_not_answered(processes,
                                                                         slack_double, clock):
    first, second = await processes(), await processes()
    services = first.services
    slack_double.users["U0BOT"] = {"is_bot": True}
    found = await services.standup_schedules.set(TEAM, "CREMIND", PLAN["CNEWYORK"], None,
                                                 SETTER)
    await services.standup_schedules.set_reminder(TEAM, "CREMIND", 60)
    for user in ("U0TICKED", "U0DONE", "U0BLOCKED", "U0SILENT", "U0QUIET", "U0BOT", "U0LEFT"):
        await services.participants.join(TEAM, "CREMIND", user)
    await services.participants.leave(TEAM, "CREMIND", "U0LEFT")
    clock.set(found.next_run_at)
    await first.post_standups()
    [posted] = posts_in(slack_double, "CREMIND")
    run = await services.standups.latest_since(TEAM, "CREMIND", found.next_run_at)
    item = run.checklist.items[0].id
    await services.standups.tick(TEAM, run.id, "U0TICKED", run.version, [item])
    await services.standups.set_done(TEAM, run.id, "U0DONE")
    await services.standups.set_blocked(TEAM, run.id, "U0BLOCKED", "waiting on IT", False)
    await services.standups.tick(TEAM, run.id, "U0NOTJOINED", run.version, [item])

    clock.advance(minutes=59)
    await asyncio.gather(first.remind(), second.remind())
    assert len(slack_double.calls_to("chat.postMessage")) == 1  # not yet
    clock.advance(minutes=1)
    slack_double.fail_next("chat.postMessage", retry_after=1)  # Slack refuses one, at first
    for _ in range(3):
        await asyncio.gather(first.remind(), second.remind())
        clock.advance(seconds=30)
    dms = [c for c in slack_double.calls_to("chat.postMessage") if c is not posted]
    delivered = Counter(c.args["channel"] for c in dms)
    # The refused DM was tried again; everyone else once; nobody who answered, left or is a bot.
    assert sorted(delivered) == ["U0QUIET", "U0SILENT"]
    assert sum(delivered.values()) == 3
    assert all("Open my checklist" in str(c.args["blocks"]) for c in dms)
    [button] = [e for b in dms[-1].args["blocks"] if b["type"] == "actions"
                for e in b["elements"]]
    assert button["value"] == str(run.id) and button["action_id"] == "standup_mine"

    clock.advance(hours=3)
    await asyncio.gather(first.remind(), second.remind())
    assert len(slack_double.calls_to("chat.postMessage")) == 1 + 3  # still once each


async def test_a_post_slack_may_have_made_is_never_made_twice(processes, slack_double, clock):
    """A 5xx or a timeout leaves the post's fate unknown: no second post that day."""
    first, second = await processes(), await processes()
    found = await first.services.standup_schedules.set(TEAM, "CMAYBE", PLAN["CLONDON"], None,
                                                       SETTER)
    clock.set(found.next_run_at)
    slack_double.fail_next("chat.postMessage", status=503)
    await first.post_standups()
    for later in (dt.timedelta(minutes=1), dt.timedelta(hours=2)):
        clock.set(found.next_run_at + later)
        await asyncio.gather(first.post_standups(), second.post_standups())
    assert len(posts_in(slack_double, "CMAYBE")) == 1  # the one attempt
    following = (await first.services.standup_schedules.get(TEAM, "CMAYBE")).next_run_at
    clock.set(following)
    await second.post_standups()
    assert len(posts_in(slack_double, "CMAYBE")) == 2
