"""Listeners of the App Home: drawing it when opened, and its Done/Reopen buttons (which
redraw the whole tab: a view has no message to patch)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.coverage import practice_of_the_week
from bot.domain.retro.values import RetroError, RetroNotFound, Scope
from bot.domain.services import Services
from handlers.home import views
from handlers.kit.context import channel_of, services_of, team_of, user_of
from handlers.kit.replies import api_error, tell
from handlers.retro.views import read_action_value

logger = logging.getLogger("principlebot")

COVERAGE_PERIOD = dt.timedelta(weeks=4)


async def publish_home(client: AsyncWebClient, services: Services, team_id: str,
                       user_id: str) -> None:
    """Build and publish a person's Home tab."""
    retro = services.retro
    knowledge = services.knowledge
    actions = await retro.for_person(team_id, user_id, status="open", limit=views.HOME_ACTIONS)
    now = services.clock()
    coverage = await retro.coverage(team_id, since=now - COVERAGE_PERIOD, until=now)
    prompt = practice_of_the_week(knowledge, coverage.least_covered, now)
    try:
        await client.views_publish(user_id=user_id,
                                   view=views.home_view(actions, coverage, knowledge, prompt))
    except SlackApiError as error:
        logger.warning("views.publish failed: %s", api_error(error))


async def home_opened(event: dict[str, Any], client: AsyncWebClient,
                      context: AsyncBoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    await publish_home(client, services_of(context), team_of(context), event["user"])


async def done_or_reopen(ack: AsyncAck, action: dict[str, Any], client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    number = read_action_value(action.get("value") or "")
    # The Home tab shows a person their own actions: the row must say they wrote or own it.
    scope = Scope(team_of(context), channel_of(context), person=user_of(context))
    try:
        if number is None:
            raise RetroNotFound("That action no longer exists.")
        await services.retro.set_done(scope, number, action["action_id"] == views.DONE)
    except RetroError as error:
        await tell(str(error), respond=None, client=client, user_id=context.user_id)
        return
    await publish_home(client, services, team_of(context), context.user_id or "")


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(views.DONE)(done_or_reopen)
    app.action(views.REOPEN)(done_or_reopen)
