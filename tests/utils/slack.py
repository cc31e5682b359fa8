"""End-to-end harness: the real Bolt app served over HTTP, driven with Slack-signed requests.

The only stand-in is bot.localslack.standin.SlackStandIn, for Slack's own servers (Web API and
response URLs). `BotClient` plays Slack's side of the conversation: it signs and posts requests to
the bot's /slack/events, reads the ack, and checks every message returned in an ack with the
stand-in's Block Kit validation (acks never pass through the stand-in).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import aiohttp

from bot.domain.clock import Clock, utcnow
from bot.localslack import signed_requests as slack
from bot.localslack.standin import RecordedCall, SlackStandIn, message_errors
from bot.runtime.app import close_app
from bot.runtime.backend import Backend, build_backend
from bot.runtime.server import EVENTS_PATH, bound_port, start, web_app
from bot.runtime.settings import Settings
from bot.runtime.startup import ReadyBot, ready_bot
from knowledge.index import PracticeIndex

ACTOR = slack.Actor()
DM_ACTOR = slack.Actor(channel_id="D0001", channel_name="direct message")
BOT_USER = "UBOT"  # the stand-in's bot user id, which auth.test reports
BOT_ID = "BBOT"

LIVE_MARKUP = re.compile(r"<[@!#]|<https?://")


@dataclass
class Reply:
    """What the bot answered on the HTTP request itself (the ack)."""

    status: int
    raw: str
    body: Any = None  # the parsed JSON body, or None when empty or not JSON


@dataclass
class BotClient:
    """Slack's side of the HTTP conversation with one running bot."""

    url: str
    secret: str
    double: SlackStandIn
    session: aiohttp.ClientSession
    actor: slack.Actor = field(default_factory=lambda: ACTOR)
    # The ack of each command, by the command's response URL: what the person saw first.
    acks: dict[str, Reply] = field(default_factory=dict)

    async def send(self, request: slack.SlackRequest, *, secret: str | None = None,
                   timestamp: int | None = None, retry_num: int | None = None) -> Reply:
        """Post a signed request (with `secret` instead of the bot's to sign it wrongly)."""
        headers = request.headers(secret or self.secret, timestamp=timestamp,
                                  retry_num=retry_num)
        async with self.session.post(self.url, data=request.body.encode(),
                                     headers=headers) as response:
            raw = await response.text()
            status = response.status
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if isinstance(body, dict) and "blocks" in body:
            errors = message_errors(body)
            assert not errors, f"the ack carries a message Slack would reject: {errors}"
        return Reply(status, raw, body)

    async def post_raw(self, body: bytes, headers: dict[str, str]) -> Reply:
        """Post exactly these bytes and headers (a malformed or forged request)."""
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return Reply(response.status, await response.text())

    def signed_headers(self, body: bytes, content_type: str,
                       timestamp: str | None = None) -> dict[str, str]:
        """Slack's headers for `body`, signed with the bot's secret (any bytes, any stamp)."""
        stamp = timestamp if timestamp is not None else str(int(time.time()))
        mac = hmac.new(self.secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={mac.hexdigest()}"}

    async def command(self, text: str, command: str = "/principles",
                      actor: slack.Actor | None = None) -> tuple[Reply, str]:
        """Run a slash command; returns the ack and the response URL Slack gave the command."""
        response_url = self.double.response_url()
        request = slack.slash_command(actor or self.actor, command, text, response_url)
        reply = await self.send(request)
        self.acks[response_url] = reply
        return reply, response_url

    async def answer(self, text: str) -> dict[str, Any]:
        """`/principles text`, checked to be acknowledged with a message; that message."""
        reply, _ = await self.command(text)
        assert reply.status == 200, reply.raw
        assert isinstance(reply.body, dict) and reply.body.get("blocks"), reply.raw
        return reply.body

    async def click(self, button: dict[str, Any], response_url: str, *,
                    message: dict[str, Any] | None = None, is_ephemeral: bool = True,
                    actor: slack.Actor | None = None) -> tuple[Reply, str]:
        """Click a button (from `button_action`) in a message; returns the ack and trigger_id."""
        request = slack.block_actions(actor or self.actor, button, response_url=response_url,
                                      message=message, is_ephemeral=is_ephemeral)
        return await self.send(request), interactive_payload(request)["trigger_id"]

    async def healthz(self) -> float:
        """Seconds a GET /healthz of the same server takes (it must answer 200)."""
        started = time.monotonic()
        async with self.session.get(self.url.replace(EVENTS_PATH, "/healthz")) as answer:
            assert answer.status == 200
        return time.monotonic() - started

    async def event(self, event: dict[str, Any], *, event_id: str | None = None,
                    retry_num: int | None = None, actor: slack.Actor | None = None) -> Reply:
        request = slack.event_callback(actor or self.actor, event, event_id)
        return await self.send(request, retry_num=retry_num)


# ---------------------------------------------------------------------- reading requests


def interactive_payload(request: slack.SlackRequest) -> dict[str, Any]:
    """The `payload` of an interactive request, as the bot will read it."""
    return json.loads(parse_qs(request.body)["payload"][0])


def old_timestamp() -> int:
    """A request timestamp six minutes in the past (Slack's window is five)."""
    return int(time.time()) - 6 * 60


# ---------------------------------------------------------------------- reading messages


def shown_texts(payload: Any) -> list[str]:
    """Every piece of text Slack would display for a message or view: the top-level `text`
    and every text object (mrkdwn or plain_text) at any depth. Button values are not shown."""
    found: list[str] = []
    if isinstance(payload, dict) and isinstance(payload.get("text"), str):
        found.append(payload["text"])

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload.get("blocks", []) if isinstance(payload, dict) else payload)
    if isinstance(payload, dict):
        for key in ("title", "submit", "close"):
            walk(payload.get(key))
    return found


