"""The weekly retro prompt runner on a real database (SQLite, and PostgreSQL where
TEST_DATABASE_URL is set): exactly once per channel per week with two runners sharing the
database, a runner dying between claim and post, catch-up after downtime, restarts, and Slack
failures (pause and DM, retries with back-off, handing a claim back).

Everything is real: build_services on the database, make_runner's delivery posting through a
slack_sdk AsyncWebClient to the Slack double. The seams are the injected clock (a mutable
`Clock` shared by every process of a test, as one wall clock is) and, for retries, an injected
sleep that records its delays instead of sleeping.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.schedule.firing import RETRY_DELAYS, Runner
from bot.domain.schedule.service import Schedule
from bot.domain.schedule.weekly import WeeklyTime, next_run
from bot.domain.services import Services
from bot.localslack.standin import SlackStandIn
from bot.runtime.backend import Backend, build_backend
from bot.runtime.settings import Settings
from handlers.kit.clients import OneWorkspace
from handlers.prompts.delivery import make_runner
from tests.utils.clock import Clock

TEAM = "T0001"
CREATOR = "U0CREATOR"
TOKEN = "xoxb-test"
START = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)  # a Thursday
SPRING = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)
FRIDAY = 4




class RecordedSleep:
    """Stands in for asyncio.sleep: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@dataclass
class Process:
    """One bot process: its own engine and services on the shared database, its own Web API
    client and its runner."""

    backend: Backend
    client: AsyncWebClient
    runner: Runner
    sleep: RecordedSleep

    @property
    def services(self) -> Services:
        return self.backend.services

    async def close(self) -> None:
        await self.backend.close()


async def start_process(url: str, double: SlackStandIn, clock: Clock, index) -> Process:
    settings = Settings(database_url=url, slack_api_url=double.api_url, slack_bot_token=TOKEN)
    backend = build_backend(settings, index, clock=clock)
    await backend.prepare()
    client = AsyncWebClient(token=TOKEN, base_url=double.api_url, retry_handlers=[])
    sleep = RecordedSleep()
    # The runner's back-off sleeps are recorded instead of waited.
    runner = make_runner(OneWorkspace(client), backend.services, sleep=sleep)
    return Process(backend, client, runner, sleep)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
async def processes(database_url, slack_double, clock, index):
    """Bot processes on one database, each started with `await processes.start()`."""
    started: list[Process] = []

    class Processes:
        async def start(self) -> Process:
            process = await start_process(database_url, slack_double, clock, index)
            started.append(process)
            return process

    group = Processes()
    yield group
    for process in started:
        await process.close()


def prompts_to(double: SlackStandIn, channel: str) -> list:
    return [c for c in double.calls_to("chat.postMessage") if c.args.get("channel") == channel]


async def run_both(first: Process, second: Process) -> list[Schedule]:
    """One pass of each runner, concurrently; every schedule either posted for."""
    a, b = await asyncio.gather(first.runner.run_once(), second.runner.run_once())
    return [*a, *b]


async def schedule(process: Process, channel: str, when: WeeklyTime,
                   created_by: str = CREATOR) -> Schedule:
    return await process.services.schedules.set(TEAM, channel, when, created_by)


# ---------------------------------------------------------------------- exactly once


ZONES = ("Europe/London", "America/New_York", "Europe/Paris", "Asia/Kolkata",
         "Australia/Sydney", "Pacific/Auckland", "America/Los_Angeles", "UTC", "Asia/Tokyo",
         "America/Sao_Paulo")
# How late a pass runs after the earliest due time: on time, or up to half an hour late.
LATENESS = (dt.timedelta(0), dt.timedelta(0), dt.timedelta(seconds=1),
            dt.timedelta(minutes=7), dt.timedelta(minutes=29))


def schedules_for(channels: int) -> dict[str, WeeklyTime]:
    """Channels on 10 different (day, time, zone)s, several channels each, so the runners race
    over several prompts due at once. Times are between 06:00 and 20:45, so half an hour of
    lateness never moves a prompt into another local day."""
    rng = random.Random(6)
    kinds = [WeeklyTime(i % 7, rng.randrange(6, 21), rng.choice((0, 15, 30, 45)), ZONES[i])
             for i in range(len(ZONES))]
    return {f"C{i:04d}": kinds[i % len(kinds)] for i in range(channels)}


