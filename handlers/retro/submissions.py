"""Submitted retro modals: logging an action, changing its tags. Each answers the submission
within Slack's 3 seconds, errors shown on the field they concern."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.values import RetroAction, RetroError, RetroInputError, Scope
from handlers.kit.context import services_of, team_of
from handlers.kit.replies import api_error
from handlers.retro import modals, views

logger = logging.getLogger("principlebot")


def field_value(values: dict[str, Any], block: str, key: str) -> Any:
    return values.get(block, {}).get(block, {}).get(key)


async def log_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
    services = services_of(context)
    submitted = body["view"]
    metadata = json.loads(submitted.get("private_metadata") or "{}")
    values = submitted["state"]["values"]
    text = field_value(values, modals.FIELD_TEXT, "value") or ""
    owner = field_value(values, modals.FIELD_OWNER, "selected_user")
    due_text = field_value(values, modals.FIELD_DUE, "selected_date")
    tags = [o["value"] for o in field_value(values, modals.FIELD_TAGS, "selected_options") or []]
    scope = Scope(team_of(context), metadata.get("channel", ""))
    user = context.user_id or ""
    try:
        due = dt.date.fromisoformat(due_text) if due_text else None
    except ValueError:
        await ack(response_action="errors", errors={modals.FIELD_DUE: "Pick a date."})
        return
    try:
        added = await services.retro.add(scope, user, text, tags, owner_id=owner, due_date=due,
                                         permalink=metadata.get("permalink") or None,
                                         request_key=f"view:{submitted.get('id')}")
    except RetroInputError as error:
        await ack(response_action="errors", errors={modals.FIELD_TEXT: str(error)})
        return
    await ack()
    if added.created:
        knowledge = services.index.knowledge
        await confirm_by_api(client, added.action, user, f"Logged #{added.action.number}",
                             views.confirmation_blocks(added.action, knowledge),
                             views.channel_note(added.action, knowledge))


async def confirm_by_api(client: AsyncWebClient, action: RetroAction, user: str, text: str,
                         blocks: list[Block], note: str) -> None:
    """Confirm a saved change to `user` (ephemeral) and note it in the channel."""
    try:
        await client.chat_postEphemeral(channel=action.channel_id, user=user, text=text,
                                        blocks=blocks)
        await client.chat_postMessage(channel=action.channel_id, text=note)
    except SlackApiError as error:
        # The action is saved; say so where the bot can always write: a DM.
        logger.warning("confirmation in channel failed: %s", api_error(error))
        try:
            await client.chat_postMessage(channel=user, text=text, blocks=blocks)
        except SlackApiError:
            logger.warning("could not confirm #%s by DM either", action.number)


async def tags_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
    services = services_of(context)
    submitted = body["view"]
    metadata = json.loads(submitted.get("private_metadata") or "{}")
    tags = [o["value"] for o in
            field_value(submitted["state"]["values"], modals.FIELD_TAGS, "selected_options") or []]
    scope = Scope(team_of(context), str(metadata.get("channel", "")))
    try:
        action = await services.retro.change_tags(scope, int(metadata.get("number", 0)), tags)
    except RetroError as error:
        await ack(response_action="errors", errors={modals.FIELD_TAGS: str(error)})
        return
    await ack()
    try:
        await client.chat_postEphemeral(
            channel=action.channel_id, user=context.user_id,
            text=f"Tags of #{action.number}: {views.tags_text(action, services.index.knowledge)}")
    except SlackApiError as error:
        logger.info("tag change not confirmed: %s", api_error(error))
