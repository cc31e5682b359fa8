"""Retro actions from Slack: /retro, its buttons, the log and tag modals, the message shortcut.

The slash command acks at once and answers through the response URL once the database has
committed, so a confirmation always describes a saved action.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import render_retro as view
from bot.render import error_text, truncate
from bot.retro import RetroAction, RetroError, RetroInputError, RetroNotFound, Scope, Tag
from bot.schedule import ScheduleError, parse_weekly_time
from handlers.guard import api_error, guarded, open_modal
from handlers.home import publish_home
from handlers.payload import team_of
from handlers.retro_command import RetroCommand, parse_retro_command
from handlers.slack_text import plain_text
from knowledge.models import KnowledgeBase

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger("principlebot")


def scope_from_value(body: dict[str, Any], value: str) -> tuple[Scope, int]:
    """A button value "C123:42" -> the action's scope (in the clicker's workspace) and number.
    A button in a channel's message acts on that channel's actions only."""
    channel, _, number = value.partition(":")
    container = body.get("container") or {}
    if container.get("type") == "message" and container.get("channel_id") not in (None, channel):
        raise RetroNotFound("That action belongs to another channel.")
    return Scope(team_of(body), channel), int(number)


def register(app: AsyncApp, services: Services) -> None:
    retro = services.retro
    knowledge = services.index.knowledge

    @app.command("/retro")
    @guarded
    async def retro_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                            client: AsyncWebClient) -> None:
        parsed = parse_retro_command(command.get("text") or "")
        if parsed.verb == "help":
            await ack(text="How to use /retro", blocks=view.help_blocks())
            return
        if parsed.verb == "unknown":
            await ack(text=error_text(f"{parsed.text} `/retro help` lists what I can do."))
            return
        await ack()
        scope = Scope(command["team_id"], command["channel_id"])
        user = command["user_id"]
        try:
            await _run(parsed, scope, user, command, respond, client)
        except (RetroError, ScheduleError) as error:
            await respond(text=error_text(str(error)), response_type="ephemeral")

    async def _run(parsed: RetroCommand, scope: Scope, user: str, command: dict[str, Any],
                   respond: AsyncRespond, client: AsyncWebClient) -> None:
        if parsed.verb == "add":
            added = await retro.add(scope, user, parsed.text, parsed.tags,
                                    owner_id=parsed.user_id)
            await _confirm_by_response_url(added.action, respond)
        elif parsed.verb == "list":
            await respond(**_list_message(scope, await retro.list_actions(
                scope, status=parsed.status, principle=parsed.principle,
                owner_id=parsed.user_id, limit=view.LIST_PAGE_SIZE), parsed.status,
                parsed.principle, parsed.user_id))
        elif parsed.verb in {"done", "reopen"}:
            action = await retro.set_done(scope, parsed.number or 0, parsed.verb == "done")
            await respond(text=f"{'Done' if action.status == 'done' else 'Reopened'}: "
                               f"#{action.number}",
                          blocks=view.action_blocks(action, knowledge))
        elif parsed.verb == "delete":
            action = await retro.delete(scope, parsed.number or 0, user)
            await respond(text=f"Deleted {view.action_summary(action)}")
        elif parsed.verb == "mydata":
            page = await retro.for_person(scope.team_id, user, status="all", limit=20)
            await respond(text="What principlebot holds about you",
                          blocks=view.mydata_blocks(page, knowledge))
        elif parsed.verb == "forget-me":
            authored = await retro.count_authored(scope.team_id, user)
            await respond(text="Delete your data?",
                          blocks=view.forget_confirmation_blocks(authored))
        elif parsed.verb == "schedule":
            await respond(text=await _schedule(scope, user, list(parsed.words), client))
        elif parsed.verb == "modal":
            await open_log_modal(client, command["trigger_id"], respond, knowledge,
                                 {"channel": scope.channel_id})
        else:
            await respond(text=error_text("`/retro help` lists what I can do."))

    async def _schedule(scope: Scope, user: str, words: list[str],
                        client: AsyncWebClient) -> str:
        schedules = services.schedules
        lowered = [w.lower() for w in words]
        if lowered == ["off"]:
            removed = await schedules.remove(scope.team_id, scope.channel_id)
            return ("Weekly retro prompt turned off for this channel." if removed
                    else "This channel has no weekly retro prompt.")
        if lowered in (["resume"], ["on"]):
            found = await schedules.resume(scope.team_id, scope.channel_id)
        elif not words:
            found = await schedules.get(scope.team_id, scope.channel_id)
            if found is None:
                return ("This channel has no weekly retro prompt. Set one with "
                        "`/retro schedule friday 15:30` (your time zone) or "
                        "`/retro schedule fri 3pm Europe/Paris`.")
        else:
            zone = await _user_zone(client, user)
            found = await schedules.set(scope.team_id, scope.channel_id,
                                        parse_weekly_time(words, zone), user)
        next_local = found.next_run_at.astimezone(found.when.zone)
        return view.schedule_text(found.when.describe(),
                                  next_local.strftime("%A %d %B %Y, %H:%M %Z"),
                                  found.paused_reason)

    async def _user_zone(client: AsyncWebClient, user: str) -> str:
        """The person's Slack time zone, the default for a schedule they set."""
        try:
            info = await client.users_info(user=user)
            return str(info["user"].get("tz") or "UTC")
        except SlackApiError as error:
            logger.info("users.info failed, using UTC: %s", api_error(error))
            return "UTC"

    def _list_message(scope: Scope, page: Any, status: str, principle: int | None,
                      owner: str | None) -> dict[str, Any]:
        title = f"Retro actions: {status}" + (f", principle {principle}" if principle else "")
        more = view.list_more_value(status, principle, owner, page.offset + len(page.actions))
        return {"text": title, "blocks": view.list_blocks(page, knowledge, title=title,
                                                          more_value=more)}

    async def _confirm_by_response_url(action: RetroAction, respond: AsyncRespond) -> None:
        await respond(text=f"Logged #{action.number}",
                      blocks=view.confirmation_blocks(action, knowledge),
                      response_type="ephemeral")
        await respond(text=view.channel_note(action, knowledge), response_type="in_channel",
                      replace_original=False)

    @app.action("retro_done")
    @app.action("retro_reopen")
    @guarded
    async def done_or_reopen(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                             respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        try:
            scope, number = scope_from_value(body, action["value"])
            updated = await retro.set_done(scope, number, action["action_id"] == "retro_done")
        except RetroError as error:
            await _tell(body, respond, client, str(error))
            return
        if body.get("container", {}).get("type") == "view":
            await publish_home(client, services, team_of(body), body["user"]["id"])
            return
        blocks = view.replace_action(body.get("message", {}).get("blocks", []), updated,
                                     knowledge)
        await respond(text=f"#{updated.number} is {updated.status}", blocks=blocks,
                      replace_original=True)

    @app.action("retro_log_open")
    @guarded
    async def log_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                         respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        await open_log_modal(client, body["trigger_id"], respond, knowledge,
                             {"channel": action["value"]})

    @app.action("retro_list_more")
    @guarded
    async def list_more(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                        respond: AsyncRespond) -> None:
        await ack()
        status, principle, owner, offset = view.read_list_more_value(action["value"])
        scope = Scope(team_of(body), body["channel"]["id"])
        page = await retro.list_actions(scope, status=status, principle=principle,
                                        owner_id=owner, offset=offset,
                                        limit=view.LIST_PAGE_SIZE)
        await respond(**_list_message(scope, page, status, principle, owner),
                      replace_original=True)

    @app.action("retro_change_tags")
    @guarded
    async def change_tags_button(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                                 respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        try:
            scope, number = scope_from_value(body, action["value"])
            found = await retro.get(scope, number)
        except RetroError as error:
            await _tell(body, respond, client, str(error))
            return
        await open_modal(client, body["trigger_id"], view.tags_modal(found, knowledge), respond,
                         failure="I couldn't open the form; please try again.")

    @app.action("retro_forget_confirm")
    @guarded
    async def forget_confirmed(ack: AsyncAck, body: dict[str, Any],
                               respond: AsyncRespond) -> None:
        await ack()
        deleted, unowned = await retro.forget_person(team_of(body), body["user"]["id"])
        await respond(text=f"Done: deleted {deleted} action(s) you wrote; you no longer own "
                           f"{unowned} other(s).", replace_original=True)

    @app.shortcut("log_retro_action")
    @guarded
    async def log_from_message(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                               respond: AsyncRespond) -> None:
        await ack()
        channel = body["channel"]["id"]
        message = body.get("message", {})
        text = plain_text(message.get("text") or "")
        permalink = None
        try:
            found = await client.chat_getPermalink(channel=channel,
                                                   message_ts=message.get("ts", ""))
            permalink = found.get("permalink")
        except SlackApiError as error:
            logger.info("no permalink: %s", api_error(error))
        await open_log_modal(client, body["trigger_id"], respond, knowledge,
                             {"channel": channel, "permalink": permalink or ""},
                              text=truncate(text, 2000), proposed=retro.propose_tags(text),
                              permalink=permalink)

    @app.view(view.LOG_MODAL_CALLBACK)
    @guarded
    async def log_submitted(ack: AsyncAck, body: dict[str, Any],
                            client: AsyncWebClient) -> None:
        submitted = body["view"]
        metadata = json.loads(submitted.get("private_metadata") or "{}")
        values = submitted["state"]["values"]
        text = _input(values, view.FIELD_TEXT, "value") or ""
        owner = _input(values, view.FIELD_OWNER, "selected_user")
        due_text = _input(values, view.FIELD_DUE, "selected_date")
        tags = [o["value"] for o in _input(values, view.FIELD_TAGS, "selected_options") or []]
        scope = Scope(team_of(body), metadata.get("channel", ""))
        user = body["user"]["id"]
        try:
            due = dt.date.fromisoformat(due_text) if due_text else None
        except ValueError:
            await ack(response_action="errors", errors={view.FIELD_DUE: "Pick a date."})
            return
        try:
            added = await retro.add(scope, user, text, tags, owner_id=owner, due_date=due,
                                    permalink=metadata.get("permalink") or None,
                                    request_key=f"view:{submitted.get('id')}")
        except RetroInputError as error:
            await ack(response_action="errors", errors={view.FIELD_TEXT: str(error)})
            return
        await ack()
        if added.created:
            await _confirm_by_api(client, added.action, user)

    async def _confirm_by_api(client: AsyncWebClient, action: RetroAction, user: str) -> None:
        try:
            await client.chat_postEphemeral(channel=action.channel_id, user=user,
                                            text=f"Logged #{action.number}",
                                            blocks=view.confirmation_blocks(action, knowledge))
            await client.chat_postMessage(channel=action.channel_id,
                                          text=view.channel_note(action, knowledge))
        except SlackApiError as error:
            # The action is saved; say so where the bot can always write: a DM.
            logger.warning("confirmation in channel failed: %s", api_error(error))
            try:
                await client.chat_postMessage(
                    channel=user, text=f"Logged #{action.number}",
                    blocks=view.confirmation_blocks(action, knowledge))
            except SlackApiError:
                logger.warning("could not confirm #%s by DM either", action.number)

    @app.view(view.TAGS_MODAL_CALLBACK)
    @guarded
    async def tags_submitted(ack: AsyncAck, body: dict[str, Any],
                             client: AsyncWebClient) -> None:
        submitted = body["view"]
        metadata = json.loads(submitted.get("private_metadata") or "{}")
        tags = [o["value"] for o in
                _input(submitted["state"]["values"], view.FIELD_TAGS, "selected_options") or []]
        scope = Scope(team_of(body), str(metadata.get("channel", "")))
        try:
            action = await retro.change_tags(scope, int(metadata.get("number", 0)), tags)
        except RetroError as error:
            await ack(response_action="errors", errors={view.FIELD_TAGS: str(error)})
            return
        await ack()
        try:
            await client.chat_postEphemeral(
                channel=action.channel_id, user=body["user"]["id"],
                text=f"Tags of #{action.number}: {view.tags_text(action, knowledge)}")
        except SlackApiError as error:
            logger.info("tag change not confirmed: %s", api_error(error))

    async def _tell(body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                    message: str) -> None:
        """An ephemeral error for a click, wherever the click came from."""
        if body.get("response_url"):
            await respond(text=error_text(message), replace_original=False)
            return
        try:
            await client.chat_postMessage(channel=body["user"]["id"], text=error_text(message))
        except SlackApiError:
            logger.warning("could not report: %s", message)


async def open_log_modal(client: AsyncWebClient, trigger_id: str, respond: AsyncRespond,
                         knowledge: KnowledgeBase, metadata: dict[str, str], text: str = "",
                         proposed: tuple[Tag, ...] = (), permalink: str | None = None) -> None:
    """'Log a retro action', pre-filled; a refusal leaves the person with the command form."""
    modal = view.log_modal(knowledge, metadata=metadata, text=text, proposed=proposed,
                           permalink=permalink)
    await open_modal(client, trigger_id, modal, respond,
                     failure="I couldn't open the form. Use `/retro add what we will do #4`.")


def _input(values: dict[str, Any], block: str, key: str) -> Any:
    return values.get(block, {}).get(block, {}).get(key)
