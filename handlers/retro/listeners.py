"""The `/retro` command, and the registration of every retro listener.

Each verb does its work, the commit included, inside the ack window and answers in the ack
(handlers.kit.answering): a confirmation always describes a saved action, and an action is
never acked and then lost. What follows the answer (the note in the channel) comes after.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.retro.values import RetroAction, RetroNotFound, Scope
from bot.domain.schedule.service import ScheduleNotFound
from bot.domain.schedule.timewords import ScheduleInputError
from bot.domain.services import Services
from handlers.kit.answering import Reply, answer_command
from handlers.kit.context import channel_of, services_of, team_of, user_of
from handlers.kit.forms import open_form
from handlers.kit.replies import error_text, explain
from handlers.retro import buttons, changes, followup, submissions, views
from handlers.retro.commands import RetroCommand, parse_retro_command
from handlers.retro.modals import (
    EDIT_CALLBACK,
    LOG_CALLBACK,
    LOG_FORM_FAILED,
    TAGS_CALLBACK,
    log_modal,
)
from handlers.retro.scheduling import ACCEPTED_FORMS, SET_ONE, schedule_reply

HINTS: dict[type[DomainError], str] = {
    **changes.HINTS,
    RetroNotFound: "`/retro list all` shows this channel's actions.",
    ScheduleInputError: ACCEPTED_FORMS,
    ScheduleNotFound: SET_ONE,
}


@dataclass(frozen=True)
class _Invocation:
    """One `/retro` command being carried out."""

    parsed: RetroCommand
    scope: Scope
    user: str
    trigger_id: str
    services: Services
    respond: AsyncRespond
    client: AsyncWebClient
    context: AsyncBoltContext


async def retro_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                        client: AsyncWebClient, context: AsyncBoltContext) -> None:
    parsed = parse_retro_command(command.get("text") or "", user_of(context))
    if parsed.verb == "help":
        await ack(text="How to use /retro", blocks=views.help_blocks())
        return
    if parsed.verb not in VERBS:
        await ack(text=error_text(f"{parsed.text} `/retro help` lists what I can do."))
        return
    user = user_of(context)
    # A command acts on the channel it is typed in, and only there.
    call = _Invocation(parsed, Scope(team_of(context), channel_of(context)), user,
                       command.get("trigger_id", ""), services_of(context), respond, client,
                       context)
    await answer_command(ack, respond, VERBS[parsed.verb](call), lambda e: explain(e, HINTS))


async def _add(call: _Invocation) -> Reply:
    parsed = call.parsed
    added = await call.services.retro.add(call.scope, call.user, parsed.text, parsed.tags,
                                          owner_id=parsed.user_id)
    if not added.created:  # the same request again: it was answered the first time
        return Reply()
    return _confirmation(added.action, call.respond, call.services)


def _confirmation(action: RetroAction, respond: AsyncRespond, services: Services) -> Reply:
    """"Logged #n" to the author (in the ack), then the note in the channel."""
    knowledge = services.knowledge

    async def note_in_channel() -> None:
        await respond(text=views.channel_note(action, knowledge), response_type="in_channel",
                      replace_original=False)

    return Reply({"text": f"Logged #{action.number}",
                  "blocks": views.confirmation_blocks(action, knowledge)}, note_in_channel)


async def _list(call: _Invocation) -> Reply:
    parsed = call.parsed
    page = await call.services.retro.list_actions(
        call.scope, status=parsed.status, principle=parsed.principle, owner_id=parsed.user_id,
        limit=views.LIST_PAGE_SIZE)
    return Reply(buttons.list_message(page, parsed.status, parsed.principle, parsed.user_id,
                                      call.services))


async def _done_or_reopen(call: _Invocation) -> Reply:
    action = await call.services.retro.set_done(call.scope, call.parsed.number or 0,
                                                call.parsed.verb == "done")
    return Reply({"text": f"{'Done' if action.status == 'done' else 'Reopened'}: "
                          f"#{action.number}",
                  "blocks": views.action_blocks(action, call.services.knowledge)})


async def _delete(call: _Invocation) -> Reply:
    return await changes.delete_by_command(call.services, call.scope, call.user,
                                           call.parsed.number or 0)


async def _change(call: _Invocation) -> Reply:
    parsed = call.parsed
    value = parsed.user_id if parsed.verb == "assign" else parsed.text
    return await changes.change_by_command(call.services, call.scope, call.user, parsed.verb,
                                           parsed.number or 0, value, parsed.unset,
                                           call.client, call.respond)


async def _export(call: _Invocation) -> Reply:
    """Acked at once; the file follows by DM (uploading may take longer than an ack)."""
    return Reply(then=lambda: followup.export_by_dm(call.services, call.scope, call.user,
                                                    call.parsed.fmt, call.client, call.respond))


async def _mydata(call: _Invocation) -> Reply:
    page = await call.services.retro.for_person(call.scope.team_id, call.user, status="all",
                                                limit=views.MYDATA_SHOWN)
    return Reply({"text": "What principlebot holds about you",
                  "blocks": views.mydata_blocks(page, call.services.knowledge)})


async def _forget_me(call: _Invocation) -> Reply:
    services, team = call.services, call.scope.team_id
    authored = await services.retro.count_authored(team, call.user)
    owned = await services.retro.count_owned(team, call.user)
    mine = await services.retro.for_person(team, call.user, status="all",
                                           limit=views.MYDATA_SHOWN)
    channels = await services.participants.channels_of(team, call.user)
    return Reply({"text": "Delete your data?", "blocks": views.forget_confirmation_blocks(
        authored, owned, [a for a in mine.actions if a.author_id == call.user], channels)})


async def _schedule(call: _Invocation) -> Reply:
    return Reply({"text": await schedule_reply(call.services.schedules, call.scope, call.user,
                                               list(call.parsed.words), call.client)})


async def _open_form(call: _Invocation) -> Reply:
    await open_form(call.context, call.client, call.trigger_id,
                    log_modal(call.services.knowledge), respond=call.respond,
                    failure=LOG_FORM_FAILED)
    return Reply()


VERBS: dict[str, Callable[[_Invocation], Awaitable[Reply]]] = {
    "add": _add, "list": _list, "done": _done_or_reopen, "reopen": _done_or_reopen,
    "delete": _delete, "assign": _change, "due": _change, "edit": _change,
    "export": _export, "mydata": _mydata, "forget-me": _forget_me, "schedule": _schedule,
    "modal": _open_form,
}


def register(app: AsyncApp) -> None:
    app.command("/retro")(retro_command)
    app.action(views.DONE)(buttons.done_or_reopen)
    app.action(views.REOPEN)(buttons.done_or_reopen)
    app.action(views.LOG_OPEN)(buttons.log_button)
    app.action(views.LIST_MORE)(buttons.list_more)
    app.action(views.CHANGE_TAGS)(buttons.change_tags_button)
    app.action(views.FORGET_CONFIRM)(buttons.forget_confirmed)
    app.shortcut(views.LOG_SHORTCUT)(buttons.log_from_message)
    app.view(LOG_CALLBACK)(submissions.log_submitted)
    app.view(TAGS_CALLBACK)(submissions.tags_submitted)
    app.action(views.EDIT)(changes.edit_button)
    app.action(views.DELETE)(changes.delete_button)
    app.action(views.UNDO)(changes.undo_button)
    app.view(EDIT_CALLBACK)(changes.edit_submitted)
    app.action(followup.DUE_DONE)(followup.due_click)
    app.action(followup.SNOOZE)(followup.due_click)
