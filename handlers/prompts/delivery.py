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
from handlers.kit.delivery import NOT_INSTALLED, PAUSE_REASONS, pause_notifier, retry_after
from handlers.kit.replies import api_error
from handlers.prompts.views import OVERDUE_SHOWN, PROMPT_ACTIONS, weekly_prompt_blocks

logger = logging.getLogger("principlebot")


def make_runner(clients: TeamClients, services: Services,
                sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> Runner:
    """The process's prompt runner, posting with each team's client; `sleep` waits between
    retries."""
    knowledge = services.knowledge

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
        overdue = await services.due_reminders.overdue(
            scope, now.astimezone(schedule.when.zone).date(), limit=OVERDUE_SHOWN)
        blocks = weekly_prompt_blocks(week, open_actions, month, knowledge, prompt,
                                      schedule.channel_id, overdue)
        try:
            await client.chat_postMessage(channel=schedule.channel_id, text="Weekly retro",
                                          blocks=blocks)
            return Delivery(Outcome.POSTED)
        except SlackApiError as error:
            code = api_error(error)
            if code in PAUSE_REASONS:
                return Delivery(Outcome.PAUSE, code)
            logger.warning("weekly prompt for %s failed: %s", schedule.channel_id, code)
            return Delivery(Outcome.RETRY, code, retry_after=retry_after(error))
        except (TimeoutError, aiohttp.ClientError) as error:
            logger.warning("weekly prompt for %s failed: %s", schedule.channel_id, error)
            return Delivery(Outcome.RETRY, type(error).__name__)

    notify_paused = pause_notifier(clients, "weekly retro prompt", "/retro schedule resume")
    return Runner(services.schedules, deliver, notify_paused, clock=services.clock, sleep=sleep)
