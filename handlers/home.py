"""The App Home: a person's open retro actions and their team's coverage by principle."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import render_retro as view
from bot.retro import practice_of_the_week
from handlers.guard import api_error, guarded
from handlers.payload import team_of

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger("principlebot")


async def publish_home(client: AsyncWebClient, services: Services, team_id: str,
                       user_id: str) -> None:
    """Build and publish a person's Home tab."""
    retro = services.retro
    knowledge = services.index.knowledge
    actions = await retro.for_person(team_id, user_id, status="open", limit=view.HOME_ACTIONS)
    now = services.clock()
    coverage = await retro.coverage(team_id, since=now - dt.timedelta(weeks=4), until=now)
    prompt = practice_of_the_week(knowledge, coverage.least_covered, now)
    try:
        await client.views_publish(user_id=user_id,
                                   view=view.home_view(actions, coverage, knowledge, prompt))
    except SlackApiError as error:
        logger.warning("views.publish failed: %s", api_error(error))


def register(app: AsyncApp, services: Services) -> None:
    @app.event("app_home_opened")
    @guarded
    async def home_opened(event: dict[str, Any], body: dict[str, Any],
                          client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        await publish_home(client, services, team_of(body), event["user"])
