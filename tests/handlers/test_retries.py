"""Slack answering "later" (429) or "failed" (5xx): a response URL post is tried again, honouring
Retry-After, until it is delivered or the waits would pass the ceiling; the Web API client waits
out a 429 only within the same ceiling. Nothing is delivered twice."""

from __future__ import annotations

import asyncio
import logging
import time

from bot.localslack import signed_requests as slack
from tests.utils.slack import ACTOR, BOT_USER, button_action

# Past handlers.kit.http.RETRY_CEILING_SECONDS (30 s).
PAST_THE_CEILING = 31
QUESTION = "why do people have to type their address on every form?"


async def pick_second_answer(bot, index) -> str:
    """Click the second candidate of an answer: the bot swaps it in through the response URL."""
    second = index.search(QUESTION).matches[1]
    reply, response_url = await bot.command(QUESTION)
    label = f"{second.practice.id} {second.practice.title}"
    click, _ = await bot.click(button_action(reply.body["blocks"], label), response_url)
    assert click.status == 200
    return second.practice.id


async def test_a_refused_response_url_post_is_delivered_on_a_later_try(bot, index):
    # 500, 503 and a 429 asking for a second, each met by one of three clicks made at once.
    bot.double.fail_next("response_url", status=500)
    bot.double.fail_next("response_url", status=503)
    bot.double.fail_next("response_url", retry_after=1)
    started = time.monotonic()
    await asyncio.gather(*(pick_second_answer(bot, index) for _ in range(3)))
    posts = await bot.double.wait_for("response_url", 6)
    assert time.monotonic() - started >= 1.0  # Retry-After, or the first back-off
    await bot.double.settle()
    by_url: dict[str, list] = {}
    for call in bot.double.calls_to("response_url"):
        by_url.setdefault(call.url, []).append(call)
    assert len(posts) == 6 and len(by_url) == 3
    for failed, delivered in by_url.values():  # each refused once, then delivered once
        assert delivered.args == failed.args


async def test_retry_after_past_the_ceiling_is_not_waited_for(bot, caplog):
    caplog.set_level(logging.WARNING)
    bot.double.fail_next("chat.postMessage", retry_after=PAST_THE_CEILING)
    started = time.monotonic()
    event = slack.message_event(ACTOR, QUESTION, mention=BOT_USER)
    assert (await bot.event(event)).status == 200
    await bot.double.wait_for("chat.postMessage")
    await bot.double.settle()
    assert time.monotonic() - started < 5
    assert len(bot.double.calls_to("chat.postMessage")) == 1
    assert "giving up on chat.postMessage" in caplog.text


async def test_web_api_calls_and_response_url_posts_share_one_connection(bot, index):
    for round_ in range(1, 4):
        await pick_second_answer(bot, index)
        event = slack.message_event(ACTOR, QUESTION, mention=BOT_USER)
        assert (await bot.event(event)).status == 200
        await bot.double.wait_for("response_url", round_)
        await bot.double.wait_for("chat.postMessage", round_)
    calls = bot.double.calls_to("response_url") + bot.double.calls_to("chat.postMessage")
    assert len(calls) == 6
    # A session per post opened a connection per post; one shared session keeps one alive.
    assert len({call.peer for call in calls}) == 1, [call.peer for call in calls]
