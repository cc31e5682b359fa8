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
from tests.utils.retro import RETRO, add, listing, log_values, open_log_modal, posts_to
from tests.utils.slack import ACTOR, DM_ACTOR, button_action, shown

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
    await add(bot, "fix the form #4")
    message, url = await listing(bot)
    done = button_action(message["blocks"], "Done")
    await drop(sqlite_url_copy, "retro_action_tags")
    await drop(sqlite_url_copy, "retro_actions")
    def posted() -> int:
        return len([c for c in bot.double.calls_to("response_url") if c.url == url])

    before = posted()
    for attempt in range(5):  # the failure follows the ack by milliseconds: try the race often
        started = time.monotonic()
        reply, _ = await bot.click(done, url, message={"type": "message", "ts": "0", **message})
        assert reply.status == 200, reply.raw
        assert time.monotonic() - started < WELL_WITHIN_SLACKS_WINDOW
        answer = (await posts_to(bot, url, 1 + before + attempt + 1))[-1]  # the list's ack first
        assert answer.args["response_type"] == "ephemeral"
        assert SORRY in shown(answer.args)
        await bot.double.settle()
        assert posted() == before + attempt + 1


async def test_a_command_whose_work_fails_says_sorry_in_its_ack(bot, sqlite_url_copy):
    await drop(sqlite_url_copy, "retro_action_tags")
    await drop(sqlite_url_copy, "retro_actions")
    reply, url = await bot.command("add fix the form #4", RETRO)
    assert reply.status == 200
    assert SORRY in reply.body["text"]
    await bot.double.settle()
    assert [c for c in bot.double.calls_to("response_url") if c.url == url] == []


async def test_a_modal_whose_save_fails_stays_open_with_the_error_on_its_first_field(
        bot, sqlite_url_copy):
    view = await open_log_modal(bot)
    await drop(sqlite_url_copy, "retro_action_tags")
    await drop(sqlite_url_copy, "retro_actions")
    reply = await bot.send(slack.view_submission(ACTOR, view, log_values("write it down")))
    assert reply.status == 200
    assert reply.body == {"response_action": "errors", "errors": {"text": SAVE_FAILED}}


async def test_a_direct_message_is_answered_when_the_delivery_log_fails(bot, sqlite_url_copy):
    """An answer needs no database: when the log of handled deliveries fails, the process's
    own memory still recognises a retry, and the question is answered, once."""
    await drop(sqlite_url_copy, "slack_deliveries")
    event = slack.message_event(DM_ACTOR, "vendor lock-in", channel_type="im")
    assert (await bot.event(event, actor=DM_ACTOR, event_id="EvDMLOG1")).status == 200
    assert (await bot.event(event, actor=DM_ACTOR, event_id="EvDMLOG1", retry_num=1)
            ).status == 200
    [answer] = await bot.double.wait_for("chat.postMessage")
    await bot.double.settle()
    assert answer.args["channel"] == DM_ACTOR.channel_id
    assert SORRY not in answer.args["text"] and "3.2" in shown(answer.args)
    assert len(bot.double.calls_to("chat.postMessage")) == 1


async def test_opening_the_home_tab_when_it_fails_sends_no_apology(bot, sqlite_url_copy):
    await drop(sqlite_url_copy, "retro_action_tags")
    event = {"type": "app_home_opened", "user": ACTOR.user_id, "channel": "D0001",
             "tab": "home", "ts": "1700000000.000001"}
    assert (await bot.event(event)).status == 200
    await bot.double.settle()
    assert bot.double.calls_to("chat.postMessage") == []
