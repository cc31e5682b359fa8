"""What every HTTP benchmark shares: server processes on loopback (started, read ready, stopped,
their CPU time), C concurrent clients sending signed requests, and the Slack double with a small
control server through which the load generator reads what the bot sent to Slack.

A benchmark module serves its own roles with `python -m MODULE --serve ROLE --port 0`; each role
prints `ready WORD...` on its first line once listening.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.localslack.standin import RESPONSE_URL, SlackStandIn
from bot.runtime.app import close_app, freeze_startup_objects
from bot.runtime.backend import build_backend
from bot.runtime.server import bound_port, start, web_app
from bot.runtime.settings import Settings
from bot.runtime.startup import ready_bot

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
BOT_TOKEN = "xoxb-benchmark"
REQUEST_TIMEOUT_SECONDS = 10
READY_TIMEOUT_SECONDS = 60
CONFIRM_TIMEOUT_SECONDS = 60

Batch = list[tuple[bytes, dict[str, str]]]


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
        app = (await ready_bot(settings, bot)).app
        freeze_startup_objects()  # as `principlebot serve` does
        runner = await start(web_app(app, bot.health), HOST, port)
        print(f"ready {bound_port(runner)}", flush=True)
        try:
            await until_signalled()
        finally:
            await runner.cleanup()
            await close_app(app)
    finally:
        await bot.close()


def _calls_summary(standin: SlackStandIn, method: str, last: int) -> dict[str, Any]:
    posts = standin.calls_to(RESPONSE_URL)
    return {
        "received": len(posts),
        "logged": sum(str(c.args.get("text", "")).startswith("Logged #") for c in posts),
        "in_channel": sum(c.args.get("response_type") == "in_channel" for c in posts),
        "rejected": [f"{m}: {reason}" for m, reason in standin.invalid],
        "api_calls": dict(Counter(c.method for c in standin.calls if c.method != RESPONSE_URL)),
        "last": [c.args for c in standin.calls_to(method)[-last:]] if method else [],
    }


async def serve_double(port: int) -> None:
    """The Slack stand-in and its control server. Prints `ready CONTROL_PORT API_URL`.

    Control: GET /issue?n=N -> {"urls": [N fresh response URLs]};
    GET /wait?count=N&timeout=S[&method=M] -> waits until N calls of M (default: response URL
    posts) were recorded, then a summary with the arguments of the last calls of M;
    POST /settle -> waits until no request has been in flight for a while;
    POST /clear -> forget the recorded calls."""
    standin = SlackStandIn()
    await standin.start(HOST)

    async def issue(request: web.Request) -> web.Response:
        count = int(request.query["n"])
        return web.json_response({"urls": [standin.response_url() for _ in range(count)]})

    async def wait(request: web.Request) -> web.Response:
        method = request.query.get("method", RESPONSE_URL)
        try:
            await standin.wait_for(method, int(request.query["count"]),
                                   float(request.query["timeout"]))
            reached = True
        except AssertionError:
            reached = False
        last = int(request.query.get("last", "0"))
        return web.json_response({"reached": reached,
                                  "count": len(standin.calls_to(method)),
                                  **_calls_summary(standin, method if last else "", last)})

    async def settle(_: web.Request) -> web.Response:
        await standin.settle(quiet=0.3, timeout=CONFIRM_TIMEOUT_SECONDS)
        return web.json_response({"ok": True})

    async def clear(_: web.Request) -> web.Response:
        standin.clear()
        return web.json_response({"ok": True})

    control = web.Application()
    control.add_routes([web.get("/issue", issue), web.get("/wait", wait),
                        web.post("/settle", settle), web.post("/clear", clear)])
    runner = await start(control, HOST, port)
    print(f"ready {bound_port(runner)} {standin.api_url}", flush=True)
    try:
        await until_signalled()
    finally:
        await runner.cleanup()
        await standin.stop()


ROLES = {"bot": serve_bot, "double": serve_double}


def add_role_arguments(parser: argparse.ArgumentParser) -> None:
    """The hidden `--serve ROLE --port N` with which a benchmark starts its own processes."""
    parser.add_argument("--serve", choices=tuple(ROLES), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)


def served_role(args: argparse.Namespace) -> bool:
    """Serve the role asked for with --serve until signalled; False when none was."""
    if not args.serve:
        return False
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(ROLES[args.serve](args.port))
    return True


def environment() -> str:
    return (f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLAlchemy "
            f"{version('sqlalchemy')}, aiosqlite {version('aiosqlite')}, asyncpg "
            f"{version('asyncpg')}, slack_bolt {version('slack_bolt')}")


# ---------------------------------------------------------------------- processes


def launch(module: str, role: str, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    with log.open("a") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", module, "--serve", role, "--port", "0"],
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


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def process_cpu_seconds(pid: int, stat: str | None = None) -> float | None:
    """utime + stime of a process (or of the thread whose `stat` file is given) from /proc
    (Linux); None elsewhere."""
    try:
        fields = Path(stat or f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):  # not Linux
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main_thread_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process's main thread, the one its event loop runs on (Linux)."""
    return process_cpu_seconds(pid, f"/proc/{pid}/task/{pid}/stat")


