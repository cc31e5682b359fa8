"""Requests turned away before any listener reads them, whatever feature they are for: a
command's text past Slack's limit, and typed text or values no database can keep (a NUL byte,
half of a surrogate pair) anywhere in a command, a click or a form. The person gets one line
saying what to do instead (a form keeps what was typed, the line on the field concerned);
nothing is parsed, stored or sent on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from slack_bolt.response import BoltResponse

from bot.domain.ids import UNSTORABLE, is_storable
from handlers.kit.parsing import too_long
from handlers.kit.replies import error_text

logger = logging.getLogger("principlebot")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _unstorable_field(values: dict[str, Any]) -> str | None:
    """The block id of the first form field holding unstorable text."""
    for block_id, inputs in values.items():
        if not all(is_storable(text) for text in _strings(inputs)):
            return str(block_id)
    return None


def refusal(body: dict[str, Any]) -> BoltResponse | None:
    """The answer turning this request away, or None to let it through."""
    if body.get("command"):
        text = str(body.get("text") or "")
        problem = too_long(text) or (None if is_storable(text)
                                     else f"I can't read that: {UNSTORABLE}.")
        return _json({"response_type": "ephemeral", "text": error_text(problem)}
                     ) if problem else None
    if body.get("type") == "view_submission":
        values = (body.get("view") or {}).get("state", {}).get("values") or {}
        field = _unstorable_field(values) if isinstance(values, dict) else None
        if field is not None:
            return _json({"response_action": "errors",
                          "errors": {field: f"I can't save this: {UNSTORABLE}."}})
    if body.get("type") == "block_actions" and not all(
            is_storable(text) for text in _strings(body.get("actions"))):
        return BoltResponse(status=200, body="")  # no button of the bot's carries such text
    return None


async def screen(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> Any:
    """Global middleware: answer a request that cannot be carried out, else go on."""
    answer = refusal(body)
    if answer is None:
        return await next()
    logger.info("turned away a %s: its text cannot be read or stored",
                body.get("command") or body.get("type") or "request")
    return answer


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload),
                        headers={"content-type": "application/json;charset=utf-8"})
