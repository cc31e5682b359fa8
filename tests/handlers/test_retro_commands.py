"""The text of `/retro ...` parsed into a command (handlers.retro_command.parse_retro_command):
the modal and help, `add` with trailing tags and an owner, `list` filters, action numbers,
your data, schedules and unknown words. Slack escapes the text (`<@U123|name>`, `&lt;`)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from handlers.retro.commands import RetroCommand, parse_retro_command
from tests.utils.hostile import after, hostile_text, quick

# ---------------------------------------------------------------------- modal and help


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_no_text_opens_the_modal(raw):
    assert parse_retro_command(raw) == RetroCommand("modal")


@pytest.mark.parametrize("raw", ["help", "HELP", " help ", "?", "-h", "--help", "help me"])
def test_help(raw):
    assert parse_retro_command(raw) == RetroCommand("help")


# ---------------------------------------------------------------------- add


@pytest.mark.parametrize(
    ("raw", "text", "tags", "owner"),
    [
        ("add Fix the form", "Fix the form", (), None),
        ("ADD Fix the form", "Fix the form", (), None),
        ("add Fix the form #4", "Fix the form", ("#4",), None),
        ("add Fix the form #4.2 #security", "Fix the form", ("#4.2", "#security"), None),
        ("add Fix the form #vendor-lock-in  ", "Fix the form", ("#vendor-lock-in",), None),
        ("add Fix the form <@U123|ann>", "Fix the form", (), "U123"),
        ("add Fix the form <@U123>", "Fix the form", (), "U123"),
        ("add Fix the form <@W0ABC|ann>", "Fix the form", (), "W0ABC"),
        # Tags and an owner, in either order.
        ("add Fix the form #4 #security <@U123|ann>", "Fix the form", ("#4", "#security"),
         "U123"),
        ("add Fix the form <@U123|ann> #4 #security", "Fix the form", ("#4", "#security"),
         "U123"),
        # Tags on both sides of the owner are all tags, in the order written.
        ("add Fix the form #4 <@U123|ann> #security", "Fix the form", ("#4", "#security"),
         "U123"),
    ],
)
def test_add_with_trailing_tags_and_an_owner(raw, text, tags, owner):
    assert parse_retro_command(raw) == RetroCommand("add", text=text, tags=tags, user_id=owner)


def test_a_tag_in_the_middle_of_the_text_stays_text():
    assert parse_retro_command("add Fix #2 in the sign-up form #4") == RetroCommand(
        "add", text="Fix #2 in the sign-up form", tags=("#4",))
    assert parse_retro_command("add Fix #2 in the sign-up form") == RetroCommand(
        "add", text="Fix #2 in the sign-up form")


def test_a_mention_in_the_middle_of_the_text_stays_text_and_is_no_owner():
    assert parse_retro_command("add Ask <@U123|ann> about the form #4") == RetroCommand(
        "add", text="Ask @ann about the form", tags=("#4",))


@pytest.mark.parametrize(
    ("raw", "tags", "owner"),
    [
        ("add #4", ("#4",), None),
        ("add #4 #security", ("#4", "#security"), None),
        ("add #4 <@U123|ann>", ("#4",), "U123"),
        ("add <@U123|ann> #4", ("#4",), "U123"),
        ("add <@U123|ann>", (), "U123"),
        ("add", (), None),
    ],
)
def test_add_with_only_tags_or_an_owner_has_empty_text(raw, tags, owner):
    assert parse_retro_command(raw) == RetroCommand("add", text="", tags=tags, user_id=owner)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("add Remove the &lt;b&gt; tags", "Remove the <b> tags"),
        ("add Users &amp; staff", "Users & staff"),
        ("add Literally &amp;lt; here", "Literally &lt; here"),
        ("add Read   the   feedback", "Read the feedback"),
        ("add Post in <#C0123|general>", "Post in #general"),
    ],
)
def test_add_text_is_plain_with_entities_decoded(raw, text):
    assert parse_retro_command(raw) == RetroCommand("add", text=text)


# ---------------------------------------------------------------------- list


@pytest.mark.parametrize(
    ("raw", "status", "principle", "owner"),
    [
        ("list", "open", None, None),
        ("list open", "open", None, None),
        ("list done", "done", None, None),
        ("list ALL", "all", None, None),
        ("list #4", "open", 4, None),
        ("list #4.2", "open", 4, None),
        ("list #10", "open", 10, None),
        ("list <@U123|ann>", "open", None, "U123"),
        ("list <@U123>", "open", None, "U123"),
        ("list all #4 <@U123|ann>", "all", 4, "U123"),
        ("list <@U123|ann> #4 done", "done", 4, "U123"),
    ],
)
def test_list_filters(raw, status, principle, owner):
    assert parse_retro_command(raw) == RetroCommand(
        "list", status=status, principle=principle, user_id=owner)


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        ("list closed", "closed"),
        ("list done #4 soon", "soon"),
        ("list #security", "#security"),
        ("list &lt;b&gt;", "<b>"),
    ],
)
def test_list_with_an_unknown_word_says_what_to_type(raw, quoted):
    command = parse_retro_command(raw)
    assert command.verb == "unknown"
    assert f"`{quoted}`" in command.text
    assert "/retro list [open|done|all] [#4] [@person]" in command.text


# ---------------------------------------------------------------------- numbers


@pytest.mark.parametrize("verb", ["done", "reopen", "delete"])
@pytest.mark.parametrize("number", ["42", "#42", " 42 ", "0042"])
def test_done_reopen_delete_take_an_action_number(verb, number):
    assert parse_retro_command(f"{verb} {number}") == RetroCommand(verb, number=42)
    assert parse_retro_command(f"{verb.upper()} {number}") == RetroCommand(verb, number=42)


@pytest.mark.parametrize("verb", ["done", "reopen", "delete"])
@pytest.mark.parametrize("rest", ["", "#", "forty-two", "42 43", "4.2", "-1", "1234567890"])
def test_done_reopen_delete_without_a_number_say_what_to_type(verb, rest):
    command = parse_retro_command(f"{verb} {rest}")
    assert command.verb == "unknown"
    assert command.number is None
    assert command.text == (
        f"`/retro {verb}` needs an action number, e.g. `/retro {verb} 42`.")


# ---------------------------------------------------------------------- your data


@pytest.mark.parametrize("raw", ["mydata", "my-data", "MyData"])
def test_mydata(raw):
    assert parse_retro_command(raw) == RetroCommand("mydata")


@pytest.mark.parametrize("raw", ["forget-me", "forgetme", "Forget-Me"])
def test_forget_me(raw):
    assert parse_retro_command(raw) == RetroCommand("forget-me")


# ---------------------------------------------------------------------- schedule


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("schedule", ()),
        ("schedule off", ("off",)),
        ("schedule friday 16:00 Europe/Paris", ("friday", "16:00", "Europe/Paris")),
        ("SCHEDULE  Monday   9:30  ", ("Monday", "9:30")),
        ("schedule &lt;friday&gt; 10:00", ("<friday>", "10:00")),
        ("schedule friday &amp; monday", ("friday", "&", "monday")),
    ],
)
def test_schedule_words_are_decoded(raw, words):
    assert parse_retro_command(raw) == RetroCommand("schedule", words=words)


# ---------------------------------------------------------------------- unknown verbs


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        ("frobnicate", "frobnicate"),
        ("Frobnicate the form", "frobnicate"),
        ("adds Fix the form", "adds"),
        ("&lt;b&gt; hello", "<b>"),
    ],
)
def test_an_unknown_verb_is_quoted_back(raw, quoted):
    assert parse_retro_command(raw) == RetroCommand(
        "unknown", text=f"I don't know `/retro {quoted}`.")


# ---------------------------------------------------------------------- hostile text

VERB_NAMES = {"add", "list", "done", "reopen", "delete", "assign", "due", "edit", "export",
              "mydata", "forget-me", "help",
              "modal", "schedule", "unknown"}
TEXT_WORD = st.text(st.characters(blacklist_characters="#<>&", blacklist_categories=("Cs",)),
                    min_size=1, max_size=12).filter(lambda w: w.strip() == w and w)


@settings(max_examples=100, deadline=None)
@given(raw=hostile_text() | after("add ") | after("list ") | after("done "))
def test_any_text_parses_quickly_into_a_command_without_raising(raw):
    command = quick(parse_retro_command, raw)
    assert command.verb in VERB_NAMES
    assert all(re.fullmatch(r"#[\w.\-]+", tag) for tag in command.tags)
    assert command.user_id is None or re.fullmatch(r"[UW][A-Z0-9]+", command.user_id)
    assert command.number is None or 0 <= command.number < 10**9
    assert command.principle is None or 0 <= command.principle < 1000


@settings(max_examples=100, deadline=None)
@given(text=st.lists(TEXT_WORD, min_size=1, max_size=8).map(" ".join),
       tags=st.lists(st.from_regex(r"#[a-z0-9][a-z0-9.\-]{0,8}", fullmatch=True), max_size=4),
       owner=st.none() | st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True))
def test_text_tags_and_owner_come_back_as_written(text, tags, owner):
    raw = " ".join(["add", text, *tags] + ([f"<@{owner}|someone>"] if owner else []))
    command = parse_retro_command(raw)
    ends_with_a_tag = re.fullmatch(r"#[\w.\-]+", text.split()[-1])
    assume(not ends_with_a_tag)
    assert command == RetroCommand("add", text=" ".join(text.split()), tags=tuple(tags),
                                   user_id=owner)


def test_the_40000_character_add_that_froze_the_bot_parses_in_milliseconds():
    raw = "add x" + " #a" * 13331 + " !"
    assert len(raw) == 40_000
    command = quick(parse_retro_command, raw)
    assert command.verb == "add" and command.tags == ()


def test_text_over_slacks_limit_is_refused_before_it_is_read():
    command = parse_retro_command("add " + "x" * 40_000)
    assert command.verb == "unknown"
    assert "40,004 characters" in command.text
