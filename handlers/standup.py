"""Stand-ups from Slack: /standup, the shared checklist's boxes and buttons, the blocker modal.

The message is redrawn after every change from what is stored, one redraw at a time per run
(in this process), so the last redraw always shows the last committed state.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import render_standup as view
from bot.render import error_text
from bot.retro import Tag
from bot.standup import StandupError
from handlers.guard import api_error, guarded, open_modal
from handlers.payload import team_of
from handlers.retro import open_log_modal
from handlers.standup_command import parse_standup_command
from knowledge.loader import default_checklists

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger("principlebot")



class _RedrawLocks:
    """One lock per run, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def for_run(self, run_id: int) -> AsyncIterator[None]:
        self._users[run_id] = self._users.get(run_id, 0) + 1
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            self._users[run_id] -= 1
            if not self._users[run_id]:
                del self._users[run_id], self._locks[run_id]


def register(app: AsyncApp, services: Services) -> None:
    standups = services.standups
    knowledge = services.index.knowledge
    checklists = default_checklists(knowledge)
    locks = _RedrawLocks()

    @app.command("/standup")
    @guarded
    async def standup_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                              client: AsyncWebClient) -> None:
        parsed = parse_standup_command(command.get("text") or "", checklists, knowledge)
        if parsed.verb == "help":
            await ack(text="How to use /standup", blocks=view.help_blocks())
            return
        if parsed.verb == "list":
            await ack(text="Checklists", blocks=view.list_blocks(checklists, knowledge))
            return
        if parsed.verb == "report":
            await ack()
            now = services.clock()
            report = await standups.report(command["team_id"], command["channel_id"],
                                           since=now - dt.timedelta(days=parsed.days), until=now)
            await respond(text=f"Stand-ups, last {parsed.days} days",
                          blocks=view.report_blocks(report, parsed.days, knowledge))
            return
        if parsed.checklist is None:  # "unknown": say what to type instead
            await ack(text=error_text(parsed.message))
            return
        await ack()
        run = await standups.start(command["team_id"], command["channel_id"],
                                   parsed.checklist, command["user_id"])
        summary = await standups.summary(run.team_id, run.id)
        try:
            posted = await client.chat_postMessage(channel=run.channel_id,
                                                   text=view.run_text(summary),
                                                   blocks=view.run_blocks(summary))
        except BaseException as error:
            # No message, no run: it would only sit empty in the reports.
            await standups.mark_unused(run.team_id, run.id)
            if not isinstance(error, SlackApiError):
                raise
            reason = api_error(error)
            hint = ("Invite me to this channel first: `/invite @principlebot`."
                    if reason in {"not_in_channel", "channel_not_found"} else
                    "Slack did not accept the message; please try again.")
            await respond(text=error_text(f"I couldn't post the checklist. {hint}"))
            return
        await standups.set_message(run.team_id, run.id, str(posted["ts"]))

    async def redraw(client: AsyncWebClient, team_id: str, run_id: int) -> None:
        async with locks.for_run(run_id):
            summary = await standups.next_version(team_id, run_id)
            if not summary.run.message_ts:
                return
            try:
                await client.chat_update(channel=summary.run.channel_id,
                                         ts=summary.run.message_ts,
                                         text=view.run_text(summary),
                                         blocks=view.run_blocks(summary))
            except SlackApiError as error:
                logger.warning("could not redraw stand-up %s: %s", run_id,
                               api_error(error))

    async def refuse(respond: AsyncRespond, error: StandupError) -> None:
        await respond(text=error_text(str(error)), response_type="ephemeral",
                      replace_original=False)

    @app.action("standup_mine")
    @guarded
    async def my_answers(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                         respond: AsyncRespond) -> None:
        await ack()
        team, user = team_of(body), body["user"]["id"]
        try:
            summary = await standups.summary(team, int(action["value"]))
        except StandupError as error:
            await refuse(respond, error)
            return
        mine = next((r.ticks for r in summary.responses if r.user_id == user), frozenset())
        await respond(text="Your answers", blocks=view.my_answers_blocks(summary, mine),
                      response_type="ephemeral", replace_original=False)

    @app.action("standup_tick")
    @app.action("standup_tick_mine")
    @guarded
    async def tick(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                   respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        try:
            run_id, version = view.read_checkbox_block_id(action["block_id"])
        except ValueError:
            await refuse(respond, StandupError("That checklist is from an older version of me. "
                                               "Start a new one with `/standup`."))
            return
        team = team_of(body)
        selected = [o["value"] for o in action.get("selected_options") or []]
        try:
            await standups.tick(team, run_id, body["user"]["id"], version, selected)
        except StandupError as error:
            await refuse(respond, error)
            return
        await redraw(client, team, run_id)

    @app.action("standup_done")
    @guarded
    async def done(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                   respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        team = team_of(body)
        try:
            await standups.set_done(team, int(action["value"]), body["user"]["id"])
        except StandupError as error:
            await refuse(respond, error)
            return
        await redraw(client, team, int(action["value"]))

    @app.action("standup_blocked")
    @guarded
    async def blocked(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                      respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        run_id = int(action["value"])
        try:
            summary = await standups.summary(team_of(body), run_id)
        except StandupError as error:
            await refuse(respond, error)
            return
        modal = view.blocked_modal(run_id, summary.run.channel_id, summary.run.message_ts or "")
        await open_modal(client, body["trigger_id"], modal, respond,
                         failure="I couldn't open the form; please try again.")

    @app.view(view.BLOCKED_MODAL_CALLBACK)
    @guarded
    async def blocked_submitted(ack: AsyncAck, body: dict[str, Any],
                                client: AsyncWebClient) -> None:
        submitted = body["view"]
        metadata = json.loads(submitted.get("private_metadata") or "{}")
        values = submitted["state"]["values"]
        note = values.get(view.FIELD_NOTE, {}).get(view.FIELD_NOTE, {}).get("value") or ""
        share = bool(values.get(view.FIELD_SHARE, {}).get(view.FIELD_SHARE, {})
                     .get("selected_options"))
        team = team_of(body)
        try:
            await standups.set_blocked(team, int(metadata["run"]), body["user"]["id"], note,
                                       share)
        except StandupError as error:
            await ack(response_action="errors", errors={view.FIELD_NOTE: str(error)})
            return
        await ack()
        await redraw(client, team, int(metadata["run"]))

    @app.action(re.compile(r"^standup_retro_\d+_\d+$"))
    @guarded
    async def log_retro_for_skipped(ack: AsyncAck, action: dict[str, Any],
                                    body: dict[str, Any], respond: AsyncRespond,
                                    client: AsyncWebClient) -> None:
        await ack()
        practice = knowledge.practice(action["value"])
        proposed = (Tag(str(practice.principle), practice.principle),) if practice else ()
        await open_log_modal(client, body["trigger_id"], respond, knowledge,
                             {"channel": body["channel"]["id"]}, proposed=proposed)
