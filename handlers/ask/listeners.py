"""Listeners of the ask feature. The slash command answers in its ack (matching takes a few
tens of milliseconds, off the event loop), or through the response URL when many questions
queue for the matcher; button clicks answer through the response URL; mentions and DMs answer in the
thread of the message; the shortcut's question is answered by DM."""

from __future__ import annotations

import logging
import re
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.ids import row_number
from bot.domain.services import Services
from handlers.ask import smalltalk, views
from handlers.kit.answering import Reply, answer_command
from handlers.kit.blocks import section
from handlers.kit.context import services_of, team_of
from handlers.kit.markup import plain_text, unescape, without_mention
from handlers.kit.replies import api_error, open_modal, tell
from handlers.kit.text import escape
from handlers.kit.words import is_help
from knowledge.models import Principle

logger = logging.getLogger("principlebot")

GONE = "That principle no longer exists."
STILL_THINKING = (":hourglass_flowing_sand: Many questions are being asked just now: the answer "
                  "will follow here.")


async def principles_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                             context: AsyncBoltContext) -> None:
    services = services_of(context)
    formatted = (command.get("text") or "").strip()
    text = unescape(formatted)
    if not text:
        await ack(text="The OECD principles",
                  blocks=views.overview_blocks(services.knowledge),
                  response_type="ephemeral")
    elif is_help(text):
        await ack(text="How to use principlebot", blocks=views.help_blocks(),
                  response_type="ephemeral")
    else:
        await answer_command(ack, respond, _answer_to(services, formatted), str,
                             still_working=STILL_THINKING)


async def _answer_to(services: Services, formatted: str) -> Reply:
    # The matcher and the replies take the text as Slack sends it (entities and all).
    answer = await services.matcher.search(formatted[:views.QUESTION_LIMIT])
    return Reply({"text": views.answer_text(answer), "blocks": views.answer_blocks(answer)})


