"""Submitted retro modals: logging an action, changing its tags. Each answers within Slack's 3
seconds (handlers.kit.answering), errors shown on the field they concern. Where the action goes,
or which action is retagged, comes from the form the bot stored when it opened the modal
(handlers.kit.forms), never from the submission's metadata."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.forms import FormExpired
from bot.domain.retro.values import RetroAction, RetroNotFound, Scope
from handlers.kit.answering import Submitted, answer_submission
from handlers.kit.context import services_of, team_of, user_of
from handlers.kit.forms import form_about, form_of
from handlers.kit.replies import api_error
from handlers.retro import modals, views
from knowledge.models import KnowledgeBase

logger = logging.getLogger("principlebot")


def field_value(values: dict[str, Any], block: str, key: str) -> Any:
    return values.get(block, {}).get(block, {}).get(key)


def on_field(field: str) -> Any:
    """Errors go on `field`, except an expired form, which is said in place of the form."""
    return lambda error: "" if isinstance(error, FormExpired) else field


async def log_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
    services = services_of(context)
    submitted = body["view"]
    values = submitted["state"]["values"]
    text = field_value(values, modals.FIELD_TEXT, "value") or ""
    owner = field_value(values, modals.FIELD_OWNER, "selected_user")
    due_text = field_value(values, modals.FIELD_DUE, "selected_date")
    tags = [o["value"] for o in field_value(values, modals.FIELD_TAGS, "selected_options") or []]
    user = user_of(context)
    try:
        due = dt.date.fromisoformat(due_text) if due_text else None
    except ValueError:
        await ack(response_action="errors", errors={modals.FIELD_DUE: "Pick a date."})
        return

    async def log() -> Submitted:
        form = await form_of(context, submitted)
        added = await services.retro.add(Scope(team_of(context), form.channel_id), user, text,
                                         tags, owner_id=owner, due_date=due,
                                         permalink=form.subject.get("permalink") or None)
        if not added.created:  # the same form again: it was confirmed the first time
            return Submitted()
        action, knowledge = added.action, services.knowledge
        return Submitted(notice=f"Logged #{action.number}.", then=lambda: confirm_by_api(
            client, action, user, f"Logged #{action.number}",
            views.confirmation_blocks(action, knowledge), views.channel_note(action, knowledge)))

    await answer_submission(ack, client, str(submitted.get("id")), log(),
                            on_field(modals.FIELD_TEXT))


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
    tags = [o["value"] for o in
            field_value(submitted["state"]["values"], modals.FIELD_TAGS, "selected_options") or []]
    user = user_of(context)

    async def retag() -> Submitted:
        form, number = await form_about(context, submitted, "number",
                                        RetroNotFound("That action no longer exists."))
        action = await services.retro.change_tags(
            Scope(team_of(context), form.channel_id, person=user), number, tags)
        return Submitted(notice=f"Tags of #{action.number} saved.",
                         then=lambda: _confirm_tags(client, action, user,
                                                    services.knowledge))

    await answer_submission(ack, client, str(submitted.get("id")), retag(),
                            on_field(modals.FIELD_TAGS))


async def _confirm_tags(client: AsyncWebClient, action: RetroAction, user: str,
                        knowledge: KnowledgeBase) -> None:
    try:
        await client.chat_postEphemeral(
            channel=action.channel_id, user=user,
            text=f"Tags of #{action.number}: {views.tags_text(action, knowledge)}")
    except SlackApiError as error:
        logger.info("tag change not confirmed: %s", api_error(error))