def occurrences(when: WeeklyTime, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Every local `when` in (start, end], worked out day by day (independently of next_run)."""
    zone = when.zone
    found = []
    day = start.astimezone(zone).date() - dt.timedelta(days=1)
    while day <= end.astimezone(zone).date() + dt.timedelta(days=1):
        if day.weekday() == when.weekday:
            moment = dt.datetime.combine(day, dt.time(when.hour, when.minute), tzinfo=zone)
            if start < moment <= end:
                found.append(moment.astimezone(dt.UTC))
        day += dt.timedelta(days=1)
    return found


async def two_runners_over(days: int, start: dt.datetime, channels: int, processes,
                           slack_double, clock) -> dict[str, int]:
    """Two runners sharing the database run every pass from `start` for `days`, posting for
    `channels` channels; checks every channel got exactly its prompts, one a week, on time.
    Returns the number of prompts per channel."""
    clock.set(start)
    first, second = await processes.start(), await processes.start()
    plan = schedules_for(channels)
    for channel, when in plan.items():
        await schedule(first, channel, when)
    end = start + dt.timedelta(days=days)

    posted_at: dict[str, list[dt.datetime]] = defaultdict(list)
    returned = Counter()
    seen = 0
    lateness = itertools.cycle(LATENESS)
    for step in itertools.count():
        upcoming = await first.services.schedules.due(dt.datetime.max.replace(tzinfo=dt.UTC))
        assert len(upcoming) == len(plan)  # nothing paused, nothing lost
        earliest = min(s.next_run_at for s in upcoming)
        if earliest > end:
            break
        clock.set(earliest + next(lateness))
        pair = (first, second) if step % 2 == 0 else (second, first)
        for posted in await run_both(*pair):
            returned[posted.channel_id] += 1
        for call in slack_double.calls[seen:]:
            assert call.method == "chat.postMessage", call.method
            posted_at[call.args["channel"]].append(clock.now)
        seen = len(slack_double.calls)

    assert slack_double.invalid == []
    assert first.sleep.delays == second.sleep.delays == []
    assert returned == Counter({c: len(p) for c, p in posted_at.items()})
    for channel, when in plan.items():
        moments = posted_at[channel]
        expected = occurrences(when, start, end)
        assert len(moments) == len(expected), channel
        locals_ = [m.astimezone(when.zone) for m in moments]
        weeks = Counter(m.isocalendar()[:2] for m in locals_)
        assert max(weeks.values()) == 1, f"{channel} {when}: two prompts in one week"
        # Every week from the first to the last has its prompt: no week is skipped.
        days = sorted({m.date() for m in locals_})
        assert all(b - a == dt.timedelta(days=7) for a, b in itertools.pairwise(days)), channel
        # Each at the channel's local day and time (DST included), at most half an hour late.
        for moment, due in zip(locals_, expected, strict=True):
            assert moment.weekday() == when.weekday
            assert dt.timedelta(0) <= moment - due < dt.timedelta(minutes=30), (channel, moment)
            wall = moment.replace(tzinfo=None) - dt.datetime.combine(
                moment.date(), dt.time(when.hour, when.minute))
            assert dt.timedelta(0) <= wall < dt.timedelta(minutes=30), (channel, moment)
    return {channel: len(moments) for channel, moments in posted_at.items()}


async def test_two_runners_post_exactly_one_prompt_per_channel_per_week_across_spring_dst(
        processes, slack_double, clock):
    # 1 March to 12 April 2026: New York, London and Paris move their clocks forward,
    # Sydney and Auckland move theirs back. About 3 s: the shortest run that crosses both
    # hemispheres' changes with channels sharing due times; the year runs with `-m slow`.
    counts = await two_runners_over(42, SPRING, 20, processes, slack_double, clock)
    assert set(counts.values()) == {6}


@pytest.mark.slow
async def test_two_runners_post_exactly_one_prompt_per_channel_per_week_for_a_year(
        processes, slack_double, clock):
    counts = await two_runners_over(365, START, 50, processes, slack_double, clock)
    assert all(52 <= count <= 53 for count in counts.values()), counts


async def test_two_runners_racing_for_twenty_prompts_due_at_once_post_each_once(
        processes, slack_double, clock):
    first, second = await processes.start(), await processes.start()
    when = WeeklyTime(FRIDAY, 15, 30, "Europe/Paris")
    channels = [f"CRACE{i:02d}" for i in range(20)]
    for channel in channels:
        found = await schedule(first, channel, when)
    clock.set(found.next_run_at)
    posted = []
    for _ in range(3):  # repeated passes at the due time, both runners each time
        posted += await run_both(first, second)
        posted += await run_both(second, first)
    assert sorted(s.channel_id for s in posted) == channels
    for channel in channels:
        assert len(prompts_to(slack_double, channel)) == 1, channel
        after = await second.services.schedules.get(TEAM, channel)
        assert after.next_run_at == found.next_run_at + dt.timedelta(weeks=1)


async def test_of_two_claims_on_the_same_due_time_exactly_one_wins(processes, clock):
    first, second = await processes.start(), await processes.start()
    found = await schedule(first, "CCLAIM", WeeklyTime(FRIDAY, 15, 30, "Europe/Paris"))
    clock.set(found.next_run_at + dt.timedelta(minutes=1))
    # Both processes read the prompt as due before either claims it.
    [seen_first] = await first.services.schedules.due(clock())
    [seen_second] = await second.services.schedules.due(clock())
    won = await asyncio.gather(first.services.schedules.claim(seen_first, clock()),
                               second.services.schedules.claim(seen_second, clock()))
    assert sorted(won, key=lambda w: w is None) == [
        found.next_run_at + dt.timedelta(weeks=1), None]
    # A claim made with a stale read loses too.
    assert await first.services.schedules.claim(seen_first, clock()) is None


# ---------------------------------------------------------------------- killed mid-way


async def test_a_runner_killed_between_claim_and_post_costs_that_week_only(processes,
                                                                             slack_double, clock):
    dying, survivor = await processes.start(), await processes.start()
    when = WeeklyTime(FRIDAY, 15, 30, "Europe/Paris")
    found = await schedule(dying, "CKILL", when)
    due = found.next_run_at
    clock.set(due)

    # The dying runner does what run_once does up to the post: read what is due, claim it...
    [claimed] = await dying.services.schedules.due(clock())
    following = await dying.services.schedules.claim(claimed, clock())
    assert following == due + dt.timedelta(weeks=1)
    # ...and dies before posting.
    await dying.close()

    for later in (dt.timedelta(0), dt.timedelta(minutes=1), dt.timedelta(hours=3),
                  dt.timedelta(hours=23), dt.timedelta(days=2), dt.timedelta(days=6)):
        clock.set(due + later)
        assert await survivor.runner.run_once() == []
    assert prompts_to(slack_double, "CKILL") == []

    clock.set(following)
    assert [s.channel_id for s in await survivor.runner.run_once()] == ["CKILL"]
    clock.set(following + dt.timedelta(minutes=5))
    assert await survivor.runner.run_once() == []
    assert len(prompts_to(slack_double, "CKILL")) == 1
    local = following.astimezone(when.zone)
    assert (local.weekday(), local.hour, local.minute) == (FRIDAY, 15, 30)


# ---------------------------------------------------------------------- catch-up


@pytest.mark.parametrize(("late", "posts"), [
    (dt.timedelta(hours=3), 1),
    (dt.timedelta(hours=23, minutes=59), 1),
    (dt.timedelta(hours=24), 0),
    (dt.timedelta(days=5), 0),
])
async def test_after_downtime_a_prompt_under_a_day_late_fires_once_otherwise_skipped(
        processes, slack_double, clock, late, posts):
    setter = await processes.start()
    found = await schedule(setter, "CDOWN", WeeklyTime(FRIDAY, 15, 30, "Europe/London"))
    due = found.next_run_at
    await setter.close()  # every process is down from here...

    clock.set(due + late)  # ...until now: two processes start
    first, second = await processes.start(), await processes.start()
    await run_both(first, second)
    await run_both(second, first)
    for extra in (dt.timedelta(seconds=30), dt.timedelta(hours=1)):
        clock.set(due + late + extra)
        await run_both(first, second)
    assert len(prompts_to(slack_double, "CDOWN")) == posts

    following = (await first.services.schedules.get(TEAM, "CDOWN")).next_run_at
    assert following == due + dt.timedelta(weeks=1)
    clock.set(following)
    await run_both(first, second)
    assert len(prompts_to(slack_double, "CDOWN")) == posts + 1


async def test_after_three_missed_weeks_at_most_one_prompt_then_weekly_again(
        processes, slack_double, clock):
    setter = await processes.start()
    found = await schedule(setter, "CLONG", WeeklyTime(FRIDAY, 15, 30, "Europe/London"))
    due = found.next_run_at
    await setter.close()

    restart = due + dt.timedelta(weeks=3, hours=2)
    clock.set(restart)
    first, second = await processes.start(), await processes.start()
    for extra in (dt.timedelta(0), dt.timedelta(0), dt.timedelta(minutes=1),
                  dt.timedelta(hours=5)):
        clock.set(restart + extra)
        await run_both(first, second)
    assert len(prompts_to(slack_double, "CLONG")) <= 1
    before = len(prompts_to(slack_double, "CLONG"))

    following = (await first.services.schedules.get(TEAM, "CLONG")).next_run_at
    assert following == due + dt.timedelta(weeks=4)
    clock.set(following)
    await run_both(first, second)
    clock.set(following + dt.timedelta(weeks=1))
    await run_both(first, second)
    assert len(prompts_to(slack_double, "CLONG")) == before + 2


async def test_after_three_missed_weeks_the_latest_prompt_two_hours_late_fires_once(
        processes, slack_double, clock):
    """After downtime a missed prompt fires once if it is less than 24 hours late. After
    three weeks and two hours down, that week's prompt is two hours late."""
    setter = await processes.start()
    found = await schedule(setter, "CLATEST", WeeklyTime(FRIDAY, 15, 30, "Europe/London"))
    await setter.close()

    clock.set(found.next_run_at + dt.timedelta(weeks=3, hours=2))
    first, second = await processes.start(), await processes.start()
    await run_both(first, second)
    await run_both(second, first)
    assert len(prompts_to(slack_double, "CLATEST")) == 1


# ---------------------------------------------------------------------- restart


async def test_a_restarted_process_continues_the_schedule(processes, slack_double, clock):
    before = await processes.start()
    when = WeeklyTime(FRIDAY, 9, 0, "America/New_York")
    found = await schedule(before, "CREST", when)
    clock.set(found.next_run_at)
    assert len(await before.runner.run_once()) == 1
    await before.close()

    after = await processes.start()  # same database, new engine, services and runner
    kept = await after.services.schedules.get(TEAM, "CREST")
    assert kept is not None and kept.when == when and kept.created_by == CREATOR
    assert kept.next_run_at == found.next_run_at + dt.timedelta(weeks=1)
    assert await after.runner.run_once() == []  # the same week, just after the restart
    for week in range(1, 4):
        clock.set(found.next_run_at + dt.timedelta(weeks=week))
        assert len(await after.runner.run_once()) == 1
        assert await after.runner.run_once() == []
    assert len(prompts_to(slack_double, "CREST")) == 4


# ---------------------------------------------------------------------- failures


def dms_to(double: SlackStandIn, user: str) -> list:
    return [c for c in double.calls_to("chat.postMessage") if c.args.get("channel") == user]


@pytest.mark.parametrize(("error", "why"), [
    ("not_in_channel", "I am not a member of the channel"),
    ("is_archived", "the channel is archived"),
])
async def test_a_channel_the_bot_cannot_post_to_pauses_and_tells_the_creator(
        processes, slack_double, clock, error, why):
    first, second = await processes.start(), await processes.start()
    found = await schedule(first, "CPAUSE", WeeklyTime(FRIDAY, 15, 30, "Europe/Paris"))
    clock.set(found.next_run_at)
    slack_double.fail_next("chat.postMessage", error=error)
    assert await first.runner.run_once() == []
    assert first.sleep.delays == []  # no retry: retrying cannot help

    paused = await second.services.schedules.get(TEAM, "CPAUSE")
    assert paused.paused_reason == error
    [dm] = dms_to(slack_double, CREATOR)
    text = dm.args["text"]
    assert "<#CPAUSE>" in text and why in text
    assert "/invite @principlebot" in text and "/retro schedule resume" in text
    assert len(prompts_to(slack_double, "CPAUSE")) == 1  # the refused attempt only

    for week in range(4):
        clock.set(found.next_run_at + dt.timedelta(weeks=week, minutes=1))
        await run_both(first, second)
    assert len(prompts_to(slack_double, "CPAUSE")) == 1
    assert len(dms_to(slack_double, CREATOR)) == 1

    resumed = await second.services.schedules.resume(TEAM, "CPAUSE")
    assert resumed.paused_reason is None
    assert resumed.next_run_at > clock.now
    clock.set(resumed.next_run_at)
    await run_both(first, second)
    await run_both(second, first)
    assert len(prompts_to(slack_double, "CPAUSE")) == 2
    assert len(dms_to(slack_double, CREATOR)) == 1


@pytest.mark.parametrize(("failure", "times"), [
    ({"retry_after": 0}, 1),
    ({"retry_after": 1}, 3),
    ({"status": 500}, 1),
    ({"status": 503}, 4),
])
async def test_rate_limits_and_server_errors_are_retried_with_back_off_and_post_once(
        processes, slack_double, clock, failure, times):
    first, second = await processes.start(), await processes.start()
    found = await schedule(first, "CRETRY", WeeklyTime(FRIDAY, 15, 30, "Europe/Paris"))
    clock.set(found.next_run_at)
    slack_double.fail_next("chat.postMessage", times=times, **failure)
    assert [s.channel_id for s in await first.runner.run_once()] == ["CRETRY"]
    # One attempt per failure, then the one that went through.
    assert len(prompts_to(slack_double, "CRETRY")) == times + 1
    delays = first.sleep.delays
    assert len(delays) == times
    assert all(d > 0 for d in delays)
    assert delays == sorted(delays) and (times == 1 or delays[-1] > delays[0])  # back-off
    for extra in (dt.timedelta(0), dt.timedelta(minutes=1), dt.timedelta(hours=2)):
        clock.set(found.next_run_at + extra)
        await run_both(first, second)
    assert len(prompts_to(slack_double, "CRETRY")) == times + 1
    assert (await second.services.schedules.get(TEAM, "CRETRY")).paused_reason is None
    assert dms_to(slack_double, CREATOR) == []


async def test_a_429_waits_at_least_as_long_as_slacks_retry_after(processes, slack_double,
                                                                    clock):
    """Slack's rate limit answer says how long to wait (Retry-After); retrying sooner is
    refused again."""
    first = await processes.start()
    found = await schedule(first, "CWAIT", WeeklyTime(FRIDAY, 15, 30, "Europe/Paris"))
    clock.set(found.next_run_at)
    slack_double.fail_next("chat.postMessage", retry_after=20)
    await first.runner.run_once()
    assert len(prompts_to(slack_double, "CWAIT")) == 2
    assert first.sleep.delays and first.sleep.delays[0] >= 20


async def test_a_failure_outlasting_every_retry_hands_the_claim_back_and_a_later_pass_posts(
        processes, slack_double, clock):
    first, second = await processes.start(), await processes.start()
    found = await schedule(first, "CHAND", WeeklyTime(FRIDAY, 15, 30, "Europe/Paris"))
    due = found.next_run_at
    clock.set(due)
    slack_double.fail_next("chat.postMessage", status=502, times=len(RETRY_DELAYS) + 1)
    assert await first.runner.run_once() == []
    attempts = len(prompts_to(slack_double, "CHAND"))
    assert attempts == len(first.sleep.delays) + 1 > 2
    handed_back = await second.services.schedules.get(TEAM, "CHAND")
    assert handed_back.next_run_at == due  # due again, for whichever runner comes next
    assert handed_back.paused_reason is None

    # Slack is back.
    clock.set(due + dt.timedelta(minutes=1))
    posted = await run_both(second, first)
    assert [s.channel_id for s in posted] == ["CHAND"]
    clock.set(due + dt.timedelta(minutes=2))
    await run_both(first, second)
    assert len(prompts_to(slack_double, "CHAND")) == attempts + 1
    assert (await first.services.schedules.get(TEAM, "CHAND")).next_run_at == \
        next_run(found.when, due)
