"""Questions that wait for the matcher: the rest of the bot does not wait with them, and a
question the matcher cannot answer within Slack's three seconds is answered by response URL."""

from __future__ import annotations

import asyncio
import time

import pytest

from handlers.ask.listeners import STILL_THINKING
from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge
from knowledge.semantic import Model
from tests.utils.models import WatchedModel
from tests.utils.retro import posts_to
from tests.utils.slack import best_practice, serving_bot

QUESTION = "our forms don't work with screen readers"
SLACKS_WINDOW = 3.0
# Longer than the bot waits before it acks (two seconds), on purpose.
MATCHER_SECONDS = 2.8


@pytest.fixture
async def slow_bot(slack_double, model: Model, sqlite_url_copy):
    """The bot whose matcher takes MATCHER_SECONDS over every new question."""
    index = PracticeIndex(load_knowledge(), model=WatchedModel(model, delay=MATCHER_SECONDS))
    async with serving_bot(slack_double, index, sqlite_url_copy) as client:
        yield client


async def test_a_slow_answer_follows_a_still_thinking_ack_and_holds_up_nobody(slow_bot):
    started = time.monotonic()
    command = asyncio.ensure_future(slow_bot.command(QUESTION))
    await asyncio.sleep(0.2)  # the matcher is at work on the question
    health = await slow_bot.healthz()
    # The server shares this test's event loop: a matcher on the loop would have held the
    # sleep above too, and the health check would only have gone out once the answer had.
    assert health < 0.5 and not command.done(), health
    reply, url = await command
    assert time.monotonic() - started < SLACKS_WINDOW
    assert reply.status == 200 and reply.body["text"] == STILL_THINKING
    _, answer = await posts_to(slow_bot, url, 2)
    assert answer.args["replace_original"] is True
    assert best_practice(answer.args) == "1.5"
