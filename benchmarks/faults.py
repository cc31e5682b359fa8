"""Fault suite: the bot as `principlebot serve` runs it, under hostile and faulty conditions.

Run: python -m benchmarks.faults [--fast]

A real serve process on SQLite (a fresh file) and, when TEST_DATABASE_URL is set, on that
PostgreSQL database reached through a TCP proxy of its own (benchmarks.tcpproxy) that the suite
freezes (SIGSTOP) and kills; the Slack stand-in, in this process, plays Slack and injects
Slack's faults. Scenarios: malformed and unsigned bodies; replays of signed requests; events
redelivered; a 40,000-character command beside /healthz; posts whose connection is cut after
Slack made them; a 429 storm on every method and response URL; Slack answering after the
client's timeout; kill -9 in the middle of a load of /retro add; PostgreSQL frozen for 10 s;
PostgreSQL gone and back. Prints one table (columns: see benchmarks.faultkit) and fails
(exit 1) when a scenario breaks a promise: a confirmed or acked request lost, a duplicate, a
double answer, an ack after 3 s, a health check over 1 s, a traceback.

`--fast` runs the quick scenarios only (the tests run them too: tests/e2e/test_faults.py).
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from hashlib import sha256
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from benchmarks.faultkit import (
    Bot,
    Row,
    Sent,
    Serve,
    answered,
    confirmed_in,
    count_rows,
    settle,
    stored_texts,
    table,
    told_anything,
)
from benchmarks.tcpproxy import Proxy
from bot.localslack import signed_requests as slack
from bot.localslack.standin import SlackStandIn
from bot.localslack.standin.faults import Faults
from bot.storage.engine import database_url as async_url

SLACKS_WINDOW = 3.0
HEALTH_LIMIT = 1.0
HOSTILE_ADD = "add x" + " #a" * 13331 + " !"  # 40,000 characters

Scenario = Callable[[Bot, str], Awaitable[Row]]


# ---------------------------------------------------------------------- /retro add, counted


async def send_adds(bot: Bot, prefix: str, count: int, *, times: int = 1,
                    stagger: float = 0.0) -> list[tuple[str, list[Sent], str]]:
    """`count` adds, each posted `times` times (the same signed bytes); per add: its text, its
    answers and its response URL."""
    async def one(n: int) -> tuple[str, list[Sent], str]:
        await asyncio.sleep(n * stagger)
        words = f"{prefix}-{n:03d}"
        request, url = bot.command("/retro", f"add {words} #4")
        stamp = int(time.time())
        answers = [await bot.post(request, timestamp=stamp) for _ in range(times)]
        return words, answers, url

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def score_adds(row: Row, bot: Bot, reading_url: str, prefix: str,
                     sent: list[tuple[str, list[Sent], str]]) -> Row:
    await settle(bot.standin)
    stored = await stored_texts(reading_url, prefix)
    for words, answers, url in sent:
        row.requests += 1
        heard = [a for a in answers if a.status is not None and a.status < 500]
        row.worst_ack = max([row.worst_ack, *(a.seconds for a in heard)])
        acks = " ".join(a.body for a in heard)
        posts = bot.posts_to(url)
        confirmations = sum("Logged #" in a.body for a in heard) + sum(
            p.get("text", "").startswith("Logged #") for p in posts)
        row.acked += bool(heard)
        row.confirmed += confirmed_in(acks, posts)
        row.stored += words in stored
        row.duplicates += max(0, stored.get(words, 0) - 1)
        row.doubles += confirmations > 1
        silent = bool(heard) and not told_anything(acks, posts)
        row.lost += (confirmed_in(acks, posts) or silent) and words not in stored
    return row


# ---------------------------------------------------------------------- scenarios


async def malformed(bot: Bot, reading_url: str) -> Row:
    row = Row("malformed and unsigned bodies")
    form, json_ = "application/x-www-form-urlencoded", "application/json"
    bodies = [(b"payload=notjson", form), (b"payload=null", form),
              (b'{"type": "event_callback", "event": ', json_), (b"null", json_),
              (b"command=%2Fretro&text=\xff\xfe", form)]
    for raw, kind in bodies:
        stamp = str(int(time.time()))
        mac = hmac.new(bot.serve.secret.encode(), f"v0:{stamp}:".encode() + raw, sha256)
        signed = {"Content-Type": kind, "X-Slack-Request-Timestamp": stamp,
                  "X-Slack-Signature": f"v0={mac.hexdigest()}"}
        for headers in (signed, {"Content-Type": kind},
                        {**signed, "X-Slack-Request-Timestamp": "soon"}):
            answer = await bot.post(slack.SlackRequest("", kind), headers=headers, raw=raw)
            row.requests += 1
            row.acked += answer.status in (400, 401)
            row.worst_ack = max(row.worst_ack, answer.seconds)
    return row


async def replays(bot: Bot, reading_url: str) -> Row:
    sent = await send_adds(bot, "replay", 10, times=5)
    return await score_adds(Row("replays (each add posted 5 times)"), bot, reading_url,
                            "replay", sent)


async def event_retries(bot: Bot, reading_url: str) -> Row:
    row = Row("events redelivered (3 times)")
    dm = slack.Actor(channel_id="D0001")
    before = len(bot.standin.calls_to("chat.postMessage"))
    for n in range(10):
        event = slack.message_event(dm, f"vendor lock-in {n}", channel_type="im")
        request = slack.event_callback(dm, event, slack.unique_id("Ev"))
        answers = [await bot.post(request, retry_num=retry or None) for retry in range(3)]
        row.requests += 1
        row.acked += all(a.status == 200 for a in answers)
        row.worst_ack = max([row.worst_ack, *(a.seconds for a in answers)])
    await answered(bot.standin, "chat.postMessage", before + row.requests)
    posted = len(bot.standin.calls_to("chat.postMessage")) - before
    row.confirmed = min(posted, row.requests)
    row.doubles = max(0, posted - row.requests)
    return row


async def hostile_parse(bot: Bot, reading_url: str) -> Row:
    row = Row("40,000-character /retro beside /healthz")
    async with bot.health_watch() as health:
        await asyncio.sleep(0.15)
        answers = await asyncio.gather(*(bot.post(bot.command("/retro", HOSTILE_ADD)[0])
                                         for _ in range(5)))
        await asyncio.sleep(0.3)
    row.requests = len(answers)
    row.acked = sum(a.status == 200 for a in answers)
    row.worst_ack = max(a.seconds for a in answers)
    row.worst_health = max(health, default=None)
    return row


async def unknown_posts(bot: Bot, reading_url: str, name: str) -> Row:
    """Three /standup and three DM questions whose posts Slack made without the bot hearing
    back (the fault is set by the caller): no "Sorry", no second post, no run undone."""
    row = Row(name)
    runs_before = await count_rows(reading_url, "standup_runs")
    before = len(bot.standin.calls_to("chat.postMessage"))
    dm = slack.Actor(channel_id="D0001")
    for n in range(3):
        event = slack.message_event(dm, f"accessibility {n}", channel_type="im")
        answers = [await bot.post(bot.command("/standup", "new")[0]),
                   await bot.post(slack.event_callback(dm, event))]
        row.requests += 2
        row.acked += sum(a.status == 200 for a in answers)
        row.worst_ack = max([row.worst_ack, *(a.seconds for a in answers)])
    # slack_sdk would post again after 0.5 s: none comes.
    await answered(bot.standin, "chat.postMessage", before + row.requests, quiet=1.2)
    posts = bot.standin.calls_to("chat.postMessage")[before:]
    row.confirmed = len(posts)
    row.doubles = max(0, len(posts) - row.requests) + sum(
        "Sorry" in p.args.get("text", "") for p in posts)
    row.stored = await count_rows(reading_url, "standup_runs") - runs_before
    row.lost = 3 - row.stored  # a checklist Slack made keeps its run
    return row


async def cut_posts(bot: Bot, reading_url: str) -> Row:
    bot.standin.cut_next("chat.postMessage", times=6)
    return await unknown_posts(bot, reading_url, "posts cut after Slack made them")


async def slow_slack(bot: Bot, reading_url: str) -> Row:
    bot.standin.delay_next("chat.postMessage", 12.0, times=6)  # the client waits 10 s
    return await unknown_posts(bot, reading_url, "Slack answering after the client's timeout")


async def rate_limit_storm(bot: Bot, reading_url: str) -> Row:
    """Every Web API method and response URL answers 429 (Retry-After: 1) ten times over."""
    for method in ("chat.postMessage", "response_url", "users.info", "views.open"):
        bot.standin.fail_next(method, retry_after=1, times=10)
    before = len(bot.standin.calls_to("chat.postMessage"))
    sent, asked = await asyncio.gather(send_adds(bot, "storm", 30), ask_in_dm(bot, 10))
    await settle(bot.standin, quiet=2.5)  # a 429 asks for a second's wait, and gets it
    row = await score_adds(Row("429 storm on every method"), bot, reading_url, "storm", sent)
    answers = [c for c in bot.standin.calls_to("chat.postMessage")[before:]
               if c.response is not None]
    row.requests += len(asked)
    row.acked += sum(a.status == 200 for a in asked)
    row.confirmed += len(answers)
    row.doubles += max(0, len(answers) - len(asked))
    row.worst_ack = max([row.worst_ack, *(a.seconds for a in asked)])
    return row


async def kill_mid_load(bot: Bot, reading_url: str) -> Row:
    """kill -9 while 60 adds arrive over about a second; then serve again, and count."""
    load = asyncio.create_task(send_adds(bot, "killed", 60, stagger=0.02))
    await asyncio.sleep(0.6)
    bot.serve.kill()
    sent = await load
    await bot.serve.start()
    return await score_adds(Row("kill -9 amid 60 adds"), bot, reading_url, "killed", sent)


# ---------------------------------------------------------------------- PostgreSQL only


FROZEN_SECONDS = 10.0


async def frozen(bot: Bot, reading_url: str, proxy: Proxy) -> Row:
    """The proxy stopped (SIGSTOP) for 10 s under adds, forms, DM questions and /healthz."""
    forms = [await open_form(bot) for _ in range(5)]
    before = len(bot.standin.calls_to("chat.postMessage"))
    proxy.freeze()
    frozen_at = time.monotonic()
    try:
        async with bot.health_watch() as health:
            load = asyncio.create_task(send_adds(bot, "frozen", 20, stagger=0.2))
            submitted = await asyncio.gather(*(bot.post(form) for form in forms))
            asked = await ask_in_dm(bot, 5)
            await asyncio.sleep(max(0.0, FROZEN_SECONDS - (time.monotonic() - frozen_at)))
            heard = len(bot.standin.calls_to("chat.postMessage")) - before
        proxy.thaw()
        sent = await load
    finally:
        proxy.thaw()
    row = await score_adds(Row("PostgreSQL frozen 10 s"), bot, reading_url, "frozen", sent)
    row.worst_ack = max([row.worst_ack, *(a.seconds for a in submitted + asked)])
    row.worst_health = max(health, default=None)
    row.note = (f"{heard} of {len(asked)} DM questions answered while frozen; forms acked "
                f"within {max(a.seconds for a in submitted) * 1000:.0f} ms")
    return row


async def gone(bot: Bot, reading_url: str, proxy: Proxy) -> Row:
    """The proxy killed: connections reset, new ones refused; then started again."""
    proxy.kill()
    try:
        sent = await send_adds(bot, "gone", 10)
    finally:
        proxy.start()
    await asyncio.sleep(0.5)
    row = await score_adds(Row("PostgreSQL gone, then back"), bot, reading_url, "gone", sent)
    row = await score_adds(row, bot, reading_url, "back", await send_adds(bot, "back", 5))
    row.note = "10 adds while it was gone, then 5 once it was back"
    return row


async def open_form(bot: Bot) -> slack.SlackRequest:
    """`/retro` alone: the log form, submitted with a text."""
    before = len(bot.standin.calls_to("views.open"))
    await bot.post(bot.command("/retro", "")[0])
    opened = (await bot.standin.wait_for("views.open", before + 1, timeout=30))[-1]
    values = {"text": {"text": {"type": "plain_text_input",
                                "value": f"frozen-form-{before}"}}}
    return slack.view_submission(bot.actor, opened.response["view"], values)


async def ask_in_dm(bot: Bot, count: int) -> list[Sent]:
    dm = slack.Actor(channel_id="D0001")
    return [await bot.post(slack.event_callback(
        dm, slack.message_event(dm, f"how do we avoid lock-in {n}", channel_type="im")))
        for n in range(count)]


# ---------------------------------------------------------------------- running


FAST: list[Scenario] = [malformed, replays, event_retries, hostile_parse, cut_posts]
FULL: list[Scenario] = [*FAST, rate_limit_storm, slow_slack, kill_mid_load]


async def on_database(label: str, database: str, reading_url: str,
                      scenarios: list[Scenario], proxy: Proxy | None = None) -> list[Row]:
    standin = SlackStandIn()
    await standin.start()
    serve = Serve(database, standin.api_url)
    await serve.start()
    rows = []
    try:
        async with aiohttp.ClientSession() as session:
            bot = Bot(serve, standin, session)
            runs: list[Callable[[], Awaitable[Row]]] = [
                lambda scenario=scenario: scenario(bot, reading_url) for scenario in scenarios]
            if proxy is not None:
                runs += [lambda: frozen(bot, reading_url, proxy),
                         lambda: gone(bot, reading_url, proxy)]
            for scenario_run in runs:
                before = serve.tracebacks()
                row = await scenario_run()
                row.tracebacks = serve.tracebacks() - before  # this scenario's own
                rows.append(row)
                standin.faults = Faults()  # what a scenario asked for and did not use ends
    finally:
        serve.stop()
        await standin.stop()
    for row in rows:
        row.scenario = f"{label}: {row.scenario}"
    return rows


def broken(row: Row) -> list[str]:
    """The promises `row` breaks."""
    found = []
    if row.lost or row.duplicates or row.doubles or row.tracebacks:
        found.append("lost, duplicated, answered twice or traced back")
    if row.worst_ack >= SLACKS_WINDOW:
        found.append(f"an ack took {row.worst_ack:.1f} s")
    if row.worst_health is not None and row.worst_health >= HEALTH_LIMIT:
        found.append(f"/healthz took {row.worst_health:.1f} s")
    if row.acked < row.requests and "kill" not in row.scenario and "gone" not in row.scenario:
        found.append(f"{row.requests - row.acked} request(s) not acked")
    return found


async def run(fast: bool) -> list[Row]:
    scenarios = FAST if fast else FULL
    with tempfile.TemporaryDirectory(prefix="principlebot-faults-") as folder:
        sqlite = f"sqlite:///{Path(folder) / 'faults.db'}"
        rows = await on_database("SQLite", sqlite, sqlite, scenarios)
    postgres = os.environ.get("TEST_DATABASE_URL", "").strip()
    if postgres and not fast:
        rows += await on_postgresql(postgres, scenarios)
    return rows


async def on_postgresql(url: str, scenarios: list[Scenario]) -> list[Row]:
    from tests.utils.databases import empty_postgresql_schema

    await empty_postgresql_schema(url)  # raises, loudly, when TEST_DATABASE_URL is unreachable
    parsed = make_url(async_url(url))
    proxy = Proxy(f"{parsed.host or '127.0.0.1'}:{parsed.port or 5432}")
    proxy.start()
    try:
        proxied = parsed.set(host="127.0.0.1", port=proxy.port)
        return await on_database("PostgreSQL", proxied.render_as_string(hide_password=False),
                                 url, scenarios, proxy)
    finally:
        proxy.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description="principlebot under hostile and faulty "
                                                 "conditions")
    parser.add_argument("--fast", action="store_true", help="the quick scenarios only")
    args = parser.parse_args()
    rows = asyncio.run(run(args.fast))
    print(table(rows))
    failures = [f"{row.scenario}: {problem}" for row in rows for problem in broken(row)]
    for failure in failures:
        print(f"BROKEN {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
