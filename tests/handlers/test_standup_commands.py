"""The text of `/standup ...` parsed into a command (handlers.standup.commands): any text, however
long or strange, gives a command quickly; numbers never grow past what can be converted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from handlers.standup.commands import MAX_REPORT_DAYS, parse_standup_command
from knowledge.loader import default_checklists
from tests.utils.hostile import after, hostile_text, quick


@pytest.fixture(scope="module")
def parse(index):
    checklists = default_checklists(index.knowledge)
    return lambda raw: parse_standup_command(raw, checklists, index.knowledge)


@settings(max_examples=100, deadline=None)
@given(raw=hostile_text() | after("report ") | after("principle ") | after("p"))
def test_any_text_parses_quickly_into_a_command_without_raising(parse, raw):
    command = quick(parse, raw)
    assert command.verb in {"start", "help", "list", "report", "schedule", "join", "leave",
                            "who", "remind", "unknown"}
    assert 1 <= command.days <= MAX_REPORT_DAYS
    assert (command.checklist is not None) == (command.verb == "start")


@pytest.mark.parametrize("raw", ["p" + "9" * 5000, "principle " + "9" * 5000,
                                 "report " + "9" * 5000])
def test_numbers_too_long_to_convert_say_what_to_type(parse, raw):
    command = parse(raw)
    assert command.verb == "unknown"
    assert "/standup" in command.message


def test_only_the_start_of_a_long_text_is_read(parse):
    # Every command fits in the first MAX_TEXT characters; the rest is never read.
    assert parse("report 30" + " x" * 20_000) == parse("report 30" + " x" * 145)
