"""Retro benchmark: `/retro add` through the real server, on SQLite and PostgreSQL.

Run: python -m benchmarks.retro [--requests N] [--levels 1,10,20] [--postgres URL]

Once per database (SQLite: a fresh file in a temp dir; PostgreSQL: --postgres URL, default
$TEST_DATABASE_URL, schema public dropped and recreated first). Three processes (this file with
`--serve bot|double --port N`, see benchmarks.serving):
  bot     build_backend + Backend.prepare + ready_bot + bot.runtime.server.web_app, what
          `principlebot serve` runs, with DATABASE_URL set
  double  bot.localslack.standin.SlackStandIn (the Web API and the response URLs), plus a small
          control server through which the load generator takes fresh response URLs and waits
          until the confirmations have arrived
  (this)  the load generator: C clients sharing one aiohttp session
Each request is a signed `/retro add <text> #4.2`; every fourth has no tag, so the bot tags it
with the matcher. The bot commits the action, then acks with its confirmation ("Logged #n"; past
2 s the ack says it is still working and "Logged #n" follows by response URL) and posts the
channel note to the response URL. Measured per concurrency level, after an untimed warm-up in
another team:
  ack      client-side, request start to full response (every response must be 200)
  e2e      start until the double has received every channel note of the level
and checked against the database: actions created == requests, the auto-tagged share, numbers
1..N without gaps; against the acks and the double: one "Logged #n" and one channel note per
request, none rejected.
`python -m benchmarks.scale` runs the same level (c=100) on a database holding a million
actions, with the App Home, coverage and list queries beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.databases import (
    POSTGRES_HELP,
    Backend,
    default_postgres,
    fresh_backends,
    postgres_note,
    prepare_database,
)
from benchmarks.serving import (
    HOST,
    CpuMeter,
    Double,
    add_role_arguments,
    client_session,
    drive,
    environment,
    launch,
    levels_arg,
    read_ready,
    served_role,
    stop_server,
)
from bot.localslack.signed_requests import Actor, slash_command
from bot.runtime.server import EVENTS_PATH
from bot.storage.engine import create_engine
from bot.storage.models import RetroActionRow
from knowledge.evaluation import percentile

MODULE = "benchmarks.retro"
CONFIRMATIONS_PER_ADD = 1  # the note in the channel ("Logged #n" is in the ack)
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



@dataclass
class BotProcess:
    """`principlebot serve` on a database, answering at `url`."""

    process: subprocess.Popen[str]
    url: str
    log: Path

    @classmethod
    def start(cls, module: str, backend: Backend, double: Double, secret: str,
              log: Path) -> BotProcess:
        env = {"DATABASE_URL": backend.url, "SLACK_API_URL": double.api_url,
               "SLACK_SIGNING_SECRET": secret}
        process = launch(module, "bot", env, log)
        port = read_ready("bot", process, log)[0]
        return cls(process, f"http://{HOST}:{port}{EVENTS_PATH}", log)

    def stop(self) -> list[str]:
        """Stop it; the lines it logged (WARNING and above)."""
        stop_server(self.process)
        return self.log.read_text(errors="replace").splitlines()


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


async def stored_actions(engine: AsyncEngine, team_id: str) -> tuple[int, int, int]:
    """(actions, auto-tagged, highest number) of a team."""
    query = select(
        func.count(), func.sum(case((RetroActionRow.auto_tagged, 1), else_=0)),
        func.max(RetroActionRow.number),
    ).where(RetroActionRow.team_id == team_id)
    async with engine.connect() as connection:
        count, auto, highest = (await connection.execute(query)).one()
    return int(count or 0), int(auto or 0), int(highest or 0)


async def run_add_level(backend: Backend, bot: BotProcess, double: Double,
                        engine: AsyncEngine, secret: str, concurrency: int, requests: int,
                        warmup: int, *, team: str) -> AddLevel:
    """`requests` adds in `team` (new to the database) by `concurrency` clients."""
    async with client_session(concurrency) as session, aiohttp.ClientSession() as control:
        # Warm-up in its own team; wait for its confirmations so they don't overlap the run.
        warm_count = max(warmup, 2 * concurrency)
        warm = signed_adds(secret, f"W{team}", await double.issue(control, warm_count))
        _, warm_errors = await drive(session, bot.url, warm, concurrency)
        warm_done = await double.wait(control, CONFIRMATIONS_PER_ADD * warm_count)
        await double.clear(control)

        batch = signed_adds(secret, team, await double.issue(control, requests))
        server_cpu, double_cpu = CpuMeter(bot.process.pid), CpuMeter(double.process.pid)
        logged_in_ack: list[bool] = []

        def confirmed(status: int, payload: bytes) -> str | None:
            logged_in_ack.append(b"Logged #" in payload)
            return None if status == 200 else f"status {status}: {payload[:120]!r}"

        started = time.perf_counter()
        latencies, errors = await drive(session, bot.url, batch, concurrency, confirmed)
        ack_seconds = time.perf_counter() - started
        received = await double.wait(control, CONFIRMATIONS_PER_ADD * requests)
        e2e_seconds = time.perf_counter() - started if received["reached"] else None
        received["logged"] += sum(logged_in_ack)
        level = AddLevel(backend.name, concurrency, requests, ack_seconds, latencies,
                         [f"warm-up: {e}" for e in warm_errors] + errors, e2e_seconds, received,
                         server_cpu=server_cpu.stop(), double_cpu=double_cpu.stop())
        await double.clear(control)

    if not warm_done["reached"]:
        level.problems.append(f"warm-up: {warm_done['received']} of "
                              f"{CONFIRMATIONS_PER_ADD * warm_count} confirmations arrived")
    level.actions, level.auto_tagged, level.max_number = await stored_actions(engine, team)
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
        # A late "Logged #n" (after "still working") is one more post.
        (got["received"] >= CONFIRMATIONS_PER_ADD * n,
         f"{got['received']} posts, expected at least {CONFIRMATIONS_PER_ADD * n}"),
        (got["logged"] == n, f"{got['logged']} 'Logged #n' confirmations, expected {n}"),
        (got["in_channel"] == n, f"{got['in_channel']} channel notes, expected {n}"),
        (not got["rejected"], f"{len(got['rejected'])} posts the double rejected, e.g. "
                              f"{got['rejected'][:1]}"),
    ]
    level.problems.extend(message for ok, message in checks if not ok)


def print_add_header(backend: Backend) -> None:
    print(f"\n{backend.name}: {backend.shown()}")
    print(f"  {'conc':>4}{'ack/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
          f"{'e2e s':>8}{'done/s':>8}{'srv CPU':>9}{'ms/add':>8}{'dbl CPU':>9}{'actions':>9}"
          f"{'errors':>8}")


def print_add_level(r: AddLevel) -> None:
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
          f"{r.p(0.99):8.1f}{peak:8.1f}{e2e:>8}{done:>8}{server_share:>9}"
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
    bot = BotProcess.start(MODULE, backend, double, secret, tmp / f"bot-{backend.name}.log")
    engine = create_engine(backend.url)
    results = []
    try:
        print_add_header(backend)
        for concurrency in levels:
            result = await run_add_level(backend, bot, double, engine, secret, concurrency,
                                         requests, warmup, team=f"TADD{concurrency}")
            print_add_level(result)
            results.append(result)
        for result in results:
            print_add_checks(result)
    finally:
        await engine.dispose()
        lines = bot.stop()
    print(f"    bot log (WARNING and above): {len(lines)} lines"
          + "".join(f"\n      {line[:160]}" for line in lines[:3]))
    return results


async def run(args: argparse.Namespace, tmp: Path) -> None:
    print(f"\n== /retro add over HTTP: {args.requests} requests per level after a warm-up, "
          f"`/retro add <text> {TAG}`, every {AUTO_EVERY}th untagged (auto-tagged)")
    print("ack: client-side latency and req/s; e2e: start until the double has every "
          "confirmation;\ndone/s: requests / e2e; srv/dbl CPU: share of one core over e2e; "
          "ms/add: server CPU per add")
    secret = secrets.token_hex(16)
    double = Double.start(MODULE, tmp / "double.log")
    try:
        for backend in fresh_backends(tmp, args.postgres, "retro-add"):
            await add_benchmark(backend, double, secret, args.levels, args.requests,
                                args.warmup, tmp)
    finally:
        double.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed /retro adds per level")
    parser.add_argument("--levels", type=levels_arg, default=[1, 10, 20],
                        help="concurrent clients, comma-separated (default 1,10,20)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="untimed adds before each level (at least 2 x concurrency)")
    parser.add_argument("--postgres", default=default_postgres(), help=POSTGRES_HELP)
    add_role_arguments(parser)
    args = parser.parse_args()
    if served_role(args):
        return
    if args.requests < 1:
        parser.error("--requests must be 1 or more")
    print(environment())
    if postgres_note(args.postgres):
        print(postgres_note(args.postgres))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="principlebot-retro-bench-") as tmp:
        asyncio.run(run(args, Path(tmp)))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
