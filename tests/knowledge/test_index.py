"""The matcher on its own: typos, direct references, off-topic and empty text, determinism."""

from __future__ import annotations

import pytest

from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acessibility", "1.5"),
        ("procurment", "9.3"),
        ("vendr lock-in", "3.2"),
        ("plain langauge", "2.3"),
        ("why do people have to type their address on every form again?", "10.3"),
        ("our benefits system still runs on a mainframe nobody understands", "5.6"),
    ],
)
def test_typos_and_paraphrases_find_the_practice(index, text, expected):
    answer = index.search(text)
    assert answer.confident
    assert answer.matches[0].practice.id == expected
    assert answer.matches[0].why


def test_typo_correction_is_shown_in_the_why(index):
    why = index.search("acessibility").matches[0].why
    assert any("acessibility" in term and "accessibility" in term for term in why)


@pytest.mark.parametrize(
    ("text", "first_ids"),
    [
        ("principle 4", ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"]),
        ("p4", ["4.1", "4.2", "4.3"]),
        ("Principle #9", ["9.1", "9.2", "9.3"]),
        ("4.2", ["4.2"]),
        ("10.3", ["10.3"]),
        ("what does practice 7.3 say?", ["7.3"]),
        ("tell me about principle 10", ["10.1", "10.2", "10.3"]),
    ],
)
def test_direct_references_resolve_directly(index, text, first_ids):
    answer = index.search(text, limit=len(first_ids))
    assert answer.confident
    assert [m.practice.id for m in answer.matches] == first_ids
    assert all(m.score == 1.0 for m in answer.matches)


def test_a_reference_with_words_ranks_within_the_principle(index):
    answer = index.search("principle 4 carbon footprint of our hosting", limit=6)
    assert {m.practice.principle for m in answer.matches} == {4}
    assert answer.matches[0].practice.id == "4.4"


def test_a_version_number_is_not_a_reference(index):
    assert index.search("wcag 2.2 AA audit").matches[0].practice.id == "1.5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Asking users for information once", "10.3"), ("seeking out the needs of users", "1.1"),
     ("hiding the complexity of govt", "1.6"), ("decommisioning services in good time", "8.6")],
)
def test_a_title_typed_roughly_resolves_directly(index, text, expected):
    answer = index.search(text)
    assert answer.confident
    assert answer.matches[0].practice.id == expected
    assert answer.matches[0].why == ("title",)


@pytest.mark.parametrize(
    "text",
    ["what's for lunch", "asdf", "the weather is nice today", "who won the match last night",
     "is the coffee machine broken again", "happy birthday sarah!", "my train is late"],
)
def test_off_topic_text_is_not_confident(index, text):
    assert not index.search(text).confident


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_text_has_no_matches(index, text):
    answer = index.search(text)
    assert not answer.confident
    assert answer.matches == ()


def test_scores_are_ranked_and_bounded(index):
    answer = index.search("how should we publish performance data on a dashboard?", limit=10)
    scores = [m.score for m in answer.matches]
    assert len(scores) == 10
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert index.search("x", limit=0).matches == () or len(index.search("x", limit=0).matches) <= 1


def test_same_text_same_ranking_even_in_a_new_index(index):
    text = "we keep losing people halfway through the form and nobody knows why"
    first = [(m.practice.id, m.score, m.why) for m in index.search(text, limit=10).matches]
    again = PracticeIndex(load_knowledge()).search(text, limit=10)
    assert first == [(m.practice.id, m.score, m.why) for m in again.matches]
