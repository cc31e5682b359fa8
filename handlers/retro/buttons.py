"""Clicks on retro messages: Done/Reopen, Log an action, More, Change tags, Delete my data, and
the message shortcut that turns a message into an action.

A button's value only names an action's number. Which action a click may reach is decided by
the stored row and the verified request: an action of the channel the click was made in, or
one the clicker wrote or owns (their Home tab, a DM).
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.values import (
    MAX_TEXT,
    Page,
    RetroAction,
    RetroError,
    RetroNotFound,
    Scope,
)
from bot.domain.services import Services
from handlers.kit.context import channel_of, services_of, team_of, user_of
from handlers.kit.forms import open_form
from handlers.kit.markup import plain_text
from handlers.kit.replies import api_error, tell
from handlers.kit.text import truncate
from handlers.retro import views
from handlers.retro.modals import LOG_FORM_FAILED, log_modal, tags_modal

logger = logging.getLogger("principlebot")

FORM_FAILED = "I couldn't open the form; please try again."
GONE = "That action no longer exists."


def clicked(context: AsyncBoltContext, value: str) -> tuple[Scope, int]:
    """Where a click acts (the clicker's team and channel, as Slack says) and the action
    number its button names."""
    number = views.read_action_value(value)
    if number is None:
        raise RetroNotFound(GONE)
    return Scope(team_of(context), channel_of(context), person=user_of(context)), number


def list_message(page: Page, status: str, principle: int | None, owner: str | None,
                 services: Services) -> dict[str, Any]:
    """A page of `/retro list`, with the More button's value for the next page."""
    title = f"Retro actions: {status}" + (f", principle {principle}" if principle else "")
    more = views.list_more_value(status, principle, owner, page.offset + len(page.actions))
    return {"text": title, "blocks": views.list_blocks(page, services.knowledge,
                                                       title=title, more_value=more)}


async def done_or_reopen(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                         respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    try:
        scope, number = clicked(context, action.get("value") or "")
        updated = await services.retro.set_done(scope, number, action["action_id"] == views.DONE)
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=context.user_id)
        return
    blocks = views.replace_action(body.get("message", {}).get("blocks", []), updated,
                                  services.knowledge)
    await respond(text=f"#{updated.number} is {updated.status}", blocks=blocks,
                  replace_original=True)


async def log_button(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                     client: AsyncWebClient, context: AsyncBoltContext) -> None:
    await ack()
    # The action goes to the channel the button was clicked in, whatever its value says.
    await open_form(context, client, body["trigger_id"],
                    log_modal(services_of(context).knowledge), respond=respond,
                    failure=LOG_FORM_FAILED)


async def list_more(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                    context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    status, principle, owner, offset = views.read_list_more_value(action.get("value") or "")
    page = await services.retro.list_actions(Scope(team_of(context), channel_of(context)),
                                             status=status, principle=principle,
                                             owner_id=owner, offset=offset,
                                             limit=views.LIST_PAGE_SIZE)
    await respond(**list_message(page, status, principle, owner, services),
                  replace_original=True)


async def clicked_action(action: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient, context: AsyncBoltContext
                         ) -> RetroAction | None:
    """The stored action a click may reach, or None once the person has been told why not."""
    try:
        scope, number = clicked(context, action.get("value") or "")
        return await services_of(context).retro.get(scope, number)
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=context.user_id)
        return None


async def change_tags_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                             respond: AsyncRespond, client: AsyncWebClient,
                             context: AsyncBoltContext) -> None:
    await ack()
    found = await clicked_action(action, respond, client, context)
    if found is None:
        return
    await open_form(context, client, body["trigger_id"],
                    tags_modal(found, services_of(context).knowledge),
                    subject={"number": str(found.number)}, respond=respond,
                    failure=FORM_FAILED)


async def forget_confirmed(ack: AsyncAck, respond: AsyncRespond,
                           context: AsyncBoltContext) -> None:
    await ack()
    services, team, user = services_of(context), team_of(context), user_of(context)
    deleted, unowned = await services.retro.forget_person(team, user)
    left = await services.participants.forget(team, user)
    await services.due_reminders.forget(team, user)
    stand_ups = f" You left the stand-ups of {left} channel(s)." if left else ""
    await respond(text=f"Done: deleted {deleted} action(s) you wrote; you no longer own "
                       f"{unowned} other(s).{stand_ups}", replace_original=True)


async def log_from_message(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                           respond: AsyncRespond, context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    message = body.get("message", {})
    text = plain_text(message.get("text") or "")
    permalink = await _permalink(client, channel_of(context), str(message.get("ts", "")))
    modal = log_modal(services.knowledge, text=truncate(text, MAX_TEXT),
                      proposed=await services.retro.propose_tags(text),
                      permalink=permalink)
    await open_form(context, client, body["trigger_id"], modal,
                    subject={"permalink": permalink or ""}, respond=respond,
                    failure=LOG_FORM_FAILED)


async def _permalink(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    try:
        found = await client.chat_getPermalink(channel=channel, message_ts=ts)
        return found.get("permalink")
    except SlackApiError as error:
        logger.info("no permalink: %s", api_error(error))
    except (TimeoutError, aiohttp.ClientError) as error:
        logger.info("no permalink: %r", error)
    return None
