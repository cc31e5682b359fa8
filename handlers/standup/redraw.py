"""Redrawing a stand-up's shared message after a change, from what is stored. Whether to post
at all, and again, is the domain's (bot.domain.standup.drawing): however many bot processes
redraw at once, the last drawing Slack carries out shows the last committed state."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.services import Services
from bot.domain.standup.values import Summary
from handlers.kit.delivery import UNCERTAIN_ERRORS
from handlers.kit.replies import api_error
from handlers.standup import views

logger = logging.getLogger("principlebot")


async def redraw(client: AsyncWebClient, services: Services, team_id: str, run_id: int,
                 revision: int, seen_ts: str | None = None) -> None:
    """Redraw the message after the change that made `revision`; `seen_ts` is the message a
    click came from, which teaches the run its message when the post's answer was lost."""

    async def draw(summary: Summary) -> None:
        try:
            await client.chat_update(channel=summary.run.channel_id,
                                     ts=str(summary.run.message_ts),
                                     text=views.run_text(summary),
                                     blocks=views.run_blocks(summary))
        except SlackApiError as error:
            logger.warning("could not redraw stand-up %s: %s", run_id, api_error(error))
        except UNCERTAIN_ERRORS as error:
            # It may have been carried out, late: the redraw goes on, and posts the newest
            # state again if a newer drawing was claimed meanwhile.
            logger.warning("stand-up %s: Slack did not answer a redraw (%s)", run_id,
                           type(error).__name__)

    await services.standups.redraw(team_id, run_id, revision, draw, seen_ts=seen_ts)
