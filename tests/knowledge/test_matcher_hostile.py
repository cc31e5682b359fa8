"""The matcher's text paths under any input: markup cleaning, telling the language, the words
of every language and a whole search read hostile text (long runs of commas, at signs, angle
brackets, spaces) in linear time and never raise."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.chat import clean_chat_text
from knowledge.index import MAX_QUESTION
from knowledge.language import LANGUAGE_NAMES, analyser, detect_language
from tests.utils.hostile import hostile_text, quick

CHAT_FRAGMENTS = st.sampled_from([
    "cc ", ",", "@", "@a", "fyi ", "<@U1>", "<!here>", "<https://", "|", ">", "&gt; ", "`",
    "```", ":", ":tada:", "*_", "~", " ", "\n", "?", "www.", "http://x", "é", "の", "가",
])
CHAT_TEXT = st.lists(st.tuples(CHAT_FRAGMENTS, st.integers(1, 20_000)), min_size=1,
                     max_size=3).map(lambda runs: "".join(f * n for f, n in runs)[:40_000])
# A whole search embeds the question as well: still far below what a backtracking pattern
# takes on such a text (seconds to minutes).
SEARCH_SECONDS = 2.0


@settings(max_examples=60, deadline=None)
@given(text=hostile_text() | CHAT_TEXT)
def test_markup_cleaning_and_the_language_are_quick_on_any_text(text):
    cleaned = quick(clean_chat_text, text)
    assert isinstance(cleaned, str) and len(cleaned) <= len(text)
    assert quick(detect_language, text) in LANGUAGE_NAMES


@settings(max_examples=20, deadline=None)
@given(text=hostile_text() | CHAT_TEXT, language=st.sampled_from(sorted(LANGUAGE_NAMES)))
def test_the_words_of_any_language_are_quick_on_any_text(text, language):
    assert isinstance(quick(analyser(language).words, text), list)


def test_a_cc_line_of_commas_is_read_in_milliseconds():
    assert quick(clean_chat_text, "cc " + "," * 40_000 + "?")
    assert quick(clean_chat_text, "fyi " + "@a" * 20_000) == ""


@settings(max_examples=15, deadline=None)
@given(text=hostile_text() | CHAT_TEXT)
def test_a_search_reads_at_most_its_limit_of_any_text(index, text):
    started = time.perf_counter()
    answer = index.search(text)
    assert time.perf_counter() - started < SEARCH_SECONDS
    assert answer.query == text
    assert len(answer.matches) <= 3 and all(0 <= m.score <= 1 for m in answer.matches)
    assert index.search(text[:MAX_QUESTION]).to_json() == {**answer.to_json(),
                                                            "query": text[:MAX_QUESTION]}


def test_half_a_surrogate_pair_is_read_not_raised(index):
    """JSON can carry "\\ud800" alone; the model reads UTF-8, which has no such character."""
    assert index.search("  \ud800").declined
    assert index.search("accessibility \udfff audit").matches[0].practice.id == "1.5"
