"""The pieces of the fault suite (benchmarks.faults): a real `principlebot serve` process, the
Slack stand-in in this process as its Slack, signed requests timed from the outside, what was
stored read straight from the database, and one row of the table per scenario.

Counting, per scenario (a "request" is one thing a person does, however often it is posted):
  acked       answered by the bot with HTTP 2xx/4xx (Slack shows nothing better for a 5xx or
              a connection that died)
  confirmed   the person was told it was done: "Logged #n" in the ack, or by response URL, or in
              the form after "Saving..."
  stored      found in the database afterwards
  lost        confirmed but not stored, or acked and then never told anything, yet not stored
  duplicates  stored rows beyond one per request
  worst ack   the slowest HTTP answer the bot gave
  doubles     requests answered more often than once (a repeated answer, or a "Sorry" after one)
  tracebacks  tracebacks the serve process printed
  /healthz    the slowest health check answered while the scenario ran
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text

from bot.localslack import signed_requests as slack
from bot.localslack.standin import SlackStandIn
from bot.storage.engine import create_engine

ROOT = Path(__file__).resolve().parents[1]
READY_SECONDS = 60
ANSWER_SECONDS = 40  # the longest a follow-up may take: Slack's retries within the ceiling
HEALTH_EVERY = 0.1


@dataclass
class Row:
    scenario: str
    requests: int = 0
    acked: int = 0
    confirmed: int = 0
    stored: int = 0
    lost: int = 0
    duplicates: int = 0
    worst_ack: float = 0.0
    doubles: int = 0
    tracebacks: int = 0
    worst_health: float | None = None
    note: str = ""

    COLUMNS = ("scenario", "requests", "acked", "confirmed", "stored", "lost", "duplicates",
               "worst ack", "doubles", "tracebacks", "/healthz")

    def cells(self) -> list[str]:
        health = "-" if self.worst_health is None else f"{self.worst_health * 1000:.0f} ms"
        return [self.scenario, str(self.requests), str(self.acked), str(self.confirmed),
                str(self.stored), str(self.lost), str(self.duplicates),
                f"{self.worst_ack * 1000:.0f} ms", str(self.doubles), str(self.tracebacks),
                health]


def table(rows: list[Row]) -> str:
    grid = [list(Row.COLUMNS)] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in grid) for i in range(len(Row.COLUMNS))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
             for line in grid]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"{row.scenario}: {row.note}" for row in rows if row.note]
    return "\n".join(lines + (["", *notes] if notes else []))


class Serve:
    """`principlebot serve` as a process of its own, on `database_url`, Slack at `api_url`."""

    def __init__(self, database_url: str, api_url: str) -> None:
        self.database_url = database_url
        self.api_url = api_url
        self.secret = secrets.token_hex(16)
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self._err: list[str] = []

    async def start(self) -> None:
        """Start the process and wait until it listens; the event loop keeps running meanwhile
        (at start-up serve checks its token with Slack, which may be served by this loop)."""
        env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-faults", "PORT": "0",
               "SLACK_SIGNING_SECRET": self.secret, "SLACK_API_URL": self.api_url,
               "DATABASE_URL": self.database_url, "LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.runtime.cli", "serve", "--host", "127.0.0.1"],
            cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        ready = threading.Event()

        def read() -> None:
            assert self.process and self.process.stderr
            for line in self.process.stderr:
                self._err.append(line)
                found = re.search(r"listening on (http://\S+)", line)
                if found:
                    self.url = found.group(1)
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not await asyncio.to_thread(ready.wait, READY_SECONDS):
            self.kill()
            raise RuntimeError("serve did not start:\n" + "".join(self._err[-20:]))

    @property
    def health_url(self) -> str:
        return self.url.replace("/slack/events", "/healthz")

    def tracebacks(self) -> int:
        return sum("Traceback" in line for line in self._err)

    def kill(self) -> None:
        """kill -9."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Sent:
    """One HTTP request to the bot and what it answered."""

    status: int | None  # None: no answer (connection failed, or the process died)
    seconds: float
    body: str = ""


@dataclass
class Bot:
    """Slack's side of the conversation with a serve process."""

    serve: Serve
    standin: SlackStandIn
    session: aiohttp.ClientSession
    actor: slack.Actor = field(default_factory=slack.Actor)

    async def post(self, request: slack.SlackRequest, *, timestamp: int | None = None,
                   retry_num: int | None = None, headers: dict[str, str] | None = None,
                   raw: bytes | None = None) -> Sent:
        sent = headers if headers is not None else request.headers(
            self.serve.secret, timestamp=timestamp, retry_num=retry_num)
        started = time.monotonic()
        try:
            async with self.session.post(self.serve.url, data=raw or request.body.encode(),
                                         headers=sent) as answer:
                body = await answer.text()
                return Sent(answer.status, time.monotonic() - started, body)
        except (TimeoutError, aiohttp.ClientError):
            return Sent(None, time.monotonic() - started)

    def command(self, command: str, text: str) -> tuple[slack.SlackRequest, str]:
        url = self.standin.response_url()
        return slack.slash_command(self.actor, command, text, url), url

    def posts_to(self, url: str) -> list[dict[str, Any]]:
        return [c.args for c in self.standin.calls_to("response_url") if c.url == url]

    @contextlib.asynccontextmanager
    async def health_watch(self) -> AsyncIterator[list[float]]:
        """Poll /healthz while the block runs; the list of how long each took."""
        seen: list[float] = []

        async def poll() -> None:
            while True:
                started = time.monotonic()
                try:
                    async with self.session.get(self.serve.health_url) as answer:
                        await answer.read()
                    seen.append(time.monotonic() - started)
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(HEALTH_EVERY)

        task = asyncio.create_task(poll())
        try:
            yield seen
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


LOGGED = re.compile(r"Logged #(\d+)")


def confirmed_in(ack: str, posts: list[dict[str, Any]]) -> bool:
    """The ack or a response URL post told the person it was logged."""
    return bool(LOGGED.search(ack)) or any(LOGGED.fullmatch(p.get("text", "")) for p in posts)


def told_anything(ack: str, posts: list[dict[str, Any]]) -> bool:
    """The person was told something that is not "still working" (an answer, or the truth
    about a failure)."""
    if ack and "Still working" not in ack:
        return True
    return any("logged retro action" not in p.get("text", "") for p in posts)


async def stored_texts(database_url: str, prefix: str) -> dict[str, int]:
    """How many actions of each text starting with `prefix` the database holds."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text(
                "SELECT text, count(*) FROM retro_actions WHERE text LIKE :p GROUP BY text"),
                {"p": prefix + "%"})
            return {found: int(count) for found, count in rows.all()}
    finally:
        await engine.dispose()


async def count_rows(database_url: str, table_name: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text(f"SELECT count(*) FROM {table_name}")))
    finally:
        await engine.dispose()


async def settle(standin: SlackStandIn, quiet: float = 0.5, timeout: float = ANSWER_SECONDS
                 ) -> None:
    with contextlib.suppress(AssertionError):
        await standin.settle(quiet=quiet, timeout=timeout)


async def answered(standin: SlackStandIn, method: str, count: int, quiet: float = 0.5) -> None:
    """Wait for `count` calls of `method` in all (up to ANSWER_SECONDS: fewer are then counted
    as lost), then for `quiet` seconds without a call: a second answer shows, and a slow
    machine's late answers are not counted in the next scenario."""
    with contextlib.suppress(AssertionError):
        await standin.wait_for(method, count, timeout=ANSWER_SECONDS)
    await settle(standin, quiet=quiet)
