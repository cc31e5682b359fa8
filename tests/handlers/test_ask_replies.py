"""What a reply says for each kind of answer the matcher gives, from Slack over HTTP: a decline
says what the bot is for, a reference shows the principle or says what exists, another language
is named, an unsure answer offers choices, Slack markup changes nothing, and whatever the person
typed is shown escaped."""

from __future__ import annotations

import pytest

from bot.localslack import signed_requests as slack
from tests.utils.slack import (
    ACTOR,
    BOT_USER,
    DM_ACTOR,
    best_practice,
    button_action,
    button_labels,
    live_markup,
    shown,
)

CHATTER = "the coffee machine is broken again"
FRENCH = "pourquoi les usagers doivent-ils redonner les mêmes pièces à chaque démarche ?"
UNSURE = "privacy"
PLAIN = "how do we avoid vendor lock-in in the cloud contract?"
MARKED_UP = ("<@U024BE7LH> :wave: how do we avoid vendor lock-in in the "
             "<https://intranet.example/contracts/cloud-2024|cloud contract>? :lock:\n"
             "&gt; we signed for ten years\n`contract-v2.pdf`\ncc <@U0ABCDE> <!here>")


async def mention(bot, text: str) -> dict:
    """Mention the bot with `text` in the channel; the reply posted in the thread."""
    await bot.event(slack.message_event(ACTOR, text, mention=BOT_USER))
    return (await bot.double.wait_for("chat.postMessage"))[-1].args


async def direct_message(bot, text: str, count: int = 1) -> dict:
    await bot.event(slack.message_event(DM_ACTOR, text, channel_type="im"), actor=DM_ACTOR)
    return (await bot.double.wait_for("chat.postMessage", count))[-1].args


def decline_shown(text: str) -> bool:
    return ("doesn't look like a question about designing or delivering a public service"
            in text and "`/principles`" in text and "describe it in your own words" in text)


async def test_chatter_gets_a_short_friendly_decline_not_choices(bot, index):
    assert index.search(CHATTER).declined
    for reply in (await bot.answer(CHATTER), await mention(bot, CHATTER),
                  await direct_message(bot, CHATTER, 2)):
        assert decline_shown(shown(reply))
        assert button_labels(reply["blocks"]) == []
        assert "not sure" not in shown(reply).lower()


async def test_a_message_of_markup_alone_is_declined_as_having_no_question(bot, index):
    text = "<https://example.org/forms/a-123> `make build`"
    assert index.search(text).reason == "empty"
    said = shown(await mention(bot, text))
    assert "I couldn't find a question in that, only links, mentions or code." in said
    assert button_labels((await direct_message(bot, text, 2))["blocks"]) == []


@pytest.mark.parametrize("text", ["p4", "principle four"])
async def test_a_principle_named_shows_its_overview(bot, index, text):
    principle = index.knowledge.principle(4)
    for reply in (await bot.answer(text), await mention(bot, text)):
        said = shown(reply)
        assert f"Principle {principle.number}" in said and principle.title in said
        for practice in principle.practices:
            assert f"*{practice.id} {practice.title}*\n{practice.description}" in said
        assert not [label for label in button_labels(reply["blocks"]) if label[:1].isdigit()]


async def test_a_principle_overview_can_be_shared_in_the_channel(bot, index):
    principle = index.knowledge.principle(4)
    reply, response_url = await bot.command("p4")
    await bot.click(button_action(reply.body["blocks"], "Share in channel"), response_url)
    [posted] = await bot.double.wait_for("response_url")
    assert posted.args["response_type"] == "in_channel"
    assert f"<@{ACTOR.user_id}> asked: p4" in shown(posted.args)
    assert principle.practices[-1].description in shown(posted.args)
    assert "Share in channel" not in button_labels(posted.args["blocks"])


async def test_a_principle_that_does_not_exist_gets_the_note_and_all_principles(bot):
    reply, response_url = await bot.command("principle 11")
    said = shown(reply.body)
    assert "There is no principle 11: there are 10 principles." in said
    assert button_labels(reply.body["blocks"]) == ["All principles"]
    await bot.click(button_action(reply.body["blocks"], "All principles"), response_url)
    [overview] = await bot.double.wait_for("response_url")
    assert button_labels(overview.args["blocks"]) == ["Expand"] * 10


async def test_a_practice_that_does_not_exist_names_its_principles_range(bot, index):
    said = shown(await mention(bot, "4.7"))
    assert "There is no practice 4.7: principle 4 has practices 4.1 to 4.6." in said
    reply, response_url = await bot.command("4.7")
    assert button_labels(reply.body["blocks"]) == ["Principle 4"]
    await bot.click(button_action(reply.body["blocks"], "Principle 4"), response_url)
    [expanded] = await bot.double.wait_for("response_url")
    for practice in index.knowledge.principle(4).practices:
        assert f"{practice.id} {practice.title}" in shown(expanded.args)


async def test_another_language_is_named_and_the_source_stays_english(bot, index):
    practice = index.knowledge.practice("10.3")
    for reply in (await bot.answer(FRENCH), await direct_message(bot, FRENCH)):
        said = shown(reply)
        assert best_practice(reply) == "10.3"
        assert "Understood as French; the OECD text is quoted in English." in said
        assert practice.title in said
        assert practice.description[:120] in said  # verbatim, never translated
        assert f"asked: {FRENCH}" in said
    assert "Understood as" not in shown(await bot.answer(PLAIN))


async def test_an_answer_probably_not_right_is_offered_as_choices(bot, index):
    expected = index.search(UNSURE)
    assert not expected.confident and not expected.declined
    assert expected.matches[0].score < 0.5
    for reply in (await bot.answer(UNSURE), await mention(bot, UNSURE)):
        assert "I'm not sure which practice applies. The closest ones:" in shown(reply)
        assert button_labels(reply["blocks"]) == [
            f"{m.practice.id} {m.practice.title}" for m in expected.matches]


async def test_a_mention_with_slack_markup_is_answered_like_the_plain_question(bot, index):
    plain = await mention(bot, PLAIN)
    marked = await mention(bot, MARKED_UP)
    assert best_practice(plain) == best_practice(marked) == "3.2"
    assert button_labels(plain["blocks"]) == button_labels(marked["blocks"])
    why = next(line for line in shown(plain).splitlines() if line.startswith("Why: matched"))
    assert why in shown(marked)
    # The echo shows the markup made plain, and nothing of it live.
    assert live_markup(marked, allowed=(f"<@{ACTOR.user_id}>",)) == []
    assert "cloud contract" in shown(marked) and "intranet.example" not in shown(marked)


@pytest.mark.parametrize("text", [
    "<!channel> p4", "<!channel> principle 11", "<!channel> 4.7", f"<!channel> {CHATTER}",
    f"<!channel> {UNSURE}", f"<!channel> {FRENCH}", f"<!channel> <@U999> {PLAIN}",
    "<!channel> <https://evil.example|click> &lt;b&gt; R&amp;D",
])
async def test_every_kind_of_reply_escapes_what_was_typed(bot, text):
    reply = await direct_message(bot, text)
    assert live_markup(reply, allowed=(f"<@{DM_ACTOR.user_id}>",)) == []
    said = shown(reply)
    assert "@channel" in said and "<!channel>" not in said
    if "&lt;b&gt;" in text:  # typed "<b>" and "R&D": shown as typed, escaped once
        assert "&lt;b&gt; R&amp;D" in said and "&amp;lt;" not in said
