"""Retro benchmark: `/retro add` through the real server, and the coverage query at 100,000 actions.

Run: python -m benchmarks.retro [--requests N] [--levels 1,10,20] [--postgres URL]
                                [--skip-http] [--skip-coverage]

1. /retro add over HTTP, once per database (SQLite: a fresh file in a temp dir; PostgreSQL:
   --postgres URL, default $TEST_DATABASE_URL, schema public dropped and recreated first).
   Three processes (this file with `--serve bot|double --port N`):
     bot     build_backend + Backend.prepare + build_app + bot.runtime.server.web_app, what
             `principlebot serve` runs, with DATABASE_URL set
     double  bot.localslack.standin.SlackStandIn (the Web API and the response URLs), plus a small
             control server through which the load generator takes fresh response URLs and
             waits until the confirmations have arrived
     (this)  the load generator: C clients sharing one aiohttp session, as benchmarks.http does
   Each request is a signed `/retro add <text> #4.2`; every fourth has no tag, so the bot tags it
   with the matcher. The bot acks at once and, once the action is committed, posts two
   confirmations to the response URL (ephemeral "Logged #n" and the channel note). Measured per
   concurrency level, after an untimed warm-up in another team:
     ack      client-side, request start to full response (every response must be 200)
     commits  actions / (last created_at - start): how fast the database took the writes
     e2e      start until the double has received every confirmation of the level
   and checked against the database: actions created == requests, the auto-tagged share, numbers
   1..N without gaps; and against the double: 2 confirmations per request, none rejected.
2. RetroService.coverage(team, since=4 weeks ago) with 100,000 actions in the database (1-3 tags
   each, 50 channels, 26 weeks, one team), bulk-loaded with SQLAlchemy Core executemany in
   chunks; p50/p99 over 50 runs for the team and for one channel, results checked against the
   data loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import platform
import random
import secrets
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import case, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.http import (
    HOST,
    REQUEST_TIMEOUT_SECONDS,
    drive,
    levels_arg,
    process_cpu_seconds,
    stop_server,
)
from bot.localslack.signed_requests import Actor, slash_command
from bot.localslack.standin import RESPONSE_URL, SlackStandIn
from bot.runtime.app import build_app, freeze_startup_objects
from bot.runtime.backend import build_backend
from bot.runtime.server import EVENTS_PATH, bound_port, start, web_app
from bot.runtime.settings import Settings
from bot.storage.engine import create_engine, database_url
from bot.storage.migrate import MIGRATION_LOCK_KEY
from bot.storage.models import RetroActionRow, RetroTagRow, TeamCounter
from knowledge.evaluation import percentile
from knowledge.loader import default_knowledge

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("bot", "double")
BOT_TOKEN = "xoxb-benchmark"
READY_TIMEOUT_SECONDS = 60
CONFIRM_TIMEOUT_SECONDS = 60
CONFIRMATIONS_PER_ADD = 2  # the ephemeral "Logged #n" and the note in the channel
TAG = "#4.2"
AUTO_EVERY = 4  # every fourth /retro add has no tag and is tagged by the matcher
ACTION_TEXTS = [
    "run a usability test of the new form with five residents",
    "publish the eligibility rules as open data",
    "ask the records team to share the address API",
    "write the privacy notice in plain language",
    "check the booking page with a screen reader",
    "move the case notes out of spreadsheets",
    "agree who owns the notification service",
    "measure how many people finish the application online",
    "invite the call-centre staff to the next show and tell",
    "review the procurement brief for vendor lock-in",
    "retire the duplicate login on the permits portal",
    "add a phone route for people who cannot use the website",
]

COVERAGE_TEAM = "TCOVERAGE"
COVERAGE_ACTIONS = 100_000
COVERAGE_CHANNELS = 50
COVERAGE_WEEKS = 26
COVERAGE_WINDOW_WEEKS = 4
COVERAGE_RUNS = 50
COVERAGE_CHANNEL = "C0007"
LOAD_CHUNK = 10_000
SEED = 20240501


# ---------------------------------------------------------------------- server side


async def until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def serve_bot(port: int) -> None:
    """The bot as `principlebot serve` runs it; DATABASE_URL, SLACK_API_URL and
    SLACK_SIGNING_SECRET come from the environment. Prints `ready PORT`."""
    settings = Settings(slack_bot_token=BOT_TOKEN, log_level="WARNING")
    settings.require("slack_signing_secret")
    bot = build_backend(settings)
    try:
        await bot.prepare()
        app = build_app(settings, bot.services)
        freeze_startup_objects()  # as `principlebot serve` does
        runner = await start(web_app(app, bot.health), HOST, port)
        print(f"ready {bound_port(runner)}", flush=True)
        try:
            await until_signalled()
        finally:
            await runner.cleanup()
    finally:
        await bot.close()


async def serve_double(port: int) -> None:
    """The Slack stand-in and its control server. Prints `ready CONTROL_PORT API_URL`.

    Control: GET /issue?n=N -> {"urls": [N fresh response URLs]};
    GET /wait?count=N&timeout=S -> waits until N response URL posts were recorded, then what was
    received; POST /clear -> forget the recorded calls."""
    standin = SlackStandIn()
    await standin.start(HOST)

    async def issue(request: web.Request) -> web.Response:
        count = int(request.query["n"])
        return web.json_response({"urls": [standin.response_url() for _ in range(count)]})

    async def wait(request: web.Request) -> web.Response:
        count = int(request.query["count"])
        try:
            await standin.wait_for(RESPONSE_URL, count, float(request.query["timeout"]))
            reached = True
        except AssertionError:
            reached = False
        posts = standin.calls_to(RESPONSE_URL)
        return web.json_response({
            "reached": reached,
            "received": len(posts),
            "logged": sum(str(c.args.get("text", "")).startswith("Logged #") for c in posts),
            "in_channel": sum(c.args.get("response_type") == "in_channel" for c in posts),
            "rejected": [f"{method}: {reason}" for method, reason in standin.invalid],
            "api_calls": dict(Counter(c.method for c in standin.calls if c.method != RESPONSE_URL)),
        })

    async def clear(_: web.Request) -> web.Response:
        standin.clear()
        return web.json_response({"ok": True})

    control = web.Application()
    control.add_routes([web.get("/issue", issue), web.get("/wait", wait),
                        web.post("/clear", clear)])
    runner = await start(control, HOST, port)
    print(f"ready {bound_port(runner)} {standin.api_url}", flush=True)
    try:
        await until_signalled()
    finally:
        await runner.cleanup()
        await standin.stop()


# ---------------------------------------------------------------------- processes


def launch(role: str, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    with log.open("a") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "benchmarks.retro", "--serve", role, "--port", "0"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=stderr,
            text=True,
        )


def read_ready(role: str, process: subprocess.Popen[str], log: Path) -> list[str]:
    """The words after `ready` on the process's first line; exits when it does not come."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        line = process.stdout.readline().split() if selector.select(READY_TIMEOUT_SECONDS) else []
    if not line or line[0] != "ready":
        stop_server(process)
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise SystemExit(f"the {role} process did not start within {READY_TIMEOUT_SECONDS} s "
                         f"(exit code {process.returncode}); its log ends:\n  "
                         + "\n  ".join(tail))
    return line[1:]


