"""Chatter and IT trouble are declined with a clear signal; questions about the work are not."""

from __future__ import annotations

import pytest

from knowledge.answer import CONFIDENT_SCORE


@pytest.mark.parametrize(
    "text",
    ["the data centre aircon is broken again", "lunch?", "what's for lunch",
     "is the coffee machine broken again", "happy birthday sarah!", "my train is late",
     "who won the match last night", "can anyone lend me a hdmi adapter for the projector",
     "my vpn drops every ten minutes since the update", "drinks at 6 for Sam's leaving do :beers:",
     "the build is red again, who merged without running the tests?"],
)
def test_chatter_is_declined(index, text):
    answer = index.search(text)
    assert answer.declined
    assert not answer.confident
    assert answer.reason == "off_topic"
    # The matches stay available, with scores that say they are unlikely to be right.
    assert answer.matches and answer.matches[0].score < 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("why do people have to give us the same documents again and again", "10.3"),
        ("who owns the data in this project", "4.3"),
        ("we need welsh and arabic translations of the form", "1.5"),
        ("acessibility", "1.5"),
        ("procurment", "9.3"),
        ("our team keeps losing people and the budget is year to year", "7.2"),
    ],
)
def test_questions_about_the_work_are_answered(index, text, expected):
    answer = index.search(text)
    assert answer.confident and not answer.declined and answer.reason is None
    assert expected in [m.practice.id for m in answer.matches[:3]]


def test_a_typo_scores_like_its_correction(index):
    """A score means the same across questions: a single misspelt word is not 'unsure'."""
    typo, right = index.search("acessibility"), index.search("accessibility")
    assert typo.matches[0].practice.id == right.matches[0].practice.id
    assert abs(typo.matches[0].score - right.matches[0].score) <= 0.15


def test_the_json_carries_what_a_reply_needs(index):
    data = index.search("lunch?").to_json()
    assert data["declined"] is True and data["reason"] == "off_topic"
    assert data["language"] == "en"
    assert data["principle_reference"] is None and data["note"] is None
    assert {"query", "confident", "matches"} <= set(data)


@pytest.mark.parametrize("text", ["zzxq vbnm qwerty", "asdf", "#zzxqvbnm"])
def test_text_no_vocabulary_knows_has_no_matches(index, text):
    answer = index.search(text)
    assert answer.declined and answer.reason == "off_topic"
    assert answer.matches == ()


@pytest.mark.parametrize("text", ["privacy", "onboarding"])
def test_a_question_on_topic_but_unsure_is_neither_confident_nor_declined(index, text):
    """Confident means the top match is more likely right than not; below that the matches
    are choices, and the text is still a question the principles answer."""
    answer = index.search(text)
    assert not answer.declined and answer.reason is None
    assert not answer.confident
    assert len(answer.matches) == 3 and answer.matches[0].score < CONFIDENT_SCORE


def test_confident_answers_are_the_likely_right_ones(index):
    answer = index.search("how do we avoid vendor lock-in?")
    assert answer.confident and answer.matches[0].score >= CONFIDENT_SCORE
