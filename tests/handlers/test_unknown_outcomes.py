"""A Slack call whose outcome is unknown (its connection cut after Slack carried it out, or its
answer later than the client waits) is treated as unknown: never undone, never contradicted
with "Sorry", and reconciled where Slack lets the bot learn what happened."""

from __future__ import annotations

import logging

from bot.localslack import signed_requests as slack
from handlers.kit.replies import SORRY
from tests.handlers.test_standup import counts, drawn, start, tick
from tests.utils.retro import person, posts_to
from tests.utils.slack import ACTOR, BOT_USER, DM_ACTOR, button_action, shown


async def test_a_checklist_whose_post_was_cut_is_kept_and_its_first_click_redraws_it(bot):
    bot.double.cut_next("chat.postMessage")
    reply, url = await bot.command("", "/standup")
    assert reply.status == 200
    [posted] = await bot.double.wait_for("chat.postMessage")
    [said] = await posts_to(bot, url, 1)
    assert "probably been posted" in said.args["text"] and SORRY not in said.args["text"]
    assert "couldn't post" not in said.args["text"]

    # The message Slack made is clicked: the run still exists, and learns its message.
    message = {"type": "message", "ts": posted.response["ts"], **posted.args}
    click = button_action(message["blocks"], "Done")
    url = bot.double.response_url()
    request = slack.block_actions(ACTOR, click, response_url=url, message=message,
                                  is_ephemeral=False)
    assert (await bot.send(request)).status == 200
    [redrawn] = await bot.double.wait_for("chat.update")
    assert redrawn.args["ts"] == posted.response["ts"]
    assert "1 done" in shown(redrawn.args)
    await bot.double.settle()
    assert [c for c in bot.double.calls_to("response_url") if c.url == url] == []


# slack_sdk's connection retry waits 0.5 s before posting again; waiting out a full second of
# quiet shows no second post is coming.
NO_RETRY_COMING = 1.0


async def test_answers_whose_posts_were_cut_are_neither_repeated_nor_followed_by_sorry(bot):
    bot.double.cut_next("chat.postMessage", times=2)
    in_dm = slack.message_event(DM_ACTOR, "vendor lock-in", channel_type="im")
    assert (await bot.event(in_dm, actor=DM_ACTOR)).status == 200
    mention = slack.message_event(ACTOR, "vendor lock-in", mention=BOT_USER)
    assert (await bot.event(mention)).status == 200
    await bot.double.wait_for("chat.postMessage", 2)
    await bot.double.settle(quiet=NO_RETRY_COMING)
    # Each answer once: a cut after sending may mean it was posted, so it is not posted again,
    # and no "Sorry" contradicts it.
    posts = bot.double.calls_to("chat.postMessage")
    assert len(posts) == 2 and all(SORRY not in shown(p.args) for p in posts)


async def test_a_redraw_whose_answer_was_cut_is_not_an_error_and_the_next_one_is_exact(
        bot, caplog):
    message = await start(bot)
    first, second, *rest = list(counts(message))
    bot.double.cut_next("chat.update")
    await tick(bot, person("U0CUT1"), message, [first])
    await bot.double.wait_for("chat.update")
    await tick(bot, person("U0CUT2"), message, [second])
    await drawn(bot, {first: (1, 2), second: (1, 2), **{item: (0, 2) for item in rest}})
    assert "Slack did not answer a redraw" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
