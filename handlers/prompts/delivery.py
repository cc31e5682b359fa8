"""Posting weekly retro prompts to Slack for the runner of bot.domain.schedule.firing, and
telling the person who set a prompt when it had to be paused."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.domain.retro.coverage import practice_of_the_week
from bot.domain.retro.values import Scope
from bot.domain.schedule.firing import Delivery, Outcome, Runner
from bot.domain.schedule.service import Schedule
from bot.domain.services import Services
from handlers.kit.clients import TeamClients
from handlers.kit.replies import api_error
from handlers.prompts.views import PROMPT_ACTIONS, weekly_prompt_blocks

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


def make_runner(clients: TeamClients, services: Services,
                sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> Runner:
    """The process's prompt runner, posting with each team's client; `sleep` waits between
    retries."""
    knowledge = services.index.knowledge

    async def deliver(schedule: Schedule, now: dt.datetime) -> Delivery:
        client = await clients.for_team(schedule.team_id)
        if client is None:
            return Delivery(Outcome.PAUSE, NOT_INSTALLED)
        scope = Scope(schedule.team_id, schedule.channel_id)
        week = await services.retro.coverage(schedule.team_id, channel_id=schedule.channel_id,
                                             since=now - dt.timedelta(days=7), until=now)
        month = await services.retro.coverage(schedule.team_id, channel_id=schedule.channel_id,
                                              since=now - dt.timedelta(weeks=4), until=now)
        open_actions = await services.retro.list_actions(scope, status="open",
                                                         limit=PROMPT_ACTIONS)
        prompt = practice_of_the_week(knowledge, month.least_covered, now)
        blocks = weekly_prompt_blocks(week, open_actions, month, knowledge, prompt,
                                      schedule.channel_id)
        try:
            await client.chat_postMessage(channel=schedule.channel_id, text="Weekly retro",
                                          blocks=blocks)
            return Delivery(Outcome.POSTED)
        except SlackApiError as error:
            code = api_error(error)
            if code in PAUSE_REASONS:
                return Delivery(Outcome.PAUSE, code)
            logger.warning("weekly prompt for %s failed: %s", schedule.channel_id, code)
            return Delivery(Outcome.RETRY, code, retry_after=_retry_after(error))
        except (TimeoutError, aiohttp.ClientError) as error:
            logger.warning("weekly prompt for %s failed: %s", schedule.channel_id, error)
            return Delivery(Outcome.RETRY, type(error).__name__)

    async def notify_paused(schedule: Schedule, reason: str) -> None:
        why = PAUSE_REASONS.get(reason, reason)
        client = await clients.for_team(schedule.team_id)
        if client is None:
            return  # nowhere to tell anyone: the bot left the workspace
        try:
            await client.chat_postMessage(
                channel=schedule.created_by,
                text=(f"I paused the weekly retro prompt for <#{schedule.channel_id}>: {why}. "
                      "Invite me with `/invite @principlebot` (or unarchive the channel), then "
                      "type `/retro schedule resume` there."))
        except SlackApiError as error:
            logger.warning("could not tell %s about the pause: %s", schedule.created_by,
                           api_error(error))

    return Runner(services.schedules, deliver, notify_paused, clock=services.clock, sleep=sleep)


def _retry_after(error: SlackApiError) -> float | None:
    """Slack's Retry-After (seconds) on a 429, which a retry must wait at least."""
    headers = {k.lower(): v for k, v in (error.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
