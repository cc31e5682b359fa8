"""Listeners of stand-ups: /standup, the shared checklist's boxes and buttons, the blocker
modal, and the report's "Log a retro action".

The message is redrawn after every change from what is stored, one redraw at a time per run
(in this process), so the last redraw always shows the last committed state.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.retro.values import Tag
from bot.domain.schedule.firing import Outcome
from bot.domain.services import Services
from bot.domain.standup.values import Run, RunNotFound, StandupError
from handlers.kit.context import services_of, team_of
from handlers.kit.people import user_zone
from handlers.kit.replies import api_error, error_text, explain, open_modal, tell
from handlers.retro.modals import LOG_FORM_FAILED, log_modal
from handlers.standup import routine, views
from handlers.standup.commands import StandupCommand, parse_standup_command
from handlers.standup.posting import local_midnight, post_run, remind_after
from handlers.standup.redraw import RedrawLocks
from handlers.standup.routine import Where

logger = logging.getLogger("principlebot")

HINTS: dict[type[DomainError], str] = {RunNotFound: "Start a new one with `/standup`."}
OLD_CHECKLIST = ("That checklist is from an older version of me. Start a new one with "
                 "`/standup`.")
FORM_FAILED = "I couldn't open the form; please try again."
REDRAWS = RedrawLocks()


async def standup_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient, context: AsyncBoltContext) -> None:
    services = services_of(context)
    parsed = parse_standup_command(command.get("text") or "", services.checklists,
                                   services.index.knowledge)
    if parsed.verb == "help":
        await ack(text="How to use /standup", blocks=views.help_blocks())
    elif parsed.verb == "list":
        await ack(text="Checklists",
                  blocks=views.list_blocks(services.checklists, services.index.knowledge))
    elif parsed.verb == "unknown" or (parsed.verb == "start" and parsed.checklist is None):
        await ack(text=error_text(f"{parsed.message} `/standup help` lists what I can do."))
    else:
        await ack()
        where = Where(team_of(context), context.channel_id or "", context.user_id or "")
        try:
            await VERBS[parsed.verb](parsed, where, services, respond, client)
        except DomainError as error:
            await tell(explain(error, {**HINTS, **routine.HINTS}), respond=respond,
                       client=client, user_id=where.user_id)


async def _report(parsed: StandupCommand, where: Where, services: Services,
                  respond: AsyncRespond, client: AsyncWebClient) -> None:
    now = services.clock()
    report = await services.standups.report(where.team_id, where.channel_id,
                                            since=now - dt.timedelta(days=parsed.days),
                                            until=now)
    await respond(text=f"Stand-ups, last {parsed.days} days",
                  blocks=views.report_blocks(report, parsed.days, services.index.knowledge))


async def _start(parsed: StandupCommand, where: Where, services: Services,
                 respond: AsyncRespond, client: AsyncWebClient) -> None:
    if not parsed.new:
        today = await _todays_run(services, where, client)
        if today is not None:
            await respond(text="Today's stand-up is already posted",
                          blocks=views.offer_blocks(today))
            return
    if parsed.checklist is None:
        return
    run = await services.standups.start(
        where.team_id, where.channel_id, parsed.checklist, where.user_id,
        remind_after=await remind_after(services, where.team_id, where.channel_id))
    delivery = await post_run(client, services, run)
    if delivery.outcome in (Outcome.RETRY, Outcome.PAUSE):
        hint = ("Invite me to this channel first: `/invite @principlebot`."
                if delivery.reason in {"not_in_channel", "channel_not_found"} else
                "Slack did not accept the message; please try again.")
        await tell(f"I couldn't post the checklist. {hint}", respond=respond, client=client,
                   user_id=where.user_id)


async def _todays_run(services: Services, where: Where, client: AsyncWebClient) -> Run | None:
    """The channel's run of today: in the schedule's zone, else the person's."""
    schedule = await services.standup_schedules.get(where.team_id, where.channel_id)
    zone = schedule.when.timezone if schedule else await user_zone(client, where.user_id)
    today = services.clock().astimezone(ZoneInfo(zone)).date()
    return await services.standups.latest_since(where.team_id, where.channel_id,
                                                local_midnight(today, zone))


async def _routine(parsed: StandupCommand, where: Where, services: Services,
                   respond: AsyncRespond, client: AsyncWebClient) -> None:
    if parsed.verb == "schedule":
        text = await routine.schedule_reply(services, where, list(parsed.words), client)
    elif parsed.verb == "remind":
        text = await routine.remind_reply(services, where, list(parsed.words))
    else:
        text = await routine.people_reply(services, where, parsed.verb)
    await respond(text=text)