@dataclass
class Double:
    process: subprocess.Popen[str]
    control: str
    api_url: str

    async def issue(self, session: aiohttp.ClientSession, count: int) -> list[str]:
        async with session.get(f"{self.control}/issue", params={"n": str(count)}) as response:
            return (await response.json())["urls"]

    async def wait(self, session: aiohttp.ClientSession, count: int,
                   timeout: float = CONFIRM_TIMEOUT_SECONDS) -> dict[str, Any]:
        params = {"count": str(count), "timeout": str(timeout)}
        async with session.get(f"{self.control}/wait", params=params,
                               timeout=aiohttp.ClientTimeout(total=timeout + 10)) as response:
            return await response.json()

    async def clear(self, session: aiohttp.ClientSession) -> None:
        async with session.post(f"{self.control}/clear") as response:
            await response.read()


# ---------------------------------------------------------------------- databases


@dataclass
class Backend:
    name: str
    url: str  # normalised to the async driver

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def shown(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


class Unavailable(Exception):
    """The database cannot be used for this run; the message says why."""


async def reset_postgres(url: str) -> None:
    """Drop and recreate schema public, so every run starts from an empty database. Holds the
    bot's migration lock meanwhile; if another session holds it (a bot starting, or one stuck),
    the bot's migrations would wait for it, so the database is reported unavailable."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL lock_timeout = '15s'"))
            locked = await connection.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                             {"key": MIGRATION_LOCK_KEY})
            if not locked:
                raise Unavailable("another session holds the bot's migration lock "
                                  f"({MIGRATION_LOCK_KEY}), so migrations would wait for it")
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    except (OSError, DBAPIError) as error:
        raise Unavailable(f"cannot reset schema public: {str(error).splitlines()[0]}") from None
    finally:
        await engine.dispose()


def fresh_backends(tmp: Path, postgres: str | None, tag: str) -> list[Backend]:
    backends = [Backend("SQLite", database_url(f"sqlite:///{tmp / f'{tag}.db'}"))]
    if postgres:
        backends.append(Backend("PostgreSQL", database_url(postgres)))
    return backends


async def prepare_database(backend: Backend) -> None:
    if backend.is_postgres:
        await reset_postgres(backend.url)


# ---------------------------------------------------------------------- /retro add over HTTP


@dataclass
class AddLevel:
    backend: str
    concurrency: int
    requests: int
    ack_seconds: float
    latencies: list[float]
    errors: list[str]
    e2e_seconds: float | None  # None: not every confirmation arrived in time
    double: dict[str, Any]
    actions: int = 0
    auto_tagged: int = 0
    max_number: int = 0
    commit_seconds: float | None = None
    server_cpu: float | None = None
    double_cpu: float | None = None
    problems: list[str] = field(default_factory=list)

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) if self.latencies else float("nan")


def add_texts(count: int) -> list[str]:
    texts = []
    for i in range(count):
        action = ACTION_TEXTS[i % len(ACTION_TEXTS)]
        texts.append(f"add {action}" if i % AUTO_EVERY == AUTO_EVERY - 1
                     else f"add {action} {TAG}")
    return texts


def signed_adds(secret: str, team_id: str, urls: list[str]) -> list[tuple[bytes, dict[str, str]]]:
    """One signed `/retro add` per response URL, built before timing starts."""
    actor = Actor(team_id=team_id)
    batch = []
    for command_text, url in zip(add_texts(len(urls)), urls, strict=True):
        request = slash_command(actor, "/retro", command_text, url)
        batch.append((request.body.encode(), request.headers(secret)))
    return batch


async def stored_actions(engine: AsyncEngine, team_id: str) -> tuple[int, int, int, dt.datetime]:
    """(actions, auto-tagged, highest number, latest created_at) of a team."""
    query = select(
        func.count(), func.sum(case((RetroActionRow.auto_tagged, 1), else_=0)),
        func.max(RetroActionRow.number), func.max(RetroActionRow.created_at),
    ).where(RetroActionRow.team_id == team_id)
    async with engine.connect() as connection:
        count, auto, highest, latest = (await connection.execute(query)).one()
    if latest is not None and latest.tzinfo is None:  # SQLite: naive, stored in UTC
        latest = latest.replace(tzinfo=dt.UTC)
    return int(count or 0), int(auto or 0), int(highest or 0), latest


async def run_add_level(backend: Backend, server: subprocess.Popen[str], url: str,
                        double: Double, engine: AsyncEngine, secret: str, concurrency: int,
                        requests: int, warmup: int) -> AddLevel:
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with (aiohttp.ClientSession(connector=connector, timeout=timeout) as session,
                aiohttp.ClientSession() as control):
        # Warm-up in its own team; wait for its confirmations so they don't overlap the run.
        warm_count = max(warmup, 2 * concurrency)
        warm = signed_adds(secret, f"TWARM{concurrency}", await double.issue(control, warm_count))
        _, warm_errors = await drive(session, url, warm, concurrency, False)
        warm_done = await double.wait(control, CONFIRMATIONS_PER_ADD * warm_count)
        await double.clear(control)

        team = f"TADD{concurrency}"
        batch = signed_adds(secret, team, await double.issue(control, requests))
        server_cpu = process_cpu_seconds(server.pid)
        double_cpu = process_cpu_seconds(double.process.pid)
        wall_start = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        latencies, errors = await drive(session, url, batch, concurrency, False)
        ack_seconds = time.perf_counter() - started
        received = await double.wait(control, CONFIRMATIONS_PER_ADD * requests)
        e2e_seconds = time.perf_counter() - started if received["reached"] else None
        server_cpu_after = process_cpu_seconds(server.pid)
        double_cpu_after = process_cpu_seconds(double.process.pid)
        await double.clear(control)

    level = AddLevel(backend.name, concurrency, requests, ack_seconds, latencies,
                     [f"warm-up: {e}" for e in warm_errors] + errors, e2e_seconds, received)
    if not warm_done["reached"]:
        level.problems.append(f"warm-up: {warm_done['received']} of "
                              f"{CONFIRMATIONS_PER_ADD * warm_count} confirmations arrived")
    if server_cpu is not None and server_cpu_after is not None:
        level.server_cpu = server_cpu_after - server_cpu
    if double_cpu is not None and double_cpu_after is not None:
        level.double_cpu = double_cpu_after - double_cpu
    level.actions, level.auto_tagged, level.max_number, latest = await stored_actions(engine,
                                                                                      team)
    if latest is not None:
        level.commit_seconds = (latest - wall_start).total_seconds()
    verify_level(level)
    return level


def verify_level(level: AddLevel) -> None:
    n = level.requests
    expected_auto = sum(1 for i in range(n) if i % AUTO_EVERY == AUTO_EVERY - 1)
    got = level.double
    checks = [
        (level.actions == n, f"{level.actions} actions created for {n} requests"),
        (level.auto_tagged == expected_auto,
         f"{level.auto_tagged} auto-tagged actions, expected {expected_auto}"),
        (level.max_number == level.actions, f"numbers go up to {level.max_number}, "
                                            f"with {level.actions} actions"),
        (got["received"] == CONFIRMATIONS_PER_ADD * n,
         f"{got['received']} confirmations, expected {CONFIRMATIONS_PER_ADD * n}"),
        (got["logged"] == n, f"{got['logged']} 'Logged #n' confirmations, expected {n}"),
        (got["in_channel"] == n, f"{got['in_channel']} channel notes, expected {n}"),
        (not got["rejected"], f"{len(got['rejected'])} posts the double rejected, e.g. "
                              f"{got['rejected'][:1]}"),
    ]
    level.problems.extend(message for ok, message in checks if not ok)


def print_add_header(backend: Backend) -> None:
    print(f"\n{backend.name}: {backend.shown()}")
    print(f"  {'conc':>4}{'ack/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'commit/s':>10}"
          f"{'e2e s':>8}{'done/s':>8}{'srv CPU':>9}{'ms/add':>8}{'dbl CPU':>9}{'actions':>9}"
          f"{'errors':>8}")


def print_add_level(r: AddLevel) -> None:
    commits = f"{r.actions / r.commit_seconds:.0f}" if r.commit_seconds else "n/a"
    e2e = f"{r.e2e_seconds:.2f}" if r.e2e_seconds else "n/a"
    done = f"{r.requests / r.e2e_seconds:.0f}" if r.e2e_seconds else "n/a"
    window = r.e2e_seconds or r.ack_seconds
    server_share = per_add = double_share = "n/a"
    if r.server_cpu is not None:
        server_share = f"{r.server_cpu / window:.0%}"
        per_add = f"{r.server_cpu * 1000 / r.requests:.2f}"
    if r.double_cpu is not None:
        double_share = f"{r.double_cpu / window:.0%}"
    peak = max(r.latencies) if r.latencies else float("nan")
    print(f"  {r.concurrency:4d}{r.requests / r.ack_seconds:8.0f}{r.p(0.5):8.1f}"
          f"{r.p(0.99):8.1f}{peak:8.1f}{commits:>10}{e2e:>8}{done:>8}{server_share:>9}"
          f"{per_add:>8}{double_share:>9}{f'{r.actions}/{r.requests}':>9}{len(r.errors):8d}")


def print_add_checks(r: AddLevel) -> None:
    if r.problems:
        for problem in r.problems:
            print(f"    c={r.concurrency} PROBLEM: {problem}")
    else:
        print(f"    c={r.concurrency} verified: {r.actions} actions created for {r.requests} "
              f"requests ({r.auto_tagged} auto-tagged, numbers 1..{r.max_number}); "
              f"{r.double['received']} confirmations, none rejected")
    for error in r.errors[:3]:
        print(f"    c={r.concurrency} error: {error}")


async def add_benchmark(backend: Backend, double: Double, secret: str, levels: list[int],
                        requests: int, warmup: int, tmp: Path) -> list[AddLevel]:
    await prepare_database(backend)
    log = tmp / f"bot-{backend.name.lower()}.log"
    env = {"DATABASE_URL": backend.url, "SLACK_API_URL": double.api_url,
           "SLACK_SIGNING_SECRET": secret}
    process = launch("bot", env, log)
    engine = create_engine(backend.url)
    results = []
    try:
        port = read_ready("bot", process, log)[0]
        url = f"http://{HOST}:{port}{EVENTS_PATH}"
        print_add_header(backend)
        for concurrency in levels:
            result = await run_add_level(backend, process, url, double, engine, secret,
                                         concurrency, requests, warmup)
            print_add_level(result)
            results.append(result)
        for result in results:
            print_add_checks(result)
    finally:
        await engine.dispose()
        stop_server(process)
    lines = log.read_text(errors="replace").splitlines()
    print(f"    bot log (WARNING and above): {len(lines)} lines"
          + "".join(f"\n      {line[:160]}" for line in lines[:3]))
    return results


# ---------------------------------------------------------------------- coverage


@dataclass
class Dataset:
    actions: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    principles: list[set[int]]  # per action, in the order of `actions`

    def expected(self, since: dt.datetime, channel_id: str | None) -> tuple[int, Counter[int]]:
        total, counts = 0, Counter[int]()
        for row, principles in zip(self.actions, self.principles, strict=True):
            if row["created_at"] >= since and channel_id in (None, row["channel_id"]):
                total += 1
                counts.update(principles)
        return total, counts


def generate(count: int, now: dt.datetime) -> Dataset:
    """`count` actions of one team, 1-3 distinct practice tags each, over 50 channels and 26
    weeks; ids and numbers in the order of creation, as the bot would have written them."""
    rng = random.Random(SEED)
    practices = default_knowledge().practices
    span = dt.timedelta(weeks=COVERAGE_WEEKS).total_seconds()
    moments = sorted(now - dt.timedelta(seconds=rng.uniform(1, span)) for _ in range(count))
    actions, tags, principles = [], [], []
    for number, created in enumerate(moments, start=1):
        done = rng.random() < 0.3
        actions.append({
            "id": number, "team_id": COVERAGE_TEAM,
            "channel_id": f"C{rng.randrange(COVERAGE_CHANNELS):04d}", "number": number,
            "author_id": f"U{rng.randrange(300):04d}", "owner_id": None,
            "text": ACTION_TEXTS[number % len(ACTION_TEXTS)], "status": "done" if done else "open",
            "auto_tagged": rng.random() < 0.25, "due_date": None, "permalink": None,
            "request_key": None, "created_at": created, "updated_at": created,
            "done_at": created + dt.timedelta(days=3) if done else None,
        })
        chosen = rng.sample(practices, rng.randint(1, 3))
        tags.extend({"action_id": number, "tag": p.id, "team_id": COVERAGE_TEAM,
                     "principle": p.principle, "position": i} for i, p in enumerate(chosen))
        principles.append({p.principle for p in chosen})
    return Dataset(actions, tags, principles)


async def bulk_load(engine: AsyncEngine, data: Dataset) -> tuple[float, float]:
    """Insert with Core executemany, LOAD_CHUNK rows a statement, in one transaction;
    seconds for the actions and for the tags."""
    actions_table, tags_table = RetroActionRow.__table__, RetroTagRow.__table__
    async with engine.begin() as connection:
        started = time.perf_counter()
        for i in range(0, len(data.actions), LOAD_CHUNK):
            await connection.execute(insert(actions_table), data.actions[i:i + LOAD_CHUNK])
        actions_seconds = time.perf_counter() - started
        for i in range(0, len(data.tags), LOAD_CHUNK):
            await connection.execute(insert(tags_table), data.tags[i:i + LOAD_CHUNK])
        tags_seconds = time.perf_counter() - actions_seconds - started
        await connection.execute(insert(TeamCounter.__table__),
                                 [{"team_id": COVERAGE_TEAM, "last_number": len(data.actions)}])
        if connection.dialect.name == "postgresql":  # ids were given; move the sequence on
            await connection.execute(text(
                "SELECT setval(pg_get_serial_sequence('retro_actions', 'id'), :last)"),
                {"last": len(data.actions)})
    return actions_seconds, tags_seconds


async def timed(call: Any, runs: int) -> tuple[list[float], Any]:
    latencies, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await call()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies, result


async def coverage_benchmark(backend: Backend, count: int, data: Dataset,
                             now: dt.datetime) -> None:
    await prepare_database(backend)
    bot = build_backend(Settings(database_url=backend.url, log_level="WARNING"))
    try:
        await bot.prepare()
        actions_seconds, tags_seconds = await bulk_load(bot.engine, data)
        analyze = ""
        if backend.is_postgres:  # what autovacuum does soon after a load this size
            started = time.perf_counter()
            async with bot.engine.begin() as connection:
                await connection.execute(text("ANALYZE retro_actions"))
                await connection.execute(text("ANALYZE retro_action_tags"))
            analyze = f"; ANALYZE {time.perf_counter() - started:.2f} s"
        loaded = actions_seconds + tags_seconds
        rows = len(data.actions) + len(data.tags)
        print(f"\n{backend.name}: {backend.shown()}")
        print(f"  bulk load {count:,} actions + {len(data.tags):,} tags: {loaded:.2f} s "
              f"({rows / loaded:,.0f} rows/s; actions {actions_seconds:.2f} s, tags "
              f"{tags_seconds:.2f} s{analyze})")
        since = now - dt.timedelta(weeks=COVERAGE_WINDOW_WEEKS)
        print(f"  {'coverage since 4 weeks ago':30}{'runs':>6}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'max ms':>9}{'actions':>9}  check")
        for label, channel in (("team", None), (f"channel {COVERAGE_CHANNEL}", COVERAGE_CHANNEL)):
            async def call(channel: str | None = channel) -> Any:
                return await bot.services.retro.coverage(COVERAGE_TEAM, channel_id=channel,
                                                         since=since)
            await timed(call, 2)  # warm the pool and the caches
            latencies, result = await timed(call, COVERAGE_RUNS)
            total, counts = data.expected(since, channel)
            ok = result.total == total and all(result.counts[p] == counts.get(p, 0)
                                               for p in result.counts)
            print(f"  {label:30}{COVERAGE_RUNS:6d}{percentile(latencies, 0.5):9.1f}"
                  f"{percentile(latencies, 0.99):9.1f}{max(latencies):9.1f}{result.total:9d}  "
                  f"{'matches the data loaded' if ok else f'MISMATCH: expected {total}'}")
    finally:
        await bot.close()


# ---------------------------------------------------------------------- main


async def run(args: argparse.Namespace, tmp: Path) -> None:
    postgres = args.postgres
    if not args.skip_http:
        print(f"\n== /retro add over HTTP: {args.requests} requests per level after a warm-up, "
              f"`/retro add <text> {TAG}`, every {AUTO_EVERY}th untagged (auto-tagged)")
        print("ack: client-side latency and req/s; commit/s: actions / (last created_at - "
              "start); e2e: start until the double\nhas every confirmation; done/s: requests / "
              "e2e; srv/dbl CPU: share of one core over e2e; ms/add: server CPU per add")
        secret = secrets.token_hex(16)
        log = tmp / "double.log"
        double_process = launch("double", {}, log)
        try:
            control_port, api_url = read_ready("double", double_process, log)
            double = Double(double_process, f"http://{HOST}:{control_port}", api_url)
            for backend in fresh_backends(tmp, postgres, "retro-add"):
                try:
                    await add_benchmark(backend, double, secret, args.levels, args.requests,
                                        args.warmup, tmp)
                except Unavailable as reason:
                    print(f"\n{backend.name}: skipped, {reason}")
        finally:
            stop_server(double_process)
    if not args.skip_coverage:
        now = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        data = generate(args.actions, now)
        print(f"\n== coverage: {args.actions:,} actions of one team over {COVERAGE_CHANNELS} "
              f"channels and {COVERAGE_WEEKS} weeks, 1-3 tags each (generated in "
              f"{time.perf_counter() - started:.1f} s, not timed)")
        print(f"RetroService.coverage(team, since=4 weeks ago), {COVERAGE_RUNS} runs each after "
              f"2 untimed; bulk load: Core executemany,\n{LOAD_CHUNK:,} rows a statement, one "
              "transaction, into the migrated schema (indexes in place)")
        for backend in fresh_backends(tmp, postgres, "coverage"):
            try:
                await coverage_benchmark(backend, args.actions, data, now)
            except Unavailable as reason:
                print(f"\n{backend.name}: skipped, {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed /retro adds per level")
    parser.add_argument("--levels", type=levels_arg, default=[1, 10, 20],
                        help="concurrent clients, comma-separated (default 1,10,20)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="untimed adds before each level (at least 2 x concurrency)")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or None,
                        help="PostgreSQL URL (default $TEST_DATABASE_URL); its schema public is "
                             "dropped and recreated")
    parser.add_argument("--actions", type=int, default=COVERAGE_ACTIONS,
                        help="actions loaded for the coverage benchmark")
    parser.add_argument("--skip-http", action="store_true", help="skip the /retro add benchmark")
    parser.add_argument("--skip-coverage", action="store_true",
                        help="skip the coverage benchmark")
    parser.add_argument("--serve", choices=ROLES, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        logging.basicConfig(level=logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        asyncio.run(serve_bot(args.port) if args.serve == "bot" else serve_double(args.port))
        return
    if args.requests < 1 or args.actions < 1:
        parser.error("--requests and --actions must be 1 or more")

    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLAlchemy "
          f"{version('sqlalchemy')}, aiosqlite {version('aiosqlite')}, asyncpg "
          f"{version('asyncpg')}, slack_bolt {version('slack_bolt')}")
    if not args.postgres:
        print("PostgreSQL: skipped (no --postgres URL and TEST_DATABASE_URL is not set)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="principlebot-retro-bench-") as tmp:
        asyncio.run(run(args, Path(tmp)))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
