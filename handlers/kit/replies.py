"""One way to tell a person something: a short failure line, sent privately where they are.

A slash command or a click has a response URL: the reply is ephemeral there. An event (a DM, a
mention) has none: the person hears it by DM. Domain errors carry plain words; a feature adds
what to type instead through `explain`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from handlers.kit import limits
from handlers.kit.text import escape, truncate

logger = logging.getLogger("principlebot")

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def error_text(message: str) -> str:
    """A short, user-facing failure line (never a stack trace). Messages may quote what the
    user typed, so they are escaped here, once, for every caller."""
    return f":warning: {escape(truncate(message, limits.SECTION_TEXT - 500))}"


def explain(error: DomainError, hints: Mapping[type[DomainError], str]) -> str:
    """The error's own words, then what to do instead (the first hint whose type matches)."""
    hint = next((text for kind, text in hints.items() if isinstance(error, kind)), "")
    return f"{error} {hint}".strip()


def api_error(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status when the body was not Slack's JSON (a proxy's
    plain-text 502, say)."""
    data = error.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {error.response.status_code}"


async def tell(message: str, *, respond: AsyncRespond | None, client: AsyncWebClient | None,
               user_id: str | None) -> None:
    """Tell the person `message` as a failure line: ephemeral where the request has a response
    URL, else by DM. Never raises: this is the last thing a failing request does."""
    text = error_text(message)
    try:
        if respond is not None and respond.response_url:
            await respond(text=text, response_type="ephemeral", replace_original=False)
        elif client is not None and user_id:
            await client.chat_postMessage(channel=user_id, text=text)
        else:
            logger.warning("nobody to tell: %s", message)
    except Exception:
        logger.warning("could not tell %s: %s", user_id or "the user", message, exc_info=True)


async def open_modal(client: AsyncWebClient, trigger_id: str, view: Any,
                     respond: AsyncRespond | None, failure: str | None) -> bool:
    """Open a modal. When Slack refuses (an expired trigger, an outage), log it and, given a
    `failure` message, tell the person in an ephemeral reply. True when it opened."""
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as error:
        logger.warning("views.open failed: %s", api_error(error))
        if failure:
            await tell(failure, respond=respond, client=None, user_id=None)
        return False
