"""HTTP benchmark: signed `/principles <question>` requests against the real server on loopback.

Run: python -m benchmarks.http [--requests N] [--levels 1,20,100] [--warmup N] [--repeats 3]

Two servers, each in its own process (this file with `--serve bot|floor --port N`), so the load
generator and the server do not share a core:
  bot    ready_bot + bot.runtime.server.web_app/start, what `principlebot serve` runs; its Web
         API client points at the Slack double (its own process, `benchmarks.serving`), which
         also hands out the response URLs (an answer that outlasts the ack window is posted
         there)
  floor  a bare Bolt AsyncApp that only acks /principles (same signing secret, same client, same
         web_app wrapper): the framework's cost, the best the bot could do
The questions are every distinct question of the labelled sets (the dev set and
benchmarks/sets), after chat markup is cleaned, each asked once per server process: the bot
remembers the vectors of questions it has seen, and a benchmark of repeats would measure that
memory, not the matcher. Both servers are started afresh for each of --repeats runs; the
figures printed last are the medians over the runs.
At each concurrency level C, C clients share one aiohttp ClientSession (TCPConnector(limit=C),
keep-alive) and send a warm-up, then --requests signed requests. Latency is client-side,
request start to full response body (the ack); req/s and CPU run until the last answer has
reached Slack (an answer that follows a "still thinking" ack included). Every response must
be 200 and, for the bot, a JSON body with blocks, or the "still thinking" ack whose answer must
then reach the response URL; anything else is counted as an error.
Server CPU is split into the event loop's thread (the request path: aiohttp, Bolt, the
handler, the reply's blocks) and the other threads (the matcher's thread and the model's
engine threads).
Aims: the bot's event-loop CPU per request <= 1.5 x the floor's CPU per request at every level.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import aiohttp
from slack_bolt.async_app import AsyncApp

from benchmarks.matcher import SETS, question_files
from benchmarks.serving import (
    BOT_TOKEN,
    HOST,
    CpuMeter,
    Double,
    client_session,
    drive,
    launch,
    levels_arg,
    read_ready,
    serve_double,
    stop_server,
    until_signalled,
)
from bot.localslack.signed_requests import Actor, slash_command
from bot.runtime.app import close_app, freeze_startup_objects, web_client
from bot.runtime.backend import build_backend
from bot.runtime.server import EVENTS_PATH, bound_port, start, web_app
from bot.runtime.settings import Settings
from bot.runtime.startup import ready_bot
from handlers.ask.listeners import STILL_THINKING
from knowledge.chat import clean_chat_text
from knowledge.evaluation import load_questions, percentile

MODULE = "benchmarks.http"
TARGETS = ("bot", "floor")
AIM_LOOP_CPU_RATIO = 1.5


def distinct_questions() -> list[str]:
    """Every labelled question (the dev set, every file of benchmarks/sets) once, by its text
    as the matcher reads it; a missing or unreadable set stops the benchmark."""
    names = ["dev", *sorted(path.stem for path in SETS.glob("*.yaml"))]
    if len(names) < 2:
        raise SystemExit(f"benchmarks.http: no question sets in {SETS}")
    seen: dict[str, str] = {}
    for path in question_files(names, holdout=False).values():
        try:
            questions = load_questions(path)
        except ValueError as error:
            raise SystemExit(str(error)) from None
        for item in questions:
            seen.setdefault(" ".join(clean_chat_text(item.q).split()).lower(), item.q)
    return list(seen.values())


# ---------------------------------------------------------------------- server side



# ---------------------------------------------------------------------- server side


def floor_app(settings: Settings) -> AsyncApp:
    """Bolt with nothing but an ack for /principles: the framework floor."""
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=settings.secret("slack_signing_secret"),
        request_verification_enabled=True,
        logger=logging.getLogger("principlebot.bolt"),
    )

    @app.command("/principles")
    async def principles(ack) -> None:
        await ack()

    return app


async def serve(target: str, port: int) -> None:
    """Serve `target` until SIGTERM/SIGINT; print `ready PORT` on stdout once listening.
    SLACK_API_URL (the double) and SLACK_SIGNING_SECRET come from the environment."""
    # /principles never touches the database; a scratch one keeps ./data clean.
    scratch = tempfile.mkdtemp(prefix="principlebot-http-bench-")
    settings = Settings(slack_bot_token=BOT_TOKEN, log_level="WARNING",
                        database_url=f"sqlite:///{scratch}/bench.db")
    settings.require("slack_signing_secret")
    if target == "bot":
        app = (await ready_bot(settings, build_backend(settings))).app
    else:
        app = floor_app(settings)
    freeze_startup_objects()  # as `principlebot serve` does, for both targets
    runner = await start(web_app(app), HOST, port)
    print(f"ready {bound_port(runner)}", flush=True)
    try:
        await until_signalled()
    finally:
        await runner.cleanup()
        await close_app(app)


# ---------------------------------------------------------------------- load generator


@dataclass
class Server:
    target: str
    process: subprocess.Popen[str]
    url: str


def start_servers(secret: str, api_url: str, logs: Path) -> dict[str, Server]:
    """The bot and the floor, each in its own process."""
    env = {"SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": api_url}
    processes = {t: launch(MODULE, t, env, logs / f"http-{t}.log") for t in TARGETS}
    servers = {}
    try:
        for target, process in processes.items():
            port = read_ready(target, process, logs / f"http-{target}.log")[0]
            servers[target] = Server(target, process, f"http://{HOST}:{port}{EVENTS_PATH}")
    except BaseException:
        for process in processes.values():
            stop_server(process)
        raise
    return servers


@dataclass
class LevelResult:
    target: str
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: list[str] = field(default_factory=list)
    server_cpu: float | None = None  # CPU seconds the server process used during the run
    loop_cpu: float | None = None  # ... of which its main thread (the event loop)
    client_cpu: float = 0.0
    deferred: int = 0  # acks that said "still thinking": the answer went by response URL

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def per_request(self, seconds: float | None) -> float:
        return float("nan") if seconds is None else seconds * 1000 / self.requests

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) if self.latencies else float("nan")


class Questions:
    """Hands out each question once (per server process: see the module's docstring)."""

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._next = 0

    def take(self, count: int) -> list[str]:
        if self._next + count > len(self._texts):
            raise SystemExit(f"this run needs more than the {len(self._texts)} distinct "
                             "questions there are: lower --requests, --warmup or the levels")
        taken = self._texts[self._next:self._next + count]
        self._next += count
        return taken


def needed(levels: list[int], requests: int, warmup: int) -> int:
    return sum(max(warmup, 2 * c) + requests for c in levels)


async def signed_requests(secret: str, questions: list[str], double: Double,
                          session: aiohttp.ClientSession) -> list[tuple[bytes, dict[str, str]]]:
    """Signed slash commands, built before timing starts (signing is client work)."""
    actor = Actor()
    urls = await double.issue(session, len(questions))
    return [(request.body.encode(), request.headers(secret)) for request in
            (slash_command(actor, "/principles", q, url) for q, url in zip(questions, urls,
                                                                            strict=True))]


def check_answer(status: int, payload: bytes) -> str | None:
    """Why a response of the bot is wrong, or None."""
    if status != 200:
        return f"status {status}: {payload[:120]!r}"
    try:
        body = json.loads(payload)
    except ValueError:
        return f"not JSON: {payload[:120]!r}"
    if not isinstance(body, dict):
        return f"not a JSON object: {payload[:120]!r}"
    if body.get("text") == STILL_THINKING:
        return None
    blocks = body.get("blocks")
    return None if isinstance(blocks, list) and blocks else f"no blocks: {payload[:120]!r}"


def counting_deferred(result: list[int]) -> Callable[[int, bytes], str | None]:
    """check_answer, counting in result[0] the acks that promised a later answer."""
    def check(status: int, payload: bytes) -> str | None:
        problem = check_answer(status, payload)
        if problem is None and STILL_THINKING.encode() in payload:
            result[0] += 1
        return problem
    return check


async def run_level(server: Server, secret: str, concurrency: int, requests: int,
                    warmup: int, questions: Questions, double: Double) -> LevelResult:
    """The warm-up, its late answers awaited; then the timed requests, timed (clock and CPU)
    until the last of their answers has reached Slack, late ones included."""
    warm_deferred, deferred = [0], [0]
    bot = server.target == "bot"
    async with client_session(concurrency) as session:
        warm = await signed_requests(secret, questions.take(max(warmup, 2 * concurrency)),
                                     double, session)
        _, warm_errors = await drive(session, server.url, warm, concurrency,
                                     counting_deferred(warm_deferred) if bot else None)
        errors = [f"warm-up: {e}" for e in warm_errors]
        errors += await late_answers_missing(double, session, warm_deferred[0])
        batch = await signed_requests(secret, questions.take(requests), double, session)
        meter = CpuMeter(server.process.pid)
        client_cpu = time.process_time()
        started = time.perf_counter()
        latencies, timed_errors = await drive(session, server.url, batch, concurrency,
                                              counting_deferred(deferred) if bot else None)
        errors += timed_errors + await late_answers_missing(double, session, deferred[0])
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        server_cpu = meter.stop()
    return LevelResult(server.target, concurrency, requests, seconds, latencies, errors,
                       server_cpu, meter.main_thread, client_cpu, deferred[0])


async def late_answers_missing(double: Double, session: aiohttp.ClientSession,
                               count: int) -> list[str]:
    """An error per answer promised by a "still thinking" ack that never reached its URL."""
    if not count:
        return []
    summary = await double.wait(session, count)
    await double.clear(session)
    return [] if summary["reached"] else [
        f"{count - summary['count']} answer(s) promised by 'still thinking' never came"]


def print_level(results: dict[str, LevelResult], requests: int) -> None:
    concurrency = results["bot"].concurrency
    print(f"\nconcurrency {concurrency}  ({requests} requests per target after warm-up)")
    print(f"  {'':8}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>9}{'CPU ms/req':>11}"
          f"{'loop ms/req':>12}{'other ms/req':>13}{'late':>6}{'errors':>8}")
    for target in TARGETS:
        r = results[target]
        other = (None if r.server_cpu is None or r.loop_cpu is None
                 else r.server_cpu - r.loop_cpu)
        print(f"  {target:8}{r.rps:8.0f}{r.p(0.5):8.1f}{r.p(0.99):9.1f}"
              f"{r.per_request(r.server_cpu):11.2f}{r.per_request(r.loop_cpu):12.2f}"
              f"{r.per_request(other):13.2f}{r.deferred:6d}{len(r.errors):8d}")
    for target in TARGETS:
        for error in results[target].errors[:3]:
            print(f"  {target} error: {error}")


Run = dict[int, dict[str, LevelResult]]


@dataclass(frozen=True)
class LevelMedians:
    """One level's figures, each the median over the runs (CPU in ms per request)."""

    level: int
    rps_ratio: float  # bot req/s / floor req/s
    bot_p99: float
    bot_cpu: float
    bot_loop: float
    floor_cpu: float

    @property
    def loop_ratio(self) -> float:
        return self.bot_loop / self.floor_cpu

    @property
    def cpu_ratio(self) -> float:
        return self.bot_cpu / self.floor_cpu


def medians(runs: list[Run]) -> list[LevelMedians]:
    found = []
    for level in runs[0]:
        def median(value: Callable[[dict[str, LevelResult]], float], level: int = level
                   ) -> float:
            return statistics.median(value(run[level]) for run in runs)
        found.append(LevelMedians(
            level, median(lambda r: r["bot"].rps / r["floor"].rps),
            median(lambda r: r["bot"].p(0.99)),
            median(lambda r: r["bot"].per_request(r["bot"].server_cpu)),
            median(lambda r: r["bot"].per_request(r["bot"].loop_cpu)),
            median(lambda r: r["floor"].per_request(r["floor"].server_cpu))))
    return found


def errors_in(runs: list[Run]) -> list[str]:
    return [e for run in runs for level in run.values() for r in level.values()
            for e in r.errors]


def print_medians(runs: list[Run]) -> bool:
    """The medians over the runs, per level; whether the aim is met at every level."""
    print(f"\nmedians of {len(runs)} run(s), CPU in ms per request")
    print(f"  {'level':>5}{'bot/floor req/s':>16}{'bot p99 ms':>11}{'bot CPU':>9}"
          f"{'bot loop':>10}{'floor CPU':>11}{'loop/floor':>11}{'CPU/floor':>10}")
    found = medians(runs)
    for m in found:
        print(f"  {m.level:5d}{m.rps_ratio:16.2f}{m.bot_p99:11.1f}{m.bot_cpu:9.2f}"
              f"{m.bot_loop:10.2f}{m.floor_cpu:11.2f}{m.loop_ratio:11.2f}{m.cpu_ratio:10.2f}")
    met = all(m.loop_ratio <= AIM_LOOP_CPU_RATIO for m in found)
    errors = errors_in(runs)
    print(f"\naim: bot event-loop CPU per request <= {AIM_LOOP_CPU_RATIO} x floor, every level: "
          f"{'met' if met else 'NOT met'}")
    print(f"errors (all runs and levels, both targets, warm-ups included): {len(errors)}")
    print("note: 'loop' is the server's main thread, the request path; the rest of the bot's CPU "
          "is the matcher's\n(its thread and the model's engine threads). The floor runs Bolt's "
          "own listener runner, which checks\nfor ack() every 10 ms, so it answers nothing in "
          "under ~10 ms; the bot's runner wakes on the ack\n(bot/runtime/acks.py).")
    return met and not errors


async def one_run(servers: dict[str, Server], double: Double, secret: str, levels: list[int],
                  requests: int, warmup: int, texts: list[str], show: bool = True) -> Run:
    by_level: Run = {}
    questions = {target: Questions(texts) for target in TARGETS}
    for concurrency in levels:
        results = {target: await run_level(servers[target], secret, concurrency, requests,
                                           warmup, questions[target], double)
                   for target in TARGETS}
        if show:
            print_level(results, requests)
        by_level[concurrency] = results
    return by_level


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=150, help="timed requests per level")
    parser.add_argument("--levels", type=levels_arg, default=[1, 20, 100],
                        help="concurrent clients, comma-separated (default 1,20,100)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="untimed requests before each level (at least 2 x concurrency)")
    parser.add_argument("--repeats", type=int, default=3, help="runs, each on fresh servers")
    parser.add_argument("--serve", choices=(*TARGETS, "double"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        logging.basicConfig(level=logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        asyncio.run(serve_double(args.port) if args.serve == "double"
                    else serve(args.serve, args.port))
        return
    if args.requests < 1 or args.repeats < 1:
        parser.error("--requests and --repeats must be 1 or more")
    texts = distinct_questions()
    if needed(args.levels, args.requests, args.warmup) > len(texts):
        parser.error(f"{needed(args.levels, args.requests, args.warmup)} questions needed per "
                     f"server, {len(texts)} distinct ones exist: lower --requests or --warmup")

    secret = secrets.token_hex(16)
    print(f"POST {EVENTS_PATH} on loopback, signed `/principles <question>`, {len(texts)} "
          "distinct questions, each asked once per server")
    print(f"servers in their own processes, log level WARNING; {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, aiohttp {version('aiohttp')}, "
          f"slack_bolt {version('slack_bolt')}")
    print("bot = ready_bot + web_app (`principlebot serve`); "
          "floor = bare AsyncApp that only acks /principles")
    with tempfile.TemporaryDirectory(prefix="principlebot-http-bench-") as logs:
        double = Double.start(MODULE, Path(logs) / "double.log")
        runs = []
        try:
            for run in range(1, args.repeats + 1):
                print(f"\n=== run {run} of {args.repeats} (fresh servers)")
                servers = start_servers(secret, double.api_url, Path(logs))
                try:
                    runs.append(asyncio.run(one_run(servers, double, secret, args.levels,
                                                    args.requests, args.warmup, texts)))
                finally:
                    for server in servers.values():
                        stop_server(server.process)
        finally:
            double.stop()
    print_medians(runs)


if __name__ == "__main__":
    main()
