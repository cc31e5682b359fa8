"""What a Slack answer means for work no request started (weekly prompts, scheduled stand-ups,
reminders): posted, refused for now (retry), refused until someone acts (pause), or unknown
(a timeout or a 5xx: the post may have gone through, so it is never repeated)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.domain.schedule.firing import Delivery, Outcome
from handlers.kit.clients import TeamClients
from handlers.kit.replies import api_error
from handlers.kit.text import channel_link

logger = logging.getLogger("principlebot")

NOT_INSTALLED = "not_installed"
# Errors that will not go away by retrying: someone has to invite the bot or unarchive.
PAUSE_REASONS = {
    NOT_INSTALLED: "I am no longer installed in the workspace",
    "not_in_channel": "I am not a member of the channel",
    "channel_not_found": "I cannot see the channel (private, or deleted)",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
    "restricted_action": "posting there is restricted",
}
UNCERTAIN_ERRORS = (TimeoutError, aiohttp.ClientError)


class Paused(Protocol):
    @property
    def team_id(self) -> str: ...
    @property
    def channel_id(self) -> str: ...
    @property
    def created_by(self) -> str: ...


def refusal(error: SlackApiError) -> Delivery:
    """Slack's refusal as a delivery: pause where someone has to act, else retry; a 5xx
    answer is uncertain (the post may have been made)."""
    if error.response.status_code >= 500:
        return Delivery(Outcome.UNCERTAIN, api_error(error))
    code = api_error(error)
    if code in PAUSE_REASONS:
        return Delivery(Outcome.PAUSE, code)
    return Delivery(Outcome.RETRY, code, retry_after=retry_after(error))


async def post_for(what: str, post: Awaitable[Any]) -> Delivery:
    """Await a post made for `what` (a log name) and say how it went."""
    try:
        await post
        return Delivery(Outcome.POSTED)
    except SlackApiError as error:
        delivery = refusal(error)
    except UNCERTAIN_ERRORS as error:
        delivery = Delivery(Outcome.UNCERTAIN, type(error).__name__)
    logger.warning("%s: %s (%s)", what, delivery.outcome.value, delivery.reason)
    return delivery


def retry_after(error: SlackApiError) -> float | None:
    """Slack's Retry-After (seconds) on a 429, which a retry must wait at least."""
    headers = {k.lower(): v for k, v in (error.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def pause_notifier(clients: TeamClients, what: str, resume: str
                   ) -> Callable[[Paused, str], Awaitable[None]]:
    """Tells whoever set a schedule that it was paused, and how to restart it."""

    async def notify(schedule: Paused, reason: str) -> None:
        why = PAUSE_REASONS.get(reason, reason)
        client = await clients.for_team(schedule.team_id)
        if client is None:
            return  # nowhere to tell anyone: the bot left the workspace
        try:
            await client.chat_postMessage(
                channel=schedule.created_by,
                text=(f"I paused the {what} for {channel_link(schedule.channel_id)}: {why}. "
                      "Invite me with `/invite @principlebot` (or unarchive the channel), then "
                      f"type `{resume}` there."))
        except SlackApiError as error:
            logger.warning("could not tell %s about the pause: %s", schedule.created_by,
                           api_error(error))

    return notify
