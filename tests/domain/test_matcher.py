"""The matcher as the running bot uses it: questions ranked on a worker thread while the event
loop goes on, and a question asked again not embedded again."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.domain.matcher import Matcher
from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge
from knowledge.semantic import Model
from tests.utils.models import WatchedModel

QUESTION = "how do we make the benefits form work with screen readers?"


@pytest.fixture
def watched(model: Model) -> WatchedModel:
    return WatchedModel(model)


@pytest.fixture
def matcher(watched: WatchedModel) -> Matcher:
    return Matcher(PracticeIndex(load_knowledge(), model=watched))


async def test_the_event_loop_runs_on_while_a_question_is_ranked(matcher, watched):
    watched.delay = 0.3
    ticks = 0
    ranking = asyncio.ensure_future(matcher.search(QUESTION))
    while not ranking.done():
        await asyncio.sleep(0.01)
        ticks += 1
    # On the loop, the ranking would have held it for the whole 0.3 s: no tick in between.
    assert ticks >= 10
    assert threading.get_ident() not in watched.threads
    assert (await ranking).matches[0].practice.id == "1.5"


async def test_a_question_asked_again_is_not_embedded_again(matcher, watched, index):
    first = await matcher.search(QUESTION)
    picked = await matcher.focus(QUESTION, first.matches[1].practice.id)
    again = await matcher.search(QUESTION, limit=1)
    assert watched.questions == [QUESTION]
    assert picked.matches[0].practice.id == first.matches[1].practice.id
    assert again.matches[0] == first.matches[0]
    # What is remembered changes no answer: the same as an index that never saw the question.
    assert first.to_json() == index.search(QUESTION).to_json()


async def test_a_forgotten_question_is_embedded_anew(matcher, watched):
    await matcher.search(QUESTION)
    matcher.index.semantic.forget()
    await matcher.search(QUESTION)
    assert watched.questions == [QUESTION, QUESTION]