async def pick_candidate(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                         body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    query, practice_id = views.read_pick_value(action["value"])
    answer = await services_of(context).matcher.focus(query, practice_id)
    # An answer only the clicker sees is swapped in place; one in a shared thread stays
    # as it is for everyone, and the clicker gets the other choice to themselves.
    mine = bool(body.get("container", {}).get("is_ephemeral"))
    await respond(text=views.answer_text(answer),
                  blocks=views.answer_blocks(answer, shareable=mine),
                  response_type="ephemeral", replace_original=mine)


async def share_in_channel(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                           context: AsyncBoltContext) -> None:
    await ack()
    query, practice_id = views.read_pick_value(action["value"])
    matcher = services_of(context).matcher
    # No practice: the answer as it was (a principle's overview).
    answer = (await matcher.focus(query, practice_id) if practice_id
              else await matcher.search(query))
    await respond(
        text=views.answer_text(answer),
        blocks=views.answer_blocks(answer, asked_by=context.user_id, shareable=False),
        response_type="in_channel", replace_original=False,
    )


async def _principle_named(action: dict[str, Any], respond: AsyncRespond,
                           context: AsyncBoltContext) -> Principle | None:
    """The principle a button names; when it is gone, the person is told and None returned."""
    number = row_number(str(action.get("value") or ""))
    principle = services_of(context).knowledge.principle(number) if number else None
    if principle is None:
        await tell(GONE, respond=respond, client=None, user_id=None)
    return principle


async def full_principle(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                         client: AsyncWebClient, respond: AsyncRespond,
                         context: AsyncBoltContext) -> None:
    await ack()
    principle = await _principle_named(action, respond, context)
    if principle is None:
        return
    if not await open_modal(client, body["trigger_id"], views.principle_modal(principle),
                            respond, failure=None):
        await respond(text=views.principle_title_line(principle),
                      blocks=views.principle_blocks(principle), replace_original=False)


async def expand_principle(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                           context: AsyncBoltContext) -> None:
    await ack()
    principle = await _principle_named(action, respond, context)
    if principle is None:
        return
    await respond(text=views.principle_title_line(principle),
                  blocks=views.principle_blocks(principle, with_back=True),
                  replace_original=True)


async def back_to_overview(ack: AsyncAck, respond: AsyncRespond,
                           context: AsyncBoltContext) -> None:
    await ack()
    await respond(text="The OECD principles",
                  blocks=views.overview_blocks(services_of(context).knowledge),
                  replace_original=True)


async def mentioned(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient,
                    context: AsyncBoltContext) -> None:
    if not _from_a_bot_or_edit(event):
        await _answer_in_thread(event, body, client, context)


async def direct_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
    if event.get("channel_type") == "im" and not _from_a_bot_or_edit(event):
        await _answer_in_thread(event, body, client, context)


async def _answer_in_thread(event: dict[str, Any], body: dict[str, Any],
                            client: AsyncWebClient, context: AsyncBoltContext) -> None:
    services = services_of(context)
    key = f"event:{body.get('event_id') or event.get('ts')}"
    if not await services.deliveries.first_time(team_of(context), key):
        return
    formatted = without_mention(event.get("text") or "", context.bot_user_id)
    question = plain_text(formatted)
    small = smalltalk.kind_of(question) if question else "help"
    if small:
        text = smalltalk.reply_line(small)
        blocks = [section(text), *views.help_blocks()]
    else:
        # Markup, quoted lines and code go to the matcher as they came: it reads past them.
        answer = await services.matcher.search(formatted[:views.QUESTION_LIMIT])
        blocks = views.answer_blocks(answer, asked_by=event.get("user"), shareable=False)
        text = views.answer_text(answer)
    try:
        await client.chat_postMessage(channel=event["channel"], text=text, blocks=blocks,
                                      thread_ts=event.get("thread_ts") or event["ts"])
    except SlackApiError as error:
        # Nowhere left to tell the person: the post itself is what failed.
        logger.warning("could not answer in thread: %s", api_error(error))
    except (TimeoutError, aiohttp.ClientError) as error:
        # Slack may have posted it: a second message saying "Sorry" would contradict it.
        logger.warning("answering in thread ended without Slack's answer: %r", error)


async def which_principle_shortcut(ack: AsyncAck, body: dict[str, Any],
                                   client: AsyncWebClient) -> None:
    await ack()
    # A shortcut has no response URL: nowhere to report a refusal but the log.
    await open_modal(client, body["trigger_id"], views.ask_modal(), None, failure=None)


async def which_principle_submitted(ack: AsyncAck, view: dict[str, Any],
                                    client: AsyncWebClient, context: AsyncBoltContext) -> None:
    values = view["state"]["values"]
    question = (values.get(views.MODAL_INPUT, {}).get(views.MODAL_INPUT_ACTION, {})
                .get("value") or "").strip()
    if not question:
        await ack(response_action="errors",
                  errors={views.MODAL_INPUT: "Type a question or a situation."})
        return
    await ack()
    services = services_of(context)
    if not await services.deliveries.first_time(team_of(context), f"view:{view.get('id')}"):
        return
    # A plain-text input's value, in the form Slack sends message text (& < > as entities),
    # so that every question reaches the matcher and the replies alike.
    answer = await services.matcher.search(escape(question)[:views.QUESTION_LIMIT])
    try:
        await client.chat_postMessage(channel=context.user_id, text=views.answer_text(answer),
                                      blocks=views.answer_blocks(answer, shareable=False))
    except SlackApiError as error:
        logger.warning("could not send the answer by DM: %s", api_error(error))
    except (TimeoutError, aiohttp.ClientError) as error:
        logger.warning("the answer by DM ended without Slack's answer: %r", error)


def _from_a_bot_or_edit(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") or event.get("bot_profile"))


def register(app: AsyncApp) -> None:
    app.command("/principles")(principles_command)
    app.action(re.compile(rf"^{views.PICK_PREFIX}\d$"))(pick_candidate)
    app.action(views.SHARE)(share_in_channel)
    app.action(views.FULL_PRINCIPLE)(full_principle)
    app.action(re.compile(rf"^{views.EXPAND_PREFIX}\d+$"))(expand_principle)
    app.action(views.OVERVIEW)(back_to_overview)
    app.event("app_mention")(mentioned)
    app.event("message")(direct_message)
    app.shortcut(views.SHORTCUT)(which_principle_shortcut)
    app.view(views.MODAL_CALLBACK)(which_principle_submitted)
