"""Clicks on retro messages: Done/Reopen, Log an action, More, Change tags, Delete my data, and
the message shortcut that turns a message into an action."""

from __future__ import annotations

import logging
from typing import Any

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
from handlers.kit.context import services_of, team_of
from handlers.kit.markup import plain_text
from handlers.kit.replies import api_error, open_modal, tell
from handlers.kit.text import truncate
from handlers.retro import views
from handlers.retro.modals import LOG_FORM_FAILED, log_modal, tags_modal

logger = logging.getLogger("principlebot")

FORM_FAILED = "I couldn't open the form; please try again."


def scope_from_value(body: dict[str, Any], context: AsyncBoltContext,
                     value: str) -> tuple[Scope, int]:
    """A button value "C123:42" -> the action's scope (in the clicker's workspace) and number.
    A button in a channel's message acts on that channel's actions only."""
    channel, number = views.read_action_value(value)
    container = body.get("container") or {}
    if container.get("type") == "message" and container.get("channel_id") not in (None, channel):
        raise RetroNotFound("That action belongs to another channel.")
    return Scope(team_of(context), channel), number


def list_message(page: Page, status: str, principle: int | None, owner: str | None,
                 services: Services) -> dict[str, Any]:
    """A page of `/retro list`, with the More button's value for the next page."""
    title = f"Retro actions: {status}" + (f", principle {principle}" if principle else "")
    more = views.list_more_value(status, principle, owner, page.offset + len(page.actions))
    return {"text": title, "blocks": views.list_blocks(page, services.index.knowledge,
                                                       title=title, more_value=more)}


async def done_or_reopen(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                         respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    try:
        scope, number = scope_from_value(body, context, action["value"])
        updated = await services.retro.set_done(scope, number, action["action_id"] == views.DONE)
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=context.user_id)
        return
    blocks = views.replace_action(body.get("message", {}).get("blocks", []), updated,
                                  services.index.knowledge)
    await respond(text=f"#{updated.number} is {updated.status}", blocks=blocks,
                  replace_original=True)


async def log_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                     respond: AsyncRespond, client: AsyncWebClient,
                     context: AsyncBoltContext) -> None:
    await ack()
    modal = log_modal(services_of(context).index.knowledge,
                      metadata={"channel": action["value"]})
    await open_modal(client, body["trigger_id"], modal, respond, failure=LOG_FORM_FAILED)


async def list_more(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                    respond: AsyncRespond, context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    status, principle, owner, offset = views.read_list_more_value(action["value"])
    scope = Scope(team_of(context), body["channel"]["id"])
    page = await services.retro.list_actions(scope, status=status, principle=principle,
                                             owner_id=owner, offset=offset,
                                             limit=views.LIST_PAGE_SIZE)
    await respond(**list_message(page, status, principle, owner, services),
                  replace_original=True)


async def clicked_action(action: dict[str, Any], body: dict[str, Any],
                         respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> RetroAction | None:
    """The stored action a button names, or None once the person has been told why not."""
    try:
        scope, number = scope_from_value(body, context, action["value"])
        return await services_of(context).retro.get(scope, number)
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=context.user_id)
        return None


async def change_tags_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                             respond: AsyncRespond, client: AsyncWebClient,
                             context: AsyncBoltContext) -> None:
    await ack()
    found = await clicked_action(action, body, respond, client, context)
    if found is None:
        return
    await open_modal(client, body["trigger_id"],
                     tags_modal(found, services_of(context).index.knowledge),
                     respond, failure=FORM_FAILED)


async def forget_confirmed(ack: AsyncAck, respond: AsyncRespond,
                           context: AsyncBoltContext) -> None:
    await ack()
    services, team, user = services_of(context), team_of(context), context.user_id or ""
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
    channel = body["channel"]["id"]
    message = body.get("message", {})
    text = plain_text(message.get("text") or "")
    permalink = None
    try:
        found = await client.chat_getPermalink(channel=channel, message_ts=message.get("ts", ""))
        permalink = found.get("permalink")
    except SlackApiError as error:
        logger.info("no permalink: %s", api_error(error))
    modal = log_modal(services.index.knowledge,
                      metadata={"channel": channel, "permalink": permalink or ""},
                      text=truncate(text, MAX_TEXT), proposed=services.retro.propose_tags(text),
                      permalink=permalink)
    await open_modal(client, body["trigger_id"], modal, respond, failure=LOG_FORM_FAILED)
