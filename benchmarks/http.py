"""HTTP benchmark: signed `/principles <question>` requests against the real server on loopback.

Run: python -m benchmarks.http [--requests N] [--levels 1,5,20,50] [--warmup N]

Two servers, each in its own process (this file with `--serve bot|floor --port N`), so the load
generator and the server do not share a core:
  bot    ready_bot + bot.runtime.server.web_app/start, what `principlebot serve` runs; its Web
         API client points at a local SlackStandIn (the bot token is checked with auth.test
         once, at start-up)
  floor  a bare Bolt AsyncApp that only acks /principles (same signing secret, same client, same
         web_app wrapper): the framework's cost, the best the bot could do
At each concurrency level C, C clients share one aiohttp ClientSession (TCPConnector(limit=C),
keep-alive) and send a warm-up, then --requests signed requests, questions taken in turn from a
small list. Latency is client-side, request start to full response body. Every response must be
200 and, for the bot, a JSON body with blocks; anything else is counted as an error.
Aims: at 20 concurrent, bot req/s >= 0.5 x floor req/s and bot ack p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from slack_bolt.async_app import AsyncApp

from benchmarks.serving import (
    BOT_TOKEN,
    HOST,
    CpuMeter,
    client_session,
    drive,
    launch,
    levels_arg,
    read_ready,
    stop_server,
    until_signalled,
)
from bot.localslack.signed_requests import Actor, slash_command
from bot.localslack.standin import SlackStandIn
from bot.runtime.app import close_app, freeze_startup_objects, web_client
from bot.runtime.backend import build_backend
from bot.runtime.server import EVENTS_PATH, bound_port, start, web_app
from bot.runtime.settings import Settings
from bot.runtime.startup import ready_bot
from knowledge.evaluation import percentile

MODULE = "benchmarks.http"
TARGETS = ("bot", "floor")
AIM_LEVEL = 20
AIM_RPS_RATIO = 0.5
AIM_P99_MS = 100.0
RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1/benchmark"
QUESTIONS = [
    "how do we avoid vendor lock-in?",
    "people re-enter the same data on every form",
    "who owns this service end to end?",
    "principle 4",
    "our forms don't work with screen readers",
    "should we publish the source code of the new portal?",
    "how do we involve users before we build anything?",
    "the legacy system can't share data with other agencies",
    "measure whether the service actually works for people",
    "acessibility",
    "we keep buying software nobody uses",
    "what's for lunch",
]


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
    """Serve `target` until SIGTERM/SIGINT; print `ready PORT` on stdout once listening."""
    standin = SlackStandIn()
    await standin.start()
    # /principles never touches the database; a scratch one keeps ./data clean.
    scratch = tempfile.mkdtemp(prefix="principlebot-http-bench-")
    settings = Settings(slack_bot_token=BOT_TOKEN, slack_api_url=standin.api_url,
                        log_level="WARNING", database_url=f"sqlite:///{scratch}/bench.db")
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
        await standin.stop()


# ---------------------------------------------------------------------- load generator


@dataclass
class Server:
    target: str
    process: subprocess.Popen[str]
    url: str


def start_servers(secret: str, logs: Path) -> dict[str, Server]:
    """The bot and the floor, each in its own process."""
    env = {"SLACK_SIGNING_SECRET": secret}
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
    client_cpu: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float | None:
        """Server CPU per request, in ms."""
        return None if self.server_cpu is None else self.server_cpu * 1000 / self.requests

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) if self.latencies else float("nan")


def signed_requests(secret: str, count: int, offset: int) -> list[tuple[bytes, dict[str, str]]]:
    """`count` signed slash commands, built before timing starts (signing is client work)."""
    actor = Actor()
    batch = []
    for i in range(count):
        question = QUESTIONS[(offset + i) % len(QUESTIONS)]
        request = slash_command(actor, "/principles", question, RESPONSE_URL)
        batch.append((request.body.encode(), request.headers(secret)))
    return batch


def check_answer(status: int, payload: bytes) -> str | None:
    """Why a response of the bot is wrong, or None."""
    if status != 200:
        return f"status {status}: {payload[:120]!r}"
    try:
        blocks = json.loads(payload).get("blocks")
    except (ValueError, AttributeError):
        return f"not a JSON object: {payload[:120]!r}"
    return None if isinstance(blocks, list) and blocks else f"no blocks: {payload[:120]!r}"


async def run_level(server: Server, secret: str, concurrency: int, requests: int,
                    warmup: int) -> LevelResult:
    check = check_answer if server.target == "bot" else None
    async with client_session(concurrency) as session:
        warm = signed_requests(secret, max(warmup, 2 * concurrency), offset=0)
        _, warm_errors = await drive(session, server.url, warm, concurrency, check)
        batch = signed_requests(secret, requests, offset=len(warm))
        meter = CpuMeter(server.process.pid)
        client_cpu = time.process_time()
        started = time.perf_counter()
        latencies, errors = await drive(session, server.url, batch, concurrency, check)
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        server_cpu = meter.stop()
    return LevelResult(server.target, concurrency, requests, seconds, latencies,
                       [f"warm-up: {e}" for e in warm_errors] + errors, server_cpu, client_cpu)


def print_level(results: dict[str, LevelResult], requests: int) -> None:
    concurrency = results["bot"].concurrency
    print(f"\nconcurrency {concurrency}  ({requests} requests per target after warm-up)")
    print(f"  {'':8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'server CPU':>12}{'CPU ms/req':>12}{'client CPU':>12}{'errors':>8}")
    for target in TARGETS:
        r = results[target]
        share = per_request = "n/a"
        if r.server_cpu is not None:
            share = f"{r.server_cpu / r.seconds:.0%}"
            per_request = f"{r.server_cpu * 1000 / r.requests:.2f}"
        peak = max(r.latencies) if r.latencies else float("nan")
        print(f"  {target:8}{r.rps:9.0f}{r.p(0.5):9.1f}{r.p(0.99):9.1f}{peak:9.1f}"
              f"{share:>12}{per_request:>12}{r.client_cpu / r.seconds:>12.0%}"
              f"{len(r.errors):8d}")
    print(f"  bot/floor req/s {results['bot'].rps / results['floor'].rps:.2f}")
    for target in TARGETS:
        for error in results[target].errors[:3]:
            print(f"  {target} error: {error}")


def print_aims(by_level: dict[int, dict[str, LevelResult]]) -> bool:
    results = by_level.get(AIM_LEVEL)
    print()
    if results is None:
        print(f"aims: not assessed (concurrency {AIM_LEVEL} is not among the levels)")
        return False
    bot, floor = results["bot"], results["floor"]
    ratio = bot.rps / floor.rps
    ratio_met = ratio >= AIM_RPS_RATIO
    p99_met = bot.p(0.99) < AIM_P99_MS
    errors = sum(len(r.errors) for level in by_level.values() for r in level.values())
    print(f"aim: bot req/s >= {AIM_RPS_RATIO} x floor at {AIM_LEVEL} concurrent   "
          f"{ratio:.2f}   {'met' if ratio_met else 'NOT met'}")
    print(f"aim: bot ack p99 < {AIM_P99_MS:.0f} ms at {AIM_LEVEL} concurrent       "
          f"{bot.p(0.99):.1f} ms   {'met' if p99_met else 'NOT met'}")
    print(f"errors (all levels, both targets, warm-ups included): {errors}")
    met = ratio_met and p99_met and errors == 0
    print(f"aims {'met' if met else 'NOT met'}")
    print("note: Bolt's async listener runner checks for ack() every 10 ms, so no request is "
          "answered in under ~10 ms\nand, until the server's CPU is saturated, req/s is about "
          "concurrency / latency for both targets;\nserver CPU ms/req compares their cost "
          "independently of that.")
    return met


async def benchmark(servers: dict[str, Server], secret: str, levels: list[int], requests: int,
                    warmup: int) -> dict[int, dict[str, LevelResult]]:
    by_level = {}
    for concurrency in levels:
        results = {target: await run_level(servers[target], secret, concurrency, requests, warmup)
                   for target in TARGETS}
        print_level(results, requests)
        by_level[concurrency] = results
    return by_level


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests per level")
    parser.add_argument("--levels", type=levels_arg, default=[1, 5, 20, 50],
                        help="concurrent clients, comma-separated (default 1,5,20,50)")
    parser.add_argument("--warmup", type=int, default=50,
                        help="untimed requests before each level (at least 2 x concurrency)")
    parser.add_argument("--serve", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        logging.basicConfig(level=logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        asyncio.run(serve(args.serve, args.port))
        return
    if args.requests < 1:
        parser.error("--requests must be 1 or more")

    secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="principlebot-http-bench-") as logs:
        servers = start_servers(secret, Path(logs))
        try:
            print(f"POST {EVENTS_PATH} on loopback, signed `/principles <question>` "
                  f"({len(QUESTIONS)} questions in turn)")
            print(f"servers in their own processes, log level WARNING; {os.cpu_count()} CPUs, "
                  f"Python {platform.python_version()}, aiohttp {version('aiohttp')}, "
                  f"slack_bolt {version('slack_bolt')}")
            print("bot = ready_bot + web_app (`principlebot serve`); "
                  "floor = bare AsyncApp that only acks /principles")
            print("latency: client-side, request start to full response; CPU: share of "
                  "one core during the timed run,\nand server CPU time per request")
            by_level = asyncio.run(benchmark(servers, secret, args.levels, args.requests,
                                             args.warmup))
            print_aims(by_level)
        finally:
            for server in servers.values():
                stop_server(server.process)


if __name__ == "__main__":
    main()
