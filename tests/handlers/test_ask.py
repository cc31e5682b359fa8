"""Asking from Slack, end to end: the real app over HTTP, Slack-signed requests, the Slack double.

Each scenario checks what the person would see: the message returned in the ack, or the messages
and views the bot sent to Slack (recorded by the double).
"""

from __future__ import annotations

import logging

import pytest

from bot.localslack import signed_requests as slack
from tests.utils.slack import (
    ACTOR,
    BOT_ID,
    BOT_USER,
    DM_ACTOR,
    answers_posted,
    best_practice,
    button_action,
    button_labels,
    buttons,
    interactive_payload,
    live_markup,
    old_timestamp,
    serving_bot,
    shown,
    shown_texts,
)

ADDRESS_QUESTION = "why do people have to type their address on every form?"
LOCK_IN_QUESTION = "how do we avoid vendor lock-in?"
OFF_TOPIC = "the coffee machine is broken again"
INJECTION = "<!channel> <@U123> <https://evil.example|click>"


def practice_line(match) -> str:
    return f"{match.practice.id} {match.practice.title}"


# ---------------------------------------------------------------------- /principles


async def test_question_gets_an_ephemeral_answer_with_source_and_choices(bot, index):
    expected = index.search(ADDRESS_QUESTION)
    best, *others = expected.matches
    answer = await bot.answer(ADDRESS_QUESTION)

    assert answer["response_type"] == "ephemeral"
    assert best_practice(answer) == "10.3" == best.practice.id
    text = shown(answer)
    assert f"{best.practice.id} {best.practice.title}" in text
    assert f"Principle {best.principle.number}: {best.principle.title}" in text
    assert best.practice.description[:120] in text  # the source excerpt, verbatim
    assert "Why: matched" in text and best.why[0] in text
    assert f"You asked: {ADDRESS_QUESTION}" in text
    assert button_labels(answer["blocks"]) == [
        practice_line(others[0]), practice_line(others[1]), "Full principle", "Share in channel",
    ]
    assert answer["text"].startswith("10.3")  # the notification / screen-reader fallback


async def test_principles_alone_lists_the_ten_principles_with_expand_buttons(bot, index):
    overview = await bot.answer("")
    assert overview["response_type"] == "ephemeral"
    text = shown(overview)
    for principle in index.knowledge.principles:
        assert f"*{principle.number}.* {principle.title}" in text
    assert button_labels(overview["blocks"]) == ["Expand"] * 10
    assert len(index.knowledge.principles) == 10


async def test_help_names_every_command(bot):
    help_message = await bot.answer("help")
    text = shown(help_message)
    for command in ("/principles", "/standup", "/retro"):
        assert command in text


async def test_off_topic_text_gets_a_decline_without_choices(bot, index):
    assert index.search(OFF_TOPIC).declined
    answer = await bot.answer(OFF_TOPIC)
    assert "doesn't look like a question" in shown(answer)
    assert button_labels(answer["blocks"]) == []


# ---------------------------------------------------------------------- buttons


async def test_picking_a_candidate_swaps_the_answer_in_place(bot, index):
    second = index.search(ADDRESS_QUESTION).matches[1]
    reply, response_url = await bot.command(ADDRESS_QUESTION)
    click, _ = await bot.click(button_action(reply.body["blocks"], practice_line(second)),
                               response_url)
    assert click.status == 200

    [posted] = await bot.double.wait_for("response_url")
    assert posted.url == response_url
    assert posted.args["replace_original"] is True
    assert best_practice(posted.args) == second.practice.id
    assert f"You asked: {ADDRESS_QUESTION}" in shown(posted.args)
    # Still only the asker sees it, so it can still be shared.
    assert "Share in channel" in button_labels(posted.args["blocks"])
    assert posted.args.get("response_type", "ephemeral") == "ephemeral"


async def test_share_in_channel_posts_for_everyone_naming_the_asker(bot):
    reply, response_url = await bot.command(LOCK_IN_QUESTION)
    await bot.click(button_action(reply.body["blocks"], "Share in channel"), response_url)

    [posted] = await bot.double.wait_for("response_url")
    assert posted.args["response_type"] == "in_channel"
    assert posted.args.get("replace_original") is not True
    assert f"<@{ACTOR.user_id}> asked" in shown(posted.args)
    assert best_practice(posted.args) == "3.2"
    assert "Share in channel" not in button_labels(posted.args["blocks"])


