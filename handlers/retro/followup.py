"""Following retro actions up outside the channel: the due-date reminder DM (its Done and
"Snooze a week" buttons, which only the action's owner or author may use) and `/retro export`,
which sends the channel's actions to the person who asked as a file in a DM."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.editing import Changes
from bot.domain.retro.export import write_actions
from bot.domain.retro.values import RetroAction, RetroError, RetroNotFound, Scope
from bot.domain.services import Services
from handlers.kit.blocks import button, context, message_blocks, section
from handlers.kit.context import channel_of, services_of, team_of, user_of
from handlers.kit.people import display_name, user_info, user_zone
from handlers.kit.replies import api_error, tell
from handlers.kit.text import channel_link
from handlers.retro import views

logger = logging.getLogger("principlebot")

DUE_DONE = "retro_due_done"
SNOOZE = "retro_due_snooze"
MAX_NAMES = 100  # people looked up for an export; the rest keep only their ids


def due_blocks(actions: list[RetroAction], today: dt.date) -> list[Block]:
    """The due-date reminder: what is due today, then what is overdue, each with Done and
    Snooze."""
    blocks: list[Block] = [section(":alarm_clock: *Your retro actions due today or overdue*")]
    for action in actions[:15]:
        when = ("due today" if action.due_date == today else
                f"overdue since {action.due_date.isoformat() if action.due_date else '?'}")
        blocks.append(section(f"{views.action_summary(action)} in "
                              f"{channel_link(action.channel_id)} \u00b7 {when}"))
        blocks.append(ActionsBlock(block_id=f"retro_due:{views.action_value(action)}",
                                   elements=[
            button("Done", DUE_DONE, views.action_value(action), style="primary"),
            button("Snooze a week", SNOOZE, views.action_value(action)),
        ]))
    blocks.append(context("You get this as the owner (or author) of these actions."))
    return message_blocks(blocks)


async def due_click(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                    client: AsyncWebClient, context: AsyncBoltContext) -> None:
    """Done or "Snooze a week" in the reminder DM (which is not the action's channel): the
    action is found among what the clicker wrote or owns, whatever the button's value says."""
    await ack()
    services = services_of(context)
    user = user_of(context)
    try:
        number = views.read_action_value(action.get("value") or "")
        if number is None:
            raise RetroNotFound("That button is not valid.")
        scope = Scope(team_of(context), channel_of(context), person=user)
        if action["action_id"] == DUE_DONE:
            changed = await services.retro_edits.edit(scope, number, user, Changes(done=True))
            said = f"Done: {views.action_summary(changed)}"
        else:
            changed = await services.retro_edits.snooze(scope, number, user,
                                                        await user_zone(client, user))
            due = changed.due_date.isoformat() if changed.due_date else ""
            said = f"Snoozed {views.action_summary(changed)}: due {due}"
    except RetroError as error:
        await tell(str(error), respond=respond, client=client, user_id=user)
        return
    await respond(text=said, replace_original=False)


async def names_of(client: AsyncWebClient, actions: list[RetroAction]) -> dict[str, str]:
    """Display names of the authors and owners, where Slack tells them."""
    people = sorted({p for a in actions for p in (a.author_id, a.owner_id) if p})[:MAX_NAMES]
    names = {}
    for person in people:
        name = display_name(await user_info(client, person))
        if name:
            names[person] = name
    return names


async def export_by_dm(services: Services, scope: Scope, user: str, fmt: str,
                       client: AsyncWebClient, respond: AsyncRespond) -> None:
    actions = await services.retro.export(team_id=scope.team_id, channel_id=scope.channel_id)
    out = io.StringIO()
    write_actions(actions, fmt, out, names=await names_of(client, actions))
    filename = f"retro-actions-{scope.channel_id}.{fmt}"
    try:
        opened = await client.conversations_open(users=user)
        await client.files_upload_v2(
            channel=opened["channel"]["id"], content=out.getvalue(), filename=filename,
            title=f"Retro actions of #{scope.channel_id}",
            initial_comment=f"The {len(actions)} retro action(s) of "
                            f"{channel_link(scope.channel_id)}, as {fmt.upper()}.")
    except SlackApiError as error:
        logger.warning("export by DM failed: %s", api_error(error))
        await tell("I couldn't send you the file; please try again.", respond=respond,
                   client=None, user_id=None)
        return
    await respond(text=f"Sent you {len(actions)} action(s) by DM as `{filename}`.")
