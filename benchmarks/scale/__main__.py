"""Scale benchmark: one team with up to a million retro actions, a 60-person stand-up, and
`/principles` against a bare Bolt app, on SQLite and PostgreSQL, in one table.

Run: python -m benchmarks.scale [--sizes 1k,10k,100k,1m] [--postgres URL] [--skip-http]
                                [--rounds 3] [--plans] [--standup-only]

Per database (a fresh SQLite file; PostgreSQL from --postgres or $TEST_DATABASE_URL, schema
public dropped first; asked for and unreachable stops the run), the team grows through the sizes
(benchmarks.scale.seed: steady rate, longer history) and, at each size, after ANALYZE, every read
of benchmarks.scale.queries is timed through the domain services: median of 3 rounds of 10 calls,
every answer checked against the data. With --plans, the query plans at the largest size.

Then, unless --skip-http, on the largest database through `principlebot serve` and the Slack
double (processes of their own): /retro add with 100 clients at once in one team (server CPU per
add), a 60-person stand-up ticking at once (server CPU per tick, ack p99, the last redraw
checked; how many redraws the clicks cost), each the median of --rounds rounds (with
--standup-only, only the stand-up); and /principles at 1, 20 and 100 clients against a
bare Bolt app that only acks (benchmarks.http), server CPU per request as a ratio (the event
loop's and the whole server's), median of --rounds, each on fresh servers (every question new
to them; see benchmarks.http). The machine may be shared: read the ratios and growth, not the
absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import secrets
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks import http
from benchmarks.databases import (
    POSTGRES_HELP,
    Backend,
    default_postgres,
    fresh_backends,
    postgres_note,
    prepare_database,
)
from benchmarks.retro import BotProcess, run_add_level
from benchmarks.scale.queries import READS, plans, time_read
from benchmarks.scale.seed import TEAM, Team, generate, grow
from benchmarks.scale.table import Results, parse_sizes, render, size_label
from benchmarks.scale.ticks import PEOPLE, ticks
from benchmarks.serving import (
    Double,
    add_role_arguments,
    environment,
    served_role,
    stop_server,
)
from bot.runtime.backend import build_backend
from bot.runtime.settings import Settings
from bot.storage.engine import create_engine

MODULE = "benchmarks.scale"
ADD_CONCURRENCY = 100
ADDS = 300
PRINCIPLES_LEVELS = (1, 20, 100)
PRINCIPLES_REQUESTS = 150


async def reads(backend: Backend, team: Team, results: Results, show_plans: bool) -> None:
    bot = build_backend(Settings(database_url=backend.url, log_level="WARNING"))
    try:
        await bot.prepare()
        team.loaded = 0
        for size in results.sizes:
            print(await grow(backend, bot.engine, team, size), flush=True)
            for read in READS:
                ms, problem = await time_read(read, bot.services, team)
                results.reads[(backend.name, read.key, size)] = ms
                if problem:
                    results.problems.append(f"{backend.name} {size_label(size)} "
                                            f"{read.label.strip()}: {problem}")
        if show_plans:
            print(f"\n-- plans, {backend.name}, {size_label(team.loaded)} actions")
            for read in READS[1:]:
                print(f"{read.label.strip()}:")
                print("\n".join(await plans(read, bot.services, team, bot.engine)))
    finally:
        await bot.close()


async def served(backend: Backend, double: Double, results: Results, rounds: int,
                 tmp: Path, adds: bool = True) -> None:
    secret = secrets.token_hex(16)
    bot = BotProcess.start(MODULE, backend, double, secret, tmp / f"bot-{backend.name}.log")
    engine = create_engine(backend.url)
    try:
        per_add = []
        for n in range(rounds if adds else 0):
            level = await run_add_level(backend, bot, double, engine, secret, ADD_CONCURRENCY,
                                        ADDS, 0, team=f"TADDS{n}")
            results.problems += [f"{backend.name} /retro add: {p}"
                                 for p in level.problems + level.errors[:3]]
            if level.server_cpu is not None:
                per_add.append(level.server_cpu * 1000 / ADDS)
        if adds:
            results.serve(f"/retro add, server CPU per add, c={ADD_CONCURRENCY} (ms)",
                          backend.name, statistics.median(per_add) if per_add else None, "<= 5")
        standup = await ticks(bot, double, secret, TEAM, rounds)
        results.problems += [f"{backend.name} stand-up: {p}" for p in standup.problems]
        results.serve(f"stand-up, server CPU per tick, {PEOPLE} at once (ms)", backend.name,
                      standup.cpu_ms_per_tick, "<= 6")
        results.serve(f"stand-up, ack p99, {PEOPLE} at once (ms)", backend.name,
                      standup.ack_p99_ms, "<= 300", digits=0)
        results.serve(f"  redraws posted for the {PEOPLE} clicks", backend.name,
                      standup.redraws, digits=0)
    finally:
        await engine.dispose()
        lines = bot.stop()
        results.problems += [f"{backend.name} bot log: {line[:200]}" for line in lines[:3]]


async def principles(results: Results, rounds: int, tmp: Path) -> None:
    secret = secrets.token_hex(16)
    texts = http.distinct_questions()
    double = Double.start(http.MODULE, tmp / "principles-double.log")
    runs = []
    try:
        for _ in range(rounds):  # fresh servers each round: every question new to them
            servers = http.start_servers(secret, double.api_url, tmp)
            try:
                runs.append(await http.one_run(servers, double, secret, list(PRINCIPLES_LEVELS),
                                               PRINCIPLES_REQUESTS, 20, texts, show=False))
            finally:
                for server in servers.values():
                    stop_server(server.process)
    finally:
        double.stop()
    results.problems += [f"/principles: {e}" for e in http.errors_in(runs)[:3]]
    for m in http.medians(runs):
        for name in results.backends:  # no database on this path: one figure for all
            results.serve(f"/principles, event-loop CPU/request vs bare Bolt, c={m.level}", name,
                          m.loop_ratio, "<= 1.5x")
        results.serve(f"  with the matcher's threads, c={m.level}", results.backends[0],
                      m.cpu_ratio)
        results.serve(f"  bot's server CPU per request, c={m.level} (ms)",
                      results.backends[0], m.bot_cpu)


async def run(args: argparse.Namespace, tmp: Path) -> Results:
    backends = fresh_backends(tmp, args.postgres, "scale")
    results = Results(args.sizes, [b.name for b in backends])
    for backend in backends:  # before anything else: a PostgreSQL asked for must be there
        await prepare_database(backend)
    double = None if args.skip_http else Double.start(MODULE, tmp / "double.log")
    try:
        if args.standup_only and double is not None:
            for backend in backends:
                await served(backend, double, results, args.rounds, tmp, adds=False)
            return results
        started = time.perf_counter()
        team = generate(args.sizes[-1], dt.datetime.now(dt.UTC))
        print(f"generated {team.largest:,} actions of team {TEAM} in "
              f"{time.perf_counter() - started:.1f} s (not timed)", flush=True)
        for backend in backends:
            await reads(backend, team, results, args.plans)
            if double is not None:
                await served(backend, double, results, args.rounds, tmp)
        if not args.skip_http:
            await principles(results, args.rounds, tmp)
    finally:
        if double is not None:
            double.stop()
    return results


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1k,10k,100k,1m"),
                        help="team sizes in actions, comma-separated (default 1k,10k,100k,1m)")
    parser.add_argument("--postgres", default=default_postgres(), help=POSTGRES_HELP)
    parser.add_argument("--skip-http", action="store_true",
                        help="only the reads: no /retro add, stand-up or /principles")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each served figure")
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    parser.add_argument("--standup-only", action="store_true",
                        help="only the 60-person stand-up through serve (no reads, adds or "
                             "/principles)")
    add_role_arguments(parser)
    args = parser.parse_args()
    if served_role(args):
        return
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if args.standup_only and args.skip_http:
        parser.error("--standup-only runs through serve: leave out --skip-http")
    print(f"commit {commit()}; {environment()}")
    if postgres_note(args.postgres):
        print(postgres_note(args.postgres))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="principlebot-scale-") as tmp:
        results = asyncio.run(run(args, Path(tmp)))
    print("\n" + ("" if args.standup_only else "reads: median of 3 rounds x 10 calls, "
                  "in-process through the domain services; ")
          + f"served: median of {args.rounds} rounds")
    print("\n".join(render(results)))
    for problem in results.problems:
        print(f"PROBLEM: {problem}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if results.problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
