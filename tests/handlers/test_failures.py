"""A listener that fails still answers Slack, and the person hears it once: the one global error
handler (handlers.kit.failures). The failure is real: the table a listener needs is dropped
from the bot's database under it."""

from __future__ import annotations

import time

from sqlalchemy import text

from bot.localslack import signed_requests as slack
from bot.storage.engine import create_engine
from handlers.kit.failures import SAVE_FAILED
from handlers.kit.replies import SORRY
from tests.utils.retro import RETRO, log_values, open_log_modal, posts_to
from tests.utils.slack import ACTOR, DM_ACTOR, shown

# Bolt gives up on an ack after 3 s and Slack then shows an error; a lost ack looks like that.
WELL_WITHIN_SLACKS_WINDOW = 1.5


async def drop(database_url: str, table: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP TABLE {table}"))
    finally:
        await engine.dispose()


async def test_a_failure_right_after_the_ack_keeps_the_ack_and_says_sorry(bot, sqlite_url_copy):
    await drop(sqlite_url_copy, "retro_action_tags")
    await drop(sqlite_url_copy, "retro_actions")
    for attempt in range(5):  # the failure follows the ack by milliseconds: try the race often
        started = time.monotonic()
        reply, url = await bot.command(f"add fix the form {attempt} #4", RETRO)
        assert reply.status == 200, reply.raw
        assert time.monotonic() - started < WELL_WITHIN_SLACKS_WINDOW
        [answer] = await posts_to(bot, url, 1)
        assert answer.args["response_type"] == "ephemeral"
        assert SORRY in shown(answer.args)
        await bot.double.settle()
        assert len([c for c in bot.double.calls_to("response_url") if c.url == url]) == 1


async def test_a_modal_whose_save_fails_stays_open_with_the_error_on_its_first_field(
        bot, sqlite_url_copy):
    view = await open_log_modal(bot)
    await drop(sqlite_url_copy, "retro_action_tags")
    await drop(sqlite_url_copy, "retro_actions")
    reply = await bot.send(slack.view_submission(ACTOR, view, log_values("write it down")))
    assert reply.status == 200
    assert reply.body == {"response_action": "errors", "errors": {"text": SAVE_FAILED}}


async def test_a_direct_message_that_fails_is_answered_with_sorry_by_dm(bot, sqlite_url_copy):
    await drop(sqlite_url_copy, "slack_deliveries")
    event = slack.message_event(DM_ACTOR, "vendor lock-in", channel_type="im")
    assert (await bot.event(event, actor=DM_ACTOR)).status == 200
    [told] = await bot.double.wait_for("chat.postMessage")
    assert told.args["channel"] == DM_ACTOR.user_id
    assert SORRY in told.args["text"]


async def test_opening_the_home_tab_when_it_fails_sends_no_apology(bot, sqlite_url_copy):
    await drop(sqlite_url_copy, "retro_action_tags")
    event = {"type": "app_home_opened", "user": ACTOR.user_id, "channel": "D0001",
             "tab": "home", "ts": "1700000000.000001"}
    assert (await bot.event(event)).status == 200
    await bot.double.settle()
    assert bot.double.calls_to("chat.postMessage") == []
