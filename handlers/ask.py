"""Asking from Slack: /principles, its buttons, mentions, direct messages and the global shortcut.

Each listener parses the payload, asks the index, renders with bot.render and answers. The
slash command answers in its ack (matching takes a millisecond); button clicks answer through
the response URL; mentions and DMs answer in the thread of the message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import render
from bot.dedupe import DeliveryLog
from handlers.guard import api_error, guarded, open_modal
from handlers.payload import team_of
from handlers.slack_text import plain_text, unescape
from knowledge.index import PracticeIndex

logger = logging.getLogger("principlebot")

QUESTION_LIMIT = 2000


def register(app: AsyncApp, index: PracticeIndex, deliveries: DeliveryLog) -> None:
    """Attach every ask listener to `app`."""
    knowledge = index.knowledge

    @app.command("/principles")
    @guarded
    async def principles_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        text = unescape(command.get("text") or "").strip()
        if not text:
            await ack(text="The OECD principles", blocks=render.overview_blocks(knowledge),
                      response_type="ephemeral")
        elif text.lower() in {"help", "?", "-h", "--help"}:
            await ack(text="How to use principlebot", blocks=render.help_blocks(),
                      response_type="ephemeral")
        else:
            answer = index.search(text[:QUESTION_LIMIT])
            await ack(text=render.answer_text(answer), blocks=render.answer_blocks(answer),
                      response_type="ephemeral")

    @app.action(re.compile(r"^ask_pick_\d$"))
    @guarded
    async def pick_candidate(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                             body: dict[str, Any]) -> None:
        await ack()
        query, practice_id = render.read_pick_value(action["value"])
        answer = index.focus(query, practice_id)
        # An answer only the clicker sees is swapped in place; one in a shared thread stays
        # as it is for everyone, and the clicker gets the other choice to themselves.
        mine = _is_ephemeral(body)
        await respond(text=render.answer_text(answer),
                      blocks=render.answer_blocks(answer, shareable=mine),
                      response_type="ephemeral", replace_original=mine)

    @app.action("ask_share")
    @guarded
    async def share_in_channel(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond,
                               body: dict[str, Any]) -> None:
        await ack()
        query, practice_id = render.read_pick_value(action["value"])
        answer = index.focus(query, practice_id)
        await respond(
            text=render.answer_text(answer),
            blocks=render.answer_blocks(answer, asked_by=body["user"]["id"], shareable=False),
            response_type="in_channel", replace_original=False,
        )

    @app.action("ask_full_principle")
    @guarded
    async def full_principle(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
                             client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        principle = knowledge.principle(int(action["value"]))
        if principle is None:
            await respond(text=render.error_text("That principle no longer exists."),
                          replace_original=False)
            return
        if not await open_modal(client, body["trigger_id"], render.principle_modal(principle),
                                respond, failure=None):
            await respond(text=render.principle_title_line(principle),
                          blocks=render.principle_blocks(principle), replace_original=False)

    @app.action(re.compile(r"^ask_expand_\d+$"))
    @guarded
    async def expand_principle(ack: AsyncAck, action: dict[str, Any],
                               respond: AsyncRespond) -> None:
        await ack()
        principle = knowledge.principle(int(action["value"]))
        if principle is None:
            await respond(text=render.error_text("That principle no longer exists."),
                          replace_original=False)
            return
        await respond(text=render.principle_title_line(principle),
                      blocks=render.principle_blocks(principle, with_back=True),
                      replace_original=True)

    @app.action("ask_overview")
    @guarded
    async def back_to_overview(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(text="The OECD principles", blocks=render.overview_blocks(knowledge),
                      replace_original=True)

    async def answer_in_thread(event: dict[str, Any], body: dict[str, Any],
                               client: AsyncWebClient, bot_user: str | None) -> None:
        key = f"event:{body.get('event_id') or event.get('ts')}"
        if not await deliveries.first_time(team_of(body), key):
            return
        question = plain_text(event.get("text") or "", drop_user=bot_user)
        answer = index.search(question[:QUESTION_LIMIT])
        if not question:
            blocks = render.help_blocks()
            text = "Ask me which principle applies: describe a situation in your own words."
        else:
            blocks = render.answer_blocks(answer, asked_by=event.get("user"), shareable=False)
            text = render.answer_text(answer)
        try:
            await client.chat_postMessage(channel=event["channel"], text=text, blocks=blocks,
                                          thread_ts=event.get("thread_ts") or event["ts"])
        except SlackApiError as error:
            # Nowhere left to tell the person: the post itself is what failed.
            logger.warning("could not answer in thread: %s", api_error(error))

    @app.event("app_mention")
    @guarded
    async def mentioned(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
        if _from_a_bot_or_edit(event):
            return
        await answer_in_thread(event, body, client, context.get("bot_user_id"))

    @app.event("message")
    @guarded
    async def direct_message(event: dict[str, Any], body: dict[str, Any],
                             client: AsyncWebClient, context: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or _from_a_bot_or_edit(event):
            return
        await answer_in_thread(event, body, client, context.get("bot_user_id"))

    @app.shortcut("which_principle")
    @guarded
    async def which_principle_shortcut(ack: AsyncAck, body: dict[str, Any],
                                       client: AsyncWebClient) -> None:
        await ack()
        # A shortcut has no response URL: nowhere to report a refusal but the log.
        await open_modal(client, body["trigger_id"], render.ask_modal(), None, failure=None)

    @app.view(render.ASK_MODAL_CALLBACK)
    @guarded
    async def which_principle_submitted(ack: AsyncAck, view: dict[str, Any],
                                        body: dict[str, Any], client: AsyncWebClient) -> None:
        values = view["state"]["values"]
        question = (values[render.ASK_MODAL_INPUT_BLOCK][render.ASK_MODAL_INPUT_ACTION]
                    .get("value") or "").strip()
        if not question:
            await ack(response_action="errors",
                      errors={render.ASK_MODAL_INPUT_BLOCK: "Type a question or a situation."})
            return
        await ack()
        if not await deliveries.first_time(team_of(body), f"view:{view.get('id')}"):
            return
        answer = index.search(question[:QUESTION_LIMIT])
        try:
            await client.chat_postMessage(channel=body["user"]["id"],
                                          text=render.answer_text(answer),
                                          blocks=render.answer_blocks(answer, shareable=False))
        except SlackApiError as error:
            logger.warning("could not send the answer by DM: %s", api_error(error))


def _from_a_bot_or_edit(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") or event.get("bot_profile"))


def _is_ephemeral(body: dict[str, Any]) -> bool:
    return bool(body.get("container", {}).get("is_ephemeral"))