Verb = Callable[[StandupCommand, Where, Services, AsyncRespond, AsyncWebClient],
                Awaitable[None]]
VERBS: dict[str, Verb] = {"report": _report, "start": _start, "schedule": _routine,
                          "remind": _routine, "join": _routine, "leave": _routine,
                          "who": _routine}


async def _redraw(client: AsyncWebClient, services: Services, team_id: str, run_id: int) -> None:
    async with REDRAWS.for_run(run_id):
        summary = await services.standups.next_version(team_id, run_id)
        if not summary.run.message_ts:
            return
        try:
            await client.chat_update(channel=summary.run.channel_id, ts=summary.run.message_ts,
                                     text=views.run_text(summary),
                                     blocks=views.run_blocks(summary))
        except SlackApiError as error:
            logger.warning("could not redraw stand-up %s: %s", run_id, api_error(error))


async def _refuse(respond: AsyncRespond, error: StandupError) -> None:
    await tell(explain(error, HINTS), respond=respond, client=None, user_id=None)


async def my_answers(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                     context: AsyncBoltContext) -> None:
    await ack()
    try:
        summary = await services_of(context).standups.summary(team_of(context),
                                                              int(action["value"]))
    except StandupError as error:
        await _refuse(respond, error)
        return
    mine = next((r.ticks for r in summary.responses if r.user_id == context.user_id),
                frozenset())
    await respond(text="Your answers", blocks=views.my_answers_blocks(summary, mine),
                  response_type="ephemeral", replace_original=False)


async def tick(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
               client: AsyncWebClient, context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    try:
        run_id, version = views.read_checkbox_block_id(action["block_id"])
    except ValueError:
        await tell(OLD_CHECKLIST, respond=respond, client=None, user_id=None)
        return
    team = team_of(context)
    selected = [o["value"] for o in action.get("selected_options") or []]
    try:
        await services.standups.tick(team, run_id, context.user_id or "", version, selected)
    except StandupError as error:
        await _refuse(respond, error)
        return
    await _redraw(client, services, team, run_id)


async def done(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
               client: AsyncWebClient, context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    team, run_id = team_of(context), int(action["value"])
    try:
        await services.standups.set_done(team, run_id, context.user_id or "")
    except StandupError as error:
        await _refuse(respond, error)
        return
    await _redraw(client, services, team, run_id)


async def blocked(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                  respond: AsyncRespond, client: AsyncWebClient,
                  context: AsyncBoltContext) -> None:
    await ack()
    run_id = int(action["value"])
    try:
        summary = await services_of(context).standups.summary(team_of(context), run_id)
    except StandupError as error:
        await _refuse(respond, error)
        return
    modal = views.blocked_modal(run_id, summary.run.channel_id, summary.run.message_ts or "")
    await open_modal(client, body["trigger_id"], modal, respond, failure=FORM_FAILED)


async def blocked_submitted(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient,
                            context: AsyncBoltContext) -> None:
    services = services_of(context)
    metadata = json.loads(view.get("private_metadata") or "{}")
    values = view["state"]["values"]
    note = values.get(views.FIELD_NOTE, {}).get(views.FIELD_NOTE, {}).get("value") or ""
    share = bool(values.get(views.FIELD_SHARE, {}).get(views.FIELD_SHARE, {})
                 .get("selected_options"))
    team, run_id = team_of(context), int(metadata["run"])
    try:
        await services.standups.set_blocked(team, run_id, context.user_id or "", note, share)
    except StandupError as error:
        await ack(response_action="errors", errors={views.FIELD_NOTE: str(error)})
        return
    await ack()
    await _redraw(client, services, team, run_id)


async def log_retro_for_skipped(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                                respond: AsyncRespond, client: AsyncWebClient,
                                context: AsyncBoltContext) -> None:
    await ack()
    knowledge = services_of(context).index.knowledge
    practice = knowledge.practice(action["value"])
    proposed = (Tag(str(practice.principle), practice.principle),) if practice else ()
    modal = log_modal(knowledge, metadata={"channel": body["channel"]["id"]}, proposed=proposed)
    await open_modal(client, body["trigger_id"], modal, respond, failure=LOG_FORM_FAILED)


def register(app: AsyncApp) -> None:
    app.command("/standup")(standup_command)
    app.action(views.MY_ANSWERS)(my_answers)
    app.action(views.TICK)(tick)
    app.action(views.TICK_MINE)(tick)
    app.action(views.DONE)(done)
    app.action(views.BLOCKED)(blocked)
    app.view(views.BLOCKED_MODAL_CALLBACK)(blocked_submitted)
    app.action(re.compile(rf"^{views.LOG_SKIPPED_PREFIX}\d+_\d+$"))(log_retro_for_skipped)
