"""The one global error handler: a listener that raises still answers Slack, and the person
hears that something went wrong, once, in true words: a replayed request is answered with
nothing; a database failure says whether anything was done; a Slack call whose outcome is
unknown (a timeout, a connection broken after sending) is not contradicted with "Sorry": Slack
may well have done it.

When a listener raises after acking, Bolt hands this handler no response and clears the ack it
had recorded; the listener runner (bot/runtime/acks.py) still answers with the ack given.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.deliveries import Replayed
from handlers.kit.answering import database_failure
from handlers.kit.replies import SORRY, error_text, tell

logger = logging.getLogger("principlebot")

SAVE_FAILED = "Sorry, I couldn't save this. Please try again."
# Events a person sent the bot: only these deserve a reply when handling them failed.
PERSONAL_EVENTS = frozenset({"message", "app_mention"})


async def on_listener_error(error: Exception, request: AsyncBoltRequest,
                            response: BoltResponse | None, body: dict[str, Any],
                            client: AsyncWebClient) -> BoltResponse | None:
    """Bolt's error handler: log, answer Slack if nobody has, tell the person."""
    message = _what_to_say(error, body)
    context = request.context
    ack = context.ack
    if ack.response is None:
        answer = _failure_answer(body, message) if message else None
        if answer is not None:
            return answer
        if message:
            await _tell(message, body, request, client)
        return BoltResponse(status=200, body="")
    if message:
        await _tell(message, body, request, client)
    if response is not None:
        # Bolt marked the finished request 500; the ack already given stands.
        return BoltResponse(status=ack.response.status, body=ack.response.body,
                            headers=ack.response.headers)
    return None


def _what_to_say(error: Exception, body: dict[str, Any]) -> str | None:
    """Log the failure; what to tell the person, or None to stay silent."""
    if isinstance(error, Replayed):
        logger.info("a repeat of an earlier request (%s): nothing done again", _kind(body))
        return None
    if isinstance(error, aiohttp.ClientError):
        logger.warning("a Slack call on %s ended without an answer (%r): it may have been "
                       "carried out, so nothing contradicts it", _kind(body), error)
        return None
    database = database_failure(error)
    if database is not None:
        logger.warning("listener failed on %s: the database: %r", _kind(body), error)
        return database
    logger.error("listener failed on %s", _kind(body), exc_info=error)
    return SORRY


def _failure_answer(body: dict[str, Any], message: str) -> BoltResponse | None:
    """The ack that says it failed, where the ack can say it: a slash command's ephemeral
    reply, or a modal kept open with the error on its first field (what was typed stays)."""
    if body.get("command"):
        return _json({"response_type": "ephemeral", "text": error_text(message)})
    if body.get("type") == "view_submission":
        inputs = [b["block_id"] for b in body.get("view", {}).get("blocks", [])
                  if b.get("type") == "input" and b.get("block_id")]
        if inputs:
            failed = SAVE_FAILED if message == SORRY else message
            return _json({"response_action": "errors", "errors": {inputs[0]: failed}})
    return None


async def _tell(message: str, body: dict[str, Any], request: AsyncBoltRequest,
                client: AsyncWebClient) -> None:
    context = request.context
    event = body.get("event") or {}
    if event and event.get("type") not in PERSONAL_EVENTS:
        return  # opening a tab is not something to apologise for
    await tell(message, respond=context.respond if context.response_url else None,
               client=client, user_id=context.user_id)


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload),
                        headers={"content-type": "application/json;charset=utf-8"})


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("command") or (body.get("event") or {}).get("type")
               or body.get("type") or "a request")