async def test_full_principle_opens_a_modal_with_every_practice(bot, index):
    principle = index.knowledge.principle(10)
    reply, response_url = await bot.command(ADDRESS_QUESTION)
    click, trigger_id = await bot.click(button_action(reply.body["blocks"], "Full principle"),
                                        response_url)
    assert click.status == 200

    [opened] = await bot.double.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger_id
    view = opened.args["view"]
    assert view["type"] == "modal"
    text = shown(view)
    assert principle.title in text
    for practice in principle.practices:
        assert f"{practice.id} {practice.title}" in text
    await bot.double.settle()
    assert bot.double.calls_to("response_url") == []


async def test_expand_shows_a_principle_and_all_principles_goes_back(bot, index):
    principle = index.knowledge.principle(4)
    reply, response_url = await bot.command("")
    expand = [a for _, a in buttons(reply.body["blocks"]) if a["value"] == "4"]
    assert len(expand) == 1
    action = {"type": "button", "action_id": expand[0]["action_id"], "value": "4",
              "text": expand[0]["text"], "block_id": ""}
    await bot.click(action, response_url)

    [expanded] = await bot.double.wait_for("response_url")
    assert expanded.args["replace_original"] is True
    text = shown(expanded.args)
    assert f"Principle {principle.number}" in text and principle.title in text
    for practice in principle.practices:
        assert f"{practice.id} {practice.title}" in text

    await bot.click(button_action(expanded.args["blocks"], "All principles"), response_url)
    overview = (await bot.double.wait_for("response_url", 2))[1]
    assert overview.args["replace_original"] is True
    assert button_labels(overview.args["blocks"]) == ["Expand"] * 10


# ---------------------------------------------------------------------- mentions and DMs


async def test_mention_is_answered_in_its_thread_without_the_bot_mention(bot):
    event = slack.message_event(ACTOR, LOCK_IN_QUESTION, mention=BOT_USER)
    assert (await bot.event(event)).status == 200

    [posted] = await bot.double.wait_for("chat.postMessage")
    assert posted.args["channel"] == ACTOR.channel_id
    assert posted.args["thread_ts"] == event["ts"]
    assert best_practice(posted.args) == "3.2"
    text = shown(posted.args)
    assert f"<@{ACTOR.user_id}> asked: {LOCK_IN_QUESTION}" in text
    assert BOT_USER not in text


async def test_direct_message_is_answered_in_its_thread(bot):
    event = slack.message_event(DM_ACTOR, ADDRESS_QUESTION, channel_type="im")
    assert (await bot.event(event, actor=DM_ACTOR)).status == 200

    [posted] = await bot.double.wait_for("chat.postMessage")
    assert posted.args["channel"] == DM_ACTOR.channel_id
    assert posted.args["thread_ts"] == event["ts"]
    assert best_practice(posted.args) == "10.3"
    assert f"<@{DM_ACTOR.user_id}> asked: {ADDRESS_QUESTION}" in shown(posted.args)


@pytest.mark.parametrize("extra", [
    pytest.param({"bot_id": "B999", "user": "U999"}, id="another-bot"),
    pytest.param({"bot_id": BOT_ID, "user": BOT_USER}, id="the-bot-itself"),
    pytest.param({"subtype": "message_changed"}, id="edit"),
    pytest.param({"subtype": "channel_join"}, id="join"),
])
async def test_bot_messages_and_subtypes_get_no_answer(bot, extra):
    ignored = slack.message_event(DM_ACTOR, LOCK_IN_QUESTION, channel_type="im", **extra)
    assert (await bot.event(ignored, actor=DM_ACTOR)).status == 200
    # A person's message after it is answered: the only answer must be to that one.
    person = slack.message_event(DM_ACTOR, ADDRESS_QUESTION, channel_type="im")
    await bot.event(person, actor=DM_ACTOR)
    await bot.double.wait_for("chat.postMessage")
    await bot.double.settle()
    assert [c.args["thread_ts"] for c in answers_posted(bot.double)] == [person["ts"]]


async def test_a_redelivered_event_is_answered_once(bot):
    event = slack.message_event(ACTOR, LOCK_IN_QUESTION, mention=BOT_USER)
    request = slack.event_callback(ACTOR, event)
    assert (await bot.send(request)).status == 200
    await bot.double.wait_for("chat.postMessage")
    assert (await bot.send(request, retry_num=1)).status == 200
    await bot.double.settle()
    assert len(answers_posted(bot.double)) == 1


