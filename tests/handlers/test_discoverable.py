"""Finding your way in Slack: a DM of "hi", "thanks", "help" or an emoji gets a short greeting
and the help (never a failed match), and every command's help lists all its verbs with an
example each; `/principles help` points to the other two."""

from __future__ import annotations

from bot.localslack import signed_requests as slack
from tests.utils.slack import ACTOR, BOT_USER, DM_ACTOR, shown

SMALL_TALK = [
    ("hi", "Hi! :wave:"), ("Hello!", "Hi! :wave:"), ("hey there", "Hi! :wave:"),
    ("thanks", "You're welcome!"), ("Thank you!", "You're welcome!"),
    ("help", "Here's what I can do."), (":wave:", "Hi! :wave:"),
    ("\U0001f44d", "Hi! :wave:"), (":tada: :tada:", "Hi! :wave:"),
]


async def test_small_talk_in_a_dm_gets_a_greeting_and_the_help(bot):
    for count, (text, greeting) in enumerate(SMALL_TALK, 1):
        event = slack.message_event(DM_ACTOR, text, channel_type="im")
        assert (await bot.event(event, actor=DM_ACTOR)).status == 200
        posted = (await bot.double.wait_for("chat.postMessage", count))[-1]
        said = shown(posted.args)
        assert said.startswith(greeting), text
        assert "couldn't match" not in said and "not sure" not in said.lower(), text
        for command in ("/principles", "/standup", "/retro"):
            assert command in said, text


async def test_a_mention_saying_hi_is_greeted_too_and_a_real_question_answered(bot):
    hello = slack.message_event(ACTOR, "hello", mention=BOT_USER)
    assert (await bot.event(hello)).status == 200
    question = slack.message_event(DM_ACTOR, "hi, how do we avoid vendor lock-in?",
                                   channel_type="im")
    assert (await bot.event(question, actor=DM_ACTOR)).status == 200
    greeted, answered = await bot.double.wait_for("chat.postMessage", 2)
    assert shown(greeted.args).startswith("Hi! :wave:")
    assert "3.2 Favouring open standards" in shown(answered.args)


async def test_retro_help_lists_every_verb_with_an_example(bot):
    reply, _ = await bot.command("help", "/retro")
    text = shown(reply.body)
    for example in ("`/retro add what we will do #4 @person`", "`/retro`",
                    "`/retro list [open|done|all] [#4] [@person]`", "`/retro done 42`",
                    "`/retro reopen 42`", "`/retro delete 42`", "`/retro assign 42 @person`",
                    "`/retro due 42 friday`", "`/retro edit 42 the new text`",
                    "`/retro export csv`", "`/retro schedule friday 15:30 [Europe/Paris]`",
                    "`/retro mydata`", "`/retro forget-me`"):
        assert example in text, example


async def test_principles_help_points_to_the_other_two(bot):
    text = shown(await bot.answer("help"))
    assert "`/standup help`" in text and "`/retro help`" in text
