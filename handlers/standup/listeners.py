"""Listeners of stand-ups: /standup, the shared checklist's boxes and buttons, the blocker
modal, and the report's "Log a retro action".

The message is redrawn after every change from what is stored (handlers.standup.redraw), so
the last redraw shows the last committed state, whichever process made it. A run id from a
button or a form is believed only for the channel the run was started in. Commands answer in
their ack (handlers.kit.answering).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.forms import FormExpired
from bot.domain.ids import row_number
from bot.domain.retro.values import Tag
from bot.domain.schedule.firing import Outcome
from bot.domain.services import Services
from bot.domain.standup.service import GONE
from bot.domain.standup.values import Run, RunNotFound, StandupError
from handlers.kit.answering import Reply, Submitted, answer_command, answer_submission
from handlers.kit.context import channel_of, services_of, team_of, user_of
from handlers.kit.forms import form_about, open_form
from handlers.kit.people import user_zone
from handlers.kit.replies import error_text, explain, tell
from handlers.retro.modals import LOG_FORM_FAILED, log_modal
from handlers.standup import routine, views
from handlers.standup.commands import StandupCommand, parse_standup_command
from handlers.standup.posting import local_midnight, post_run, remind_after
from handlers.standup.redraw import redraw
from handlers.standup.routine import Where

HINTS: dict[type[DomainError], str] = {RunNotFound: "Start a new one with `/standup`."}
OLD_CHECKLIST = ("That checklist is from an older version of me. Start a new one with "
                 "`/standup`.")
FORM_FAILED = "I couldn't open the form; please try again."
MAYBE_POSTED = ("Slack did not confirm the checklist in time, so it has probably been posted. "
                "If it is not in the channel, type `/standup new`.")


async def standup_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient, context: AsyncBoltContext) -> None:
    services = services_of(context)
    parsed = parse_standup_command(command.get("text") or "", services.checklists,
                                   services.knowledge)
    if parsed.verb == "help":
        await ack(text="How to use /standup", blocks=views.help_blocks())
    elif parsed.verb == "list":
        await ack(text="Checklists",
                  blocks=views.list_blocks(services.checklists, services.knowledge))
    elif parsed.verb == "unknown" or (parsed.verb == "start" and parsed.checklist is None):
        await ack(text=error_text(f"{parsed.message} `/standup help` lists what I can do."))
    else:
        where = Where(team_of(context), channel_of(context), user_of(context))
        await answer_command(ack, respond,
                             VERBS[parsed.verb](parsed, where, services, respond, client),
                             lambda error: explain(error, {**HINTS, **routine.HINTS}))


async def _report(parsed: StandupCommand, where: Where, services: Services,
                  respond: AsyncRespond, client: AsyncWebClient) -> Reply:
    now = services.clock()
    report = await services.standups.report(where.team_id, where.channel_id,
                                            since=now - dt.timedelta(days=parsed.days),
                                            until=now)
    return Reply({"text": f"Stand-ups, last {parsed.days} days",
                  "blocks": views.report_blocks(report, parsed.days, services.knowledge)})


async def _start(parsed: StandupCommand, where: Where, services: Services,
                 respond: AsyncRespond, client: AsyncWebClient) -> Reply:
    """The run is stored within the ack window; its checklist is posted once acked."""
    if not parsed.new:
        today = await _todays_run(services, where, client)
        if today is not None:
            return Reply({"text": "Today's stand-up is already posted",
                          "blocks": views.offer_blocks(today)})
    if parsed.checklist is None:
        return Reply()
    run = await services.standups.start(
        where.team_id, where.channel_id, parsed.checklist, where.user_id,
        remind_after=await remind_after(services, where.team_id, where.channel_id))
    return Reply(then=lambda: _post(run, services, respond, client))


async def _post(run: Run, services: Services, respond: AsyncRespond,
                client: AsyncWebClient) -> None:
    delivery = await post_run(client, services, run)
    if delivery.outcome is Outcome.UNCERTAIN:
        # Kept, not contradicted: the first click on it teaches the run its message.
        await tell(MAYBE_POSTED, respond=respond, client=None, user_id=None)
    elif delivery.outcome in (Outcome.RETRY, Outcome.PAUSE):
        hint = ("Invite me to this channel first: `/invite @principlebot`."
                if delivery.reason in {"not_in_channel", "channel_not_found"} else
                "Slack did not accept the message; please try again.")
        await tell(f"I couldn't post the checklist. {hint}", respond=respond, client=client,
                   user_id=run.started_by)


async def _todays_run(services: Services, where: Where, client: AsyncWebClient) -> Run | None:
    """The channel's run of today: in the schedule's zone, else the person's."""
    schedule = await services.standup_schedules.get(where.team_id, where.channel_id)
    zone = schedule.when.timezone if schedule else await user_zone(client, where.user_id)
    today = services.clock().astimezone(ZoneInfo(zone)).date()
    return await services.standups.latest_since(where.team_id, where.channel_id,
                                                local_midnight(today, zone))