async def test_a_redelivery_to_another_replica_is_answered_once(slack_double, index, tmp_path):
    """Two bot processes on one database, as when scaled out: Slack retries the event at
    the other one, which must recognise it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    secret = "replica-secret"
    event = slack.message_event(ACTOR, LOCK_IN_QUESTION, mention=BOT_USER)
    request = slack.event_callback(ACTOR, event)
    async with serving_bot(slack_double, index, url, secret) as first, \
            serving_bot(slack_double, index, url, secret) as second:
        assert (await first.send(request)).status == 200
        await slack_double.wait_for("chat.postMessage")
        assert (await second.send(request, retry_num=1)).status == 200
        await slack_double.settle()
        assert len(answers_posted(slack_double)) == 1


# ---------------------------------------------------------------------- shortcut and modal


async def open_ask_modal(bot) -> tuple[dict, str]:
    request = slack.global_shortcut(ACTOR, "which_principle")
    reply = await bot.send(request)
    assert reply.status == 200
    [opened] = await bot.double.wait_for("views.open")
    return opened.args, interactive_payload(request)["trigger_id"]


def input_values(view: dict, text: str | None) -> dict:
    [block] = [b for b in view["blocks"] if b["type"] == "input"]
    element = block["element"]
    return {block["block_id"]: {element["action_id"]: {"type": element["type"], "value": text}}}


async def test_shortcut_opens_the_question_modal(bot):
    opened, trigger_id = await open_ask_modal(bot)
    assert opened["trigger_id"] == trigger_id
    view = opened["view"]
    assert view["type"] == "modal"
    assert [b["type"] for b in view["blocks"]].count("input") == 1
    assert view.get("submit")


async def test_submitting_the_modal_sends_the_answer_by_dm(bot):
    opened, _ = await open_ask_modal(bot)
    view = opened["view"]
    reply = await bot.send(slack.view_submission(ACTOR, view,
                                                 input_values(view, LOCK_IN_QUESTION)))
    assert reply.status == 200
    assert not (isinstance(reply.body, dict) and reply.body.get("response_action"))

    [posted] = await bot.double.wait_for("chat.postMessage")
    assert posted.args["channel"] == ACTOR.user_id
    assert best_practice(posted.args) == "3.2"
    assert f"You asked: {LOCK_IN_QUESTION}" in shown(posted.args)


async def test_an_empty_submission_is_refused_in_the_modal(bot):
    opened, _ = await open_ask_modal(bot)
    view = opened["view"]
    [block] = [b for b in view["blocks"] if b["type"] == "input"]
    reply = await bot.send(slack.view_submission(ACTOR, view, input_values(view, None)))
    assert reply.status == 200
    assert reply.body["response_action"] == "errors"
    assert reply.body["errors"][block["block_id"]]
    await bot.double.settle()
    assert answers_posted(bot.double) == []


# ---------------------------------------------------------------------- security


@pytest.mark.parametrize("signing", ["wrong-secret", "old-timestamp"])
async def test_unsigned_or_stale_requests_are_refused_and_reach_nothing(bot, signing):
    kwargs = ({"secret": "not-the-signing-secret"} if signing == "wrong-secret"
              else {"timestamp": old_timestamp()})
    mention = slack.event_callback(
        ACTOR, slack.message_event(ACTOR, LOCK_IN_QUESTION, mention=BOT_USER))
    command = slack.slash_command(ACTOR, "/principles", LOCK_IN_QUESTION,
                                  bot.double.response_url())
    at_start = len(bot.double.calls)  # the start-up check of the bot token
    for request in (mention, command):
        reply = await bot.send(request, **kwargs)
        assert reply.status == 401
        assert "3.2" not in reply.raw
    await bot.double.settle()
    assert bot.double.calls[at_start:] == []
    # The same mention, signed properly, is answered.
    assert (await bot.send(mention)).status == 200
    await bot.double.wait_for("chat.postMessage")


async def test_slash_command_text_cannot_inject_mentions_or_links(bot):
    answer = await bot.answer(INJECTION)
    assert live_markup(answer) == []
    # Shown as the markup reads, made plain: the mentions by name, the link by its label.
    assert "You asked: @channel @U123 click" in shown(answer)
    for text in shown_texts(answer):
        for live in ("<!channel>", "<@U123>", "<https://evil.example"):
            assert live not in text


async def test_dm_text_cannot_inject_mentions(bot):
    event = slack.message_event(
        DM_ACTOR, f"<!channel> <@U999> {LOCK_IN_QUESTION}", channel_type="im")
    await bot.event(event, actor=DM_ACTOR)
    [posted] = await bot.double.wait_for("chat.postMessage")
    assert best_practice(posted.args) == "3.2"
    # The only live markup is the bot's own mention of who asked.
    assert live_markup(posted.args, allowed=(f"<@{DM_ACTOR.user_id}>",)) == []
    for text in shown_texts(posted.args):
        assert "<!channel>" not in text and "<@U999>" not in text


# ---------------------------------------------------------------------- Web API failures


def assert_logged_not_raised(caplog) -> None:
    warnings = [r for r in caplog.records
                if r.name.startswith("principlebot") and r.levelno >= logging.WARNING]
    assert warnings, "the failure was not logged"
    tracebacks = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info]
    assert tracebacks == [], "an exception escaped to the log instead of being handled"


async def assert_still_answers(bot) -> None:
    answer = await bot.answer(LOCK_IN_QUESTION)
    assert best_practice(answer) == "3.2"


@pytest.mark.parametrize("failure", [
    # One attempt: a post Slack answered 500 may have gone through, so it is not re-sent.
    pytest.param({"status": 500}, id="500"),
    pytest.param({"error": "not_in_channel"}, id="not_in_channel"),
])
async def test_a_failed_post_to_the_thread_is_logged_and_the_bot_carries_on(
        bot, caplog, failure):
    bot.double.fail_next("chat.postMessage", **failure)
    event = slack.message_event(ACTOR, LOCK_IN_QUESTION, mention=BOT_USER)
    assert (await bot.event(event)).status == 200
    await bot.double.wait_for("chat.postMessage", failure.get("times", 1))
    await bot.double.settle()
    assert_logged_not_raised(caplog)
    await assert_still_answers(bot)


async def test_a_rate_limited_post_is_retried_after_retry_after(bot, caplog):
    bot.double.fail_next("chat.postMessage", retry_after=1)
    event = slack.message_event(ACTOR, LOCK_IN_QUESTION, mention=BOT_USER)
    await bot.event(event)
    first, second = await bot.double.wait_for("chat.postMessage", 2)
    assert second.args == first.args
    assert best_practice(second.args) == "3.2"
    await bot.double.settle()
    assert len(answers_posted(bot.double)) == 2
    assert [r for r in caplog.records if r.exc_info] == []
    await assert_still_answers(bot)


async def test_full_principle_falls_back_to_the_response_url_when_views_open_fails(
        bot, caplog, index):
    principle = index.knowledge.principle(10)
    bot.double.fail_next("views.open", status=500, times=3)
    reply, response_url = await bot.command(ADDRESS_QUESTION)
    await bot.click(button_action(reply.body["blocks"], "Full principle"), response_url)

    [posted] = await bot.double.wait_for("response_url")
    assert posted.url == response_url
    assert posted.args.get("replace_original") is not True
    text = shown(posted.args)
    for practice in principle.practices:
        assert f"{practice.id} {practice.title}" in text
    await bot.double.settle()
    assert_logged_not_raised(caplog)
    await assert_still_answers(bot)


async def test_a_response_url_failing_past_the_ceiling_is_logged_and_the_bot_carries_on(
        bot, caplog, index):
    second = index.search(ADDRESS_QUESTION).matches[1]
    bot.double.fail_next("response_url", retry_after=3600)
    reply, response_url = await bot.command(ADDRESS_QUESTION)
    click, _ = await bot.click(button_action(reply.body["blocks"], practice_line(second)),
                               response_url)
    assert click.status == 200
    await bot.double.wait_for("response_url")
    await bot.double.settle()
    assert len(bot.double.calls_to("response_url")) == 1  # an hour is past the ceiling
    assert_logged_not_raised(caplog)
    await assert_still_answers(bot)


async def test_command_text_is_shown_as_typed_escaped_once(bot):
    """Slack sends a command's `&`, `<`, `>` as entities; the echo must escape them once."""
    answer = await bot.answer("R&amp;D teams and &lt;b&gt; tags")
    text = shown(answer)
    assert "R&amp;D teams and &lt;b&gt; tags" in text
    assert "&amp;amp;" not in text and "&amp;lt;" not in text


async def test_a_long_question_with_quotes_still_swaps_in_place(bot):
    question = ('we "always" re-enter the same data \\ on every form\n ' * 60)[:1990]
    reply, response_url = await bot.command(question)
    assert reply.status == 200
    candidate = next(label for label in button_labels(reply.body["blocks"])
                     if label[:1].isdigit())
    click, _ = await bot.click(button_action(reply.body["blocks"], candidate), response_url)
    assert click.status == 200
    [swapped] = await bot.double.wait_for("response_url")
    assert swapped.args.get("replace_original") is True
    assert best_practice(swapped.args) == candidate.split()[0]
