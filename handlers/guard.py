"""Keeps a listener's failure from reaching Slack as a lost ack or a silent error.

slack_bolt finds a listener's arguments by inspecting the unwrapped function, so a wrapper made
with functools.wraps still receives `ack`, `respond`, `body` and the rest by name.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.render import error_text

logger = logging.getLogger("principlebot")

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def api_error(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status when the body was not Slack's JSON (a proxy's
    plain-text 502, say)."""
    data = error.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {error.response.status_code}"


def checked_respond(respond: Any) -> Callable[..., Awaitable[Any]]:
    """`respond` that logs a response URL's refusal (expired, used five times, 5xx): the
    Webhook client returns such failures instead of raising them."""

    async def send(*args: Any, **kwargs: Any) -> Any:
        response = await respond(*args, **kwargs)
        if getattr(response, "status_code", 200) != 200:
            logger.warning("response URL refused the message: HTTP %s %s",
                           response.status_code, str(response.body)[:200])
        return response

    return send


async def open_modal(client: Any, trigger_id: str, view: Any, respond: Any,
                     failure: str | None) -> bool:
    """Open a modal. When Slack refuses (an expired trigger, an outage), log it and, given a
    `failure` message, tell the person in an ephemeral reply. True when it opened."""
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as error:
        logger.warning("views.open failed: %s", api_error(error))
        if failure:
            await respond(text=error_text(failure), response_type="ephemeral",
                          replace_original=False)
        return False


async def _ack_failure(ack: Any, body: dict[str, Any]) -> None:
    """Ack a failed request. A modal stays open with the error on its first field, so what
    the person typed is not lost."""
    if body.get("type") == "view_submission":
        inputs = [b["block_id"] for b in body.get("view", {}).get("blocks", [])
                  if b.get("type") == "input" and b.get("block_id")]
        if inputs:
            await ack(response_action="errors",
                      errors={inputs[0]: "Sorry, I couldn't save this. Please try again."})
            return
    await ack()


async def _tell_by_dm(client: Any, body: dict[str, Any]) -> None:
    """Events carry no response URL: a person whose message failed hears it by DM."""
    event = body.get("event") or {}
    user = event.get("user")
    # Only a person's own message deserves a reply; opening a tab does not.
    if client is None or not user or event.get("type") not in {"message", "app_mention"}:
        return
    try:
        await client.chat_postMessage(channel=user, text=error_text(SORRY))
    except Exception:
        logger.warning("could not tell %s about the failure", user, exc_info=True)


def guarded(listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Catch and log anything the listener raises; ack if it had not, and tell the user.
    Also makes the listener's `respond` log refused messages."""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        if kwargs.get("respond") is not None:
            kwargs["respond"] = checked_respond(kwargs["respond"])
        try:
            await listener(**kwargs)
        except Exception:
            logger.exception("listener %s failed", listener.__name__)
            ack = kwargs.get("ack")
            if ack is not None and getattr(ack, "response", None) is None:
                await _ack_failure(ack, kwargs.get("body") or {})
            elif kwargs.get("respond") is None:
                await _tell_by_dm(kwargs.get("client"), kwargs.get("body") or {})
            respond = kwargs.get("respond")
            if respond is not None:
                try:
                    await respond(text=error_text(SORRY), response_type="ephemeral",
                                  replace_original=False)
                except Exception:
                    logger.warning("could not tell the user about the failure", exc_info=True)

    return run