async def _routine(parsed: StandupCommand, where: Where, services: Services,
                   respond: AsyncRespond, client: AsyncWebClient) -> Reply:
    if parsed.verb == "schedule":
        text = await routine.schedule_reply(services, where, list(parsed.words), client)
    elif parsed.verb == "remind":
        text = await routine.remind_reply(services, where, list(parsed.words))
    else:
        text = await routine.people_reply(services, where, parsed.verb)
    return Reply({"text": text})


Verb = Callable[[StandupCommand, Where, Services, AsyncRespond, AsyncWebClient],
                Awaitable[Reply]]
VERBS: dict[str, Verb] = {"report": _report, "start": _start, "schedule": _routine,
                          "remind": _routine, "join": _routine, "leave": _routine,
                          "who": _routine}


def _shared_message(body: dict[str, Any]) -> str | None:
    """The ts of the channel message a click was made on (not a person's own copy)."""
    container = body.get("container") or {}
    if container.get("type") != "message" or container.get("is_ephemeral"):
        return None
    return str(container.get("message_ts") or "") or None


async def _refuse(respond: AsyncRespond, error: StandupError) -> None:
    await tell(explain(error, HINTS), respond=respond, client=None, user_id=None)


def _run_named(action: dict[str, Any]) -> int:
    run_id = row_number(str(action.get("value") or ""))
    if run_id is None:
        raise RunNotFound(GONE)
    return run_id


async def my_answers(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                     context: AsyncBoltContext) -> None:
    await ack()
    try:
        run, answers = await services_of(context).standups.answers(
            team_of(context), _run_named(action), user_of(context),
            channel_id=channel_of(context))
    except StandupError as error:
        await _refuse(respond, error)
        return
    mine = answers[0].ticks if answers else frozenset()
    await respond(text="Your answers", blocks=views.my_answers_blocks(run, mine),
                  response_type="ephemeral", replace_original=False)


async def tick(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
               respond: AsyncRespond, client: AsyncWebClient,
               context: AsyncBoltContext) -> None:
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
        revision = await services.standups.tick(team, run_id, user_of(context), version,
                                                selected, channel_id=channel_of(context))
    except StandupError as error:
        await _refuse(respond, error)
        return
    await redraw(client, services, team, run_id, revision, _shared_message(body))


async def done(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
               respond: AsyncRespond, client: AsyncWebClient,
               context: AsyncBoltContext) -> None:
    await ack()
    services = services_of(context)
    team = team_of(context)
    try:
        run_id = _run_named(action)
        revision = await services.standups.set_done(team, run_id, user_of(context),
                                                    channel_id=channel_of(context))
    except StandupError as error:
        await _refuse(respond, error)
        return
    await redraw(client, services, team, run_id, revision, _shared_message(body))


async def blocked(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                  respond: AsyncRespond, client: AsyncWebClient,
                  context: AsyncBoltContext) -> None:
    await ack()
    try:
        run_id = _run_named(action)
        await services_of(context).standups.run(team_of(context), run_id,
                                                channel_id=channel_of(context),
                                                person=user_of(context))
    except StandupError as error:
        await _refuse(respond, error)
        return
    await open_form(context, client, body["trigger_id"], views.blocked_modal(),
                    subject={"run": str(run_id)}, respond=respond, failure=FORM_FAILED)


async def blocked_submitted(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient,
                            context: AsyncBoltContext) -> None:
    services = services_of(context)
    values = view["state"]["values"]
    note = values.get(views.FIELD_NOTE, {}).get(views.FIELD_NOTE, {}).get("value") or ""
    share = bool(values.get(views.FIELD_SHARE, {}).get(views.FIELD_SHARE, {})
                 .get("selected_options"))
    team = team_of(context)

    async def save() -> Submitted:
        form, run_id = await form_about(context, view, "run", RunNotFound(GONE))
        revision = await services.standups.set_blocked(team, run_id, user_of(context), note,
                                                       share, channel_id=form.channel_id)
        return Submitted(then=lambda: redraw(client, services, team, run_id, revision))

    await answer_submission(ack, client, str(view.get("id")), save(),
                            lambda error: "" if isinstance(error, FormExpired)
                            else views.FIELD_NOTE)


async def log_retro_for_skipped(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                                respond: AsyncRespond, client: AsyncWebClient,
                                context: AsyncBoltContext) -> None:
    await ack()
    knowledge = services_of(context).knowledge
    practice = knowledge.practice(str(action.get("value") or ""))
    proposed = (Tag(str(practice.principle), practice.principle),) if practice else ()
    await open_form(context, client, body["trigger_id"],
                    log_modal(knowledge, proposed=proposed), respond=respond,
                    failure=LOG_FORM_FAILED)


def register(app: AsyncApp) -> None:
    app.command("/standup")(standup_command)
    app.action(views.MY_ANSWERS)(my_answers)
    app.action(views.TICK)(tick)
    app.action(views.TICK_MINE)(tick)
    app.action(views.DONE)(done)
    app.action(views.BLOCKED)(blocked)
    app.view(views.BLOCKED_MODAL_CALLBACK)(blocked_submitted)
    app.action(re.compile(rf"^{views.LOG_SKIPPED_PREFIX}\d+_\d+$"))(log_retro_for_skipped)
