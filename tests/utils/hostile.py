"""Typed text as a hostile or careless person might send it, for the property-based tests of
every parser: random text, and long runs of the fragments that make patterns backtrack (spaces
around `#`, unclosed mentions, endless tags, digits past any sane number, NUL bytes, lone
surrogates), up to Slack's own length limit.

`quick(parse, text)` runs one parse and fails when it takes longer than a linear parser could:
a backtracking pattern on 40,000 characters takes seconds, a linear one milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from hypothesis import strategies as st

Result = TypeVar("Result")

COMMAND_TEXT = 40_000  # Slack's limit on a command's text (handlers.kit.limits)

# Generous for a shared, noisy machine; the quadratic cases this guards against took 0.5-40 s.
PARSE_SECONDS = 0.25

FRAGMENTS = (
    " ", "  ", "\t", "\n", "#", "#a", " #a", " #4.2", "#security", "#4", "<@U1|", "<@U123|ann>",
    "<@W0ABC>", "<@U1", ">", "<", "<!channel>", "<#C1|general>", "&lt;", "&gt;", "&amp;", "&",
    "!", "p", "p ", "principle ", "practice ", " # ", "1", "1.", "4.2", ".", "-", "9" * 12,
    "\x00", "\ud800", "\udfff", "é", "٣", "\u200b", "friday", "15:30", "pm", "am",
    "Europe/Paris", "add", "list", "done", "report", "schedule", "x",
)


def _repeated(parts: list[tuple[str, int]]) -> str:
    return "".join(fragment * count for fragment, count in parts)[:COMMAND_TEXT]


def hostile_text() -> st.SearchStrategy[str]:
    """Random text, or long runs of troublesome fragments, at most Slack's command limit."""
    fragment = st.sampled_from(FRAGMENTS) | st.text(min_size=1, max_size=4)
    count = st.integers(1, COMMAND_TEXT // 2)
    runs = st.lists(st.tuples(fragment, count), min_size=1, max_size=4).map(_repeated)
    # One long run between two fragments: "p", 40,000 spaces, "x".
    framed = st.tuples(fragment, fragment, count, fragment).map(
        lambda parts: (parts[0] + parts[1] * parts[2] + parts[3])[:COMMAND_TEXT])
    return st.text(max_size=200) | runs | framed


def after(prefix: str) -> st.SearchStrategy[str]:
    """Hostile text behind a verb, still within the limit."""
    return hostile_text().map(lambda text: (prefix + text)[:COMMAND_TEXT])


def quick(parse: Callable[[str], Result], text: str) -> Result:
    """`parse(text)`, failing when it takes longer than a linear parser would."""
    started = time.perf_counter()
    result = parse(text)
    took = time.perf_counter() - started
    assert took < PARSE_SECONDS, f"{took:.2f} s to parse {len(text):,} characters"
    return result
