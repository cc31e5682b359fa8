"""Changing retro actions from Slack: `/retro assign|due|edit|delete`, the Edit and Delete
buttons of a listed action, the edit modal, and Undo.

Who may change an action comes from the stored action (its author or owner) and the verified
request's user, never from a button value, which only names the action; the edit modal's action
is the one stored with its form (handlers.kit.forms). Commands answer in their ack
(handlers.kit.answering).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.forms import FormExpired
from bot.domain.ids import row_number
from bot.domain.retro.editing import KEEP, Changes
from bot.domain.retro.values import (
    RetroAction,
    RetroError,
    RetroNotFound,
    RetroPastDate,
    Scope,
)
from bot.domain.schedule.datewords import DATE_FORMS, DateInputError, parse_date
from bot.domain.services import Services
from handlers.kit.answering import Reply, Submitted, answer_submission
from handlers.kit.context import services_of, team_of, user_of
from handlers.kit.forms import form_about, open_form
from handlers.kit.people import is_user_id, user_zone
from handlers.kit.replies import tell
from handlers.kit.text import mention
from handlers.retro import modals, views
from handlers.retro.buttons import FORM_FAILED, GONE, clicked, clicked_action
from handlers.retro.submissions import confirm_by_api, field_value

logger = logging.getLogger("principlebot")

HINTS = {DateInputError: f"Dates: {DATE_FORMS}."}


def what_changed(action: RetroAction, verb: str) -> str:
    if verb == "assign":
        return f"owner {mention(action.owner_id)}" if action.owner_id else "no owner"
    if verb == "due":
        return f"due {action.due_date.isoformat()}" if action.due_date else "no due date"
    return "new text" if verb == "edit" else "edited"


async def change_by_command(services: Services, scope: Scope, user: str, verb: str,
                            number: int, value: str | None, unset: bool,
                            client: AsyncWebClient, respond: AsyncRespond) -> Reply:
    """`/retro assign|due|edit N ...`, confirmed like an add: to the person, then in the
    channel."""
    editor = services.retro_edits
    if verb == "assign":
        action = await editor.assign(scope, number, user, None if unset else value)
    elif verb == "due":
        zone = await user_zone(client, user)
        due = None if unset else parse_date(value or "", editor.today(zone))
        action = await editor.set_due(scope, number, user, due, zone)
    else:
        action = await editor.edit(scope, number, user, Changes(text=value or ""))
    what = what_changed(action, verb)
    knowledge = services.knowledge

    async def note_in_channel() -> None:
        await respond(text=views.change_note(action, user, what), response_type="in_channel",
                      replace_original=False)

    return Reply({"text": f"Changed #{action.number}",
                  "blocks": views.change_blocks(action, knowledge, f"Changed ({what})")},
                 note_in_channel)


async def delete_by_command(services: Services, scope: Scope, user: str,
                            number: int) -> Reply:
    action, undo_key = await services.retro.delete(scope, number, user)
    return Reply({"text": f"Deleted #{action.number}",
                  "blocks": views.deleted_blocks(action, undo_key)})


async def edit_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                      respond: AsyncRespond, client: AsyncWebClient,
                      context: AsyncBoltContext) -> None:
    await ack()
    found = await clicked_action(action, respond, client, context)
    if found is None:
        return
    if context.user_id not in (found.author_id, found.owner_id):
        await tell(f"Only the author or the owner of #{found.number} can edit it.",
                   respond=respond, client=client, user_id=context.user_id)
        return
    await open_form(context, client, body["trigger_id"],
                    modals.edit_modal(found, services_of(context).knowledge),
                    subject={"number": str(found.number)}, respond=respond,
                    failure=FORM_FAILED)


async def delete_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                        respond: AsyncRespond, client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    try:
        scope, number = clicked(context, action.get("value") or "")
        deleted, undo_key = await services.retro.delete(scope, number, user_of(context))
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=context.user_id)
        return
    blocks = views.without_action(body.get("message", {}).get("blocks", []), deleted,
                                  views.deleted_blocks(deleted, undo_key))
    await respond(text=f"Deleted #{deleted.number}", blocks=blocks, replace_original=True)


async def undo_button(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                      client: AsyncWebClient, context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    undo_key = row_number(str(action.get("value") or ""))
    try:
        if undo_key is None:
            raise RetroNotFound("That Undo is not valid.")
        restored = await services.retro_edits.undo_delete(team_of(context), undo_key,
                                                          user_of(context))
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=context.user_id)
        return
    await respond(text=f"Restored #{restored.number}",
                  blocks=views.change_blocks(restored, services.knowledge, "Restored"),
                  replace_original=True)


def _edit_changes(values: dict[str, Any], current: RetroAction) -> Changes:
    """What the edit modal changes: a field left as it was is kept (an overdue date too)."""
    owner = field_value(values, modals.FIELD_OWNER, "selected_user")
    due_text = field_value(values, modals.FIELD_DUE, "selected_date")
    try:
        due = dt.date.fromisoformat(due_text) if due_text else None
    except ValueError:
        raise RetroPastDate("Pick a date.") from None
    tags = [o["value"] for o in field_value(values, modals.FIELD_TAGS, "selected_options") or []]
    return Changes(
        text=field_value(values, modals.FIELD_TEXT, "value") or "",
        owner_id=owner if is_user_id(owner) else None,
        due_date=KEEP if due == current.due_date else due,
        tags=tags or KEEP)


async def edit_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
    services = services_of(context)
    submitted = body["view"]
    user = user_of(context)

    async def edit() -> Submitted:
        form, number = await form_about(context, submitted, "number", RetroNotFound(GONE))
        scope = Scope(team_of(context), form.channel_id, person=user)
        current = await services.retro.get(scope, number)
        changes = _edit_changes(submitted["state"]["values"], current)
        zone = await user_zone(client, user) if changes.due_date is not KEEP else "UTC"
        action = await services.retro_edits.edit(scope, current.number, user, changes, zone)
        knowledge = services.knowledge
        return Submitted(notice=f"Changed #{action.number}.", then=lambda: confirm_by_api(
            client, action, user, f"Changed #{action.number}",
            views.change_blocks(action, knowledge, "Changed"),
            views.change_note(action, user, "edited")))

    def field(error: Exception) -> str:
        if isinstance(error, FormExpired):
            return ""
        return modals.FIELD_DUE if isinstance(error, RetroPastDate) else modals.FIELD_TEXT

    await answer_submission(ack, client, str(submitted.get("id")), edit(), field)
