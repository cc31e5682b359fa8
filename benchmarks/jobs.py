"""What one pass of each background job costs a bot process, for a team with many actions: the
measurement behind which jobs run on one replica at a time (bot.runtime.background).

Run: python -m benchmarks.jobs [--size 100k] [--postgres URL] [--passes 5]

Per database (a fresh SQLite file; PostgreSQL from --postgres or $TEST_DATABASE_URL, schema
public dropped first), one team of --size actions is loaded (benchmarks.scale.seed) with a due
date on DUE_SHARE of its open actions (two weeks after each was logged, so most are overdue),
plus weekly prompts, scheduled stand-ups and a run whose reminders are not due yet. At noon UTC
(09:00 has passed where the stand-in's people live) each job of `jobs_for` runs once as a
warm-up (the due reminders send their DMs then), then --passes times, as every bot process does
every PROMPT_INTERVAL_SECONDS (housekeeping hourly): median wall time per pass, and per pass the
statements sent to the database and the calls made to the Slack stand-in (in this process).
A job that costs little per pass and claims its work item by item can run in every replica;
one that reads much per pass should run in one replica at a time. The machine may be shared:
read the statements and calls, and the wall time as a ratio between jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event

from benchmarks.databases import (
    POSTGRES_HELP,
    Backend,
    default_postgres,
    fresh_backends,
    postgres_note,
    prepare_database,
)
from benchmarks.scale.seed import CHANNELS, TEAM, Team, channel, generate, grow
from benchmarks.scale.table import parse_sizes, size_label
from benchmarks.serving import environment
from bot.domain.schedule.days import DaysTime
from bot.domain.schedule.weekly import WeeklyTime
from bot.localslack.standin import SlackStandIn
from bot.runtime.backend import build_backend
from bot.runtime.background import jobs_for
from bot.runtime.settings import Settings
from handlers.kit.clients import OneWorkspace

DUE_SHARE = 0.2  # of the open actions
DUE_AFTER = dt.timedelta(weeks=2)
DUE_DATE_COLUMN = 9  # in benchmarks.scale.seed.ACTION_COLUMNS


def with_due_dates(team: Team) -> Team:
    """Every 1/DUE_SHARE-th open action gets a due date two weeks after it was logged."""
    every = round(1 / DUE_SHARE)
    for k, action in enumerate(team.actions):
        if action[7] == "open" and k % every == 0:
            row = list(action)
            row[DUE_DATE_COLUMN] = (action[12] + DUE_AFTER).date()
            team.actions[k] = tuple(row)
    return team


async def _schedules(services: Any) -> None:
    """Weekly prompts and scheduled stand-ups in every channel, none due at noon today, and a
    run whose reminders come later: the passes find nothing to post, as on most passes."""
    now = services.clock()
    evening = now.astimezone(dt.UTC).replace(hour=18, minute=0)
    for n in range(CHANNELS):
        await services.schedules.set(TEAM, channel(n), WeeklyTime(
            (now.weekday() + 1) % 7, 16, 0, "Europe/London"), "U0000")
        await services.standup_schedules.set(TEAM, channel(n), DaysTime(
            frozenset(range(5)), 9, 30, "Europe/London"), None, "U0000")
    checklist = next(iter(services.checklists.values()))
    run = await services.standups.start(TEAM, channel(0), checklist, "U0000",
                                        remind_after=evening - now)
    await services.standups.set_message(TEAM, run.id, "1.0")


Measured = dict[str, tuple[float, float, float, float, int]]


async def measure(backend: Backend, team: Team, passes: int, now: dt.datetime) -> Measured:
    """Job -> (every how many seconds it runs, median ms per pass, statements per pass, Slack
    calls per pass, Slack calls of the first pass)."""
    bot = build_backend(Settings(database_url=backend.url, log_level="WARNING"),
                        clock=lambda: now)
    standin = SlackStandIn()
    await standin.start()
    client = AsyncWebClient(token="xoxb-benchmark", base_url=standin.api_url)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    try:
        await bot.prepare()
        team.loaded = 0
        print(await grow(backend, bot.engine, team, team.largest), flush=True)
        await _schedules(bot.services)
        event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
        jobs = jobs_for(OneWorkspace(client), bot.services)
        found = {}
        for job_name, (job, interval) in jobs.every.items():
            first = len(standin.calls)
            await job()  # warm-up: caches filled, today's reminders sent
            times, before = [], (statements, len(standin.calls))
            for _ in range(passes):
                started = time.perf_counter()
                await job()
                times.append((time.perf_counter() - started) * 1000)
            found[job_name] = (interval, statistics.median(times),
                               (statements - before[0]) / passes,
                               (len(standin.calls) - before[1]) / passes,
                               before[1] - first)
        return found
    finally:
        await standin.stop()
        await bot.close()


def render(results: dict[str, Measured], size: int) -> list[str]:
    names = list(results)
    lines = [f"{'one pass, team of ' + size_label(size) + ' actions':32}{'every':>7}"
             + "".join(f"{n + ' ms':>14}{'statements':>12}" for n in names)
             + f"{'Slack calls':>13}{'first pass':>12}"]
    for job in next(iter(results.values())):
        every, *_, calls, first = results[names[0]][job]
        cells = "".join(f"{ms:14.1f}{sent:12.0f}"
                        for _, ms, sent, *_ in (results[n][job] for n in names))
        lines.append(f"{job:32}{every:>6.0f}s{cells}{calls:13.0f}{first:12d}")
    return lines


async def run(args: argparse.Namespace, tmp: Path) -> None:
    now = dt.datetime.now(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    backends = fresh_backends(tmp, args.postgres, "jobs")
    for backend in backends:
        await prepare_database(backend)
    team = with_due_dates(generate(args.size, now))
    due = sum(1 for action in team.actions if action[DUE_DATE_COLUMN] is not None)
    print(f"{team.largest:,} actions, {due:,} open with a due date", flush=True)
    results = {b.name: await measure(b, team, args.passes, now) for b in backends}
    print(f"\nper pass: median wall time of {args.passes} passes after a warm-up, statements "
          "sent to the database, calls made to Slack (and in the first pass, which looks up "
          "time zones and sends today's reminders)")
    print("\n".join(render(results, team.largest)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=lambda v: parse_sizes(v)[-1], default=100_000,
                        help="actions in the team (default 100k)")
    parser.add_argument("--postgres", default=default_postgres(), help=POSTGRES_HELP)
    parser.add_argument("--passes", type=int, default=5, help="timed passes of each job")
    args = parser.parse_args()
    print(environment())
    if postgres_note(args.postgres):
        print(postgres_note(args.postgres))
    with tempfile.TemporaryDirectory(prefix="principlebot-jobs-") as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