class CpuMeter:
    """CPU seconds a process used between construction and `stop()` (None off Linux); after
    `stop()`, `main_thread` holds its main thread's share (the event loop's work)."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._start = process_cpu_seconds(pid)
        self._main_start = main_thread_cpu_seconds(pid)
        self.main_thread: float | None = None

    def stop(self) -> float | None:
        end = process_cpu_seconds(self._pid)
        main_end = main_thread_cpu_seconds(self._pid)
        if self._main_start is not None and main_end is not None:
            self.main_thread = main_end - self._main_start
        return None if self._start is None or end is None else end - self._start


# ---------------------------------------------------------------------- load generator


async def drive(session: aiohttp.ClientSession, url: str, batch: Batch, concurrency: int,
                check: Any = None) -> tuple[list[float], list[str]]:
    """Send `batch` with `concurrency` clients; latencies (ms) of answered requests, errors.
    `check(status, body)` says what is wrong with a response, or None; by default any status
    but 200 is an error."""
    latencies: list[float] = []
    errors: list[str] = []
    pending = iter(batch)

    async def client() -> None:
        for body, headers in pending:
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    payload = await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                errors.append(f"exception {type(exc).__name__}: {exc}")
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            problem = check(status, payload) if check else (
                None if status == 200 else f"status {status}: {payload[:120]!r}")
            if problem:
                errors.append(problem)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors


def client_session(concurrency: int) -> aiohttp.ClientSession:
    """One keep-alive session for C clients."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency),
                                 timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS))


def levels_arg(value: str) -> list[int]:
    try:
        levels = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of integers") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("levels must be 1 or more")
    return levels


@dataclass
class Double:
    """The load generator's handle on the Slack double process."""

    process: subprocess.Popen[str]
    control: str
    api_url: str

    @classmethod
    def start(cls, module: str, log: Path) -> Double:
        process = launch(module, "double", {}, log)
        control_port, api_url = read_ready("double", process, log)
        return cls(process, f"http://{HOST}:{control_port}", api_url)

    def stop(self) -> None:
        stop_server(self.process)

    async def issue(self, session: aiohttp.ClientSession, count: int) -> list[str]:
        async with session.get(f"{self.control}/issue", params={"n": str(count)}) as response:
            return (await response.json())["urls"]

    async def wait(self, session: aiohttp.ClientSession, count: int, *,
                   method: str = RESPONSE_URL, last: int = 0,
                   timeout: float = CONFIRM_TIMEOUT_SECONDS) -> dict[str, Any]:
        params = {"count": str(count), "timeout": str(timeout), "method": method,
                  "last": str(last)}
        async with session.get(f"{self.control}/wait", params=params,
                               timeout=aiohttp.ClientTimeout(total=timeout + 10)) as response:
            return await response.json()

    async def settle(self, session: aiohttp.ClientSession) -> None:
        async with session.post(f"{self.control}/settle", timeout=aiohttp.ClientTimeout(
                total=CONFIRM_TIMEOUT_SECONDS + 10)) as response:
            await response.read()

    async def clear(self, session: aiohttp.ClientSession) -> None:
        async with session.post(f"{self.control}/clear") as response:
            await response.read()