def shown(payload: Any) -> str:
    return "\n".join(shown_texts(payload))


def live_markup(payload: Any, allowed: tuple[str, ...] = ()) -> list[str]:
    """Texts that contain live Slack markup: <!channel>, <@U..>, <#C..>, <http...>, other than
    the `allowed` pieces the bot writes itself (the asker's own mention)."""
    found = []
    for text in shown_texts(payload):
        for piece in allowed:
            text = text.replace(piece, "")
        if LIVE_MARKUP.search(text):
            found.append(text)
    return found


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every button, in display order."""
    found = []
    for block in blocks:
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        found += [(block.get("block_id", ""), e) for e in elements if e.get("type") == "button"]
    return found


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    return [element["text"]["text"] for _, element in buttons(blocks)]


def button_action(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """The action Slack sends when the button whose label starts with `label` is clicked."""
    matching = [(block_id, e) for block_id, e in buttons(blocks)
                if e["text"]["text"].startswith(label)]
    assert len(matching) == 1, f"{len(matching)} {label!r} buttons in {button_labels(blocks)}"
    block_id, element = matching[0]
    action = {"type": "button", "action_id": element["action_id"], "block_id": block_id,
              "text": element["text"]}
    if "value" in element:
        action["value"] = element["value"]
    return action


def best_practice(payload: dict[str, Any]) -> str:
    """The id of the practice an answer names first (its first `*N.M Title*` section)."""
    for block in payload.get("blocks", []):
        if block.get("type") == "section":
            found = re.match(r"\*(\d+\.\d+) ", block.get("text", {}).get("text", ""))
            if found:
                return found.group(1)
    raise AssertionError(f"no practice named in {shown(payload)!r}")


def answers_posted(double: SlackStandIn) -> list[RecordedCall]:
    return double.calls_to("chat.postMessage")


@dataclass
class Served:
    """A bot served on loopback as `principlebot serve` runs it."""

    base: str  # http://127.0.0.1:PORT
    ready: ReadyBot
    backend: Backend


@contextlib.asynccontextmanager
async def serving(settings: Settings, index: PracticeIndex,
                  clock: Clock | None = None) -> AsyncIterator[Served]:
    """Services prepared, credentials checked or installations opened (ready_bot), the HTTP
    server on loopback, as `principlebot serve` does; `clock` for the services."""
    backend = build_backend(settings, index, clock=clock or utcnow)
    await backend.prepare()
    runner = ready = None
    try:
        ready = await ready_bot(settings, backend)
        runner = await start(web_app(ready.app, backend.health), "127.0.0.1", 0)
        yield Served(f"http://127.0.0.1:{bound_port(runner)}", ready, backend)
    finally:
        if runner is not None:
            await runner.cleanup()
        if ready is not None:
            await close_app(ready.app)
        await backend.close()


@contextlib.asynccontextmanager
async def serving_bot(double: SlackStandIn, index: PracticeIndex, database_url: str,
                      secret: str | None = None) -> AsyncIterator[BotClient]:
    """The bot as `principlebot serve` runs it, for one workspace (SLACK_BOT_TOKEN), on
    `database_url`, Slack's side played by `double`; yields a BotClient.
    Two of these on one database with one secret are two replicas of one Slack app."""
    secret = secret or secrets.token_hex(16)
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=secret,
                        slack_api_url=double.api_url, database_url=database_url)
    async with serving(settings, index) as served, aiohttp.ClientSession() as session:
        yield BotClient(served.base + EVENTS_PATH, secret, double, session)
        await double.settle(quiet=0.05)
