"""Input no person means but anyone can send: a command as long as Slack allows, a NUL byte, half
of a surrogate pair, numbers past the database's integer. Each gets one clear line, changes
nothing, and holds up nobody else."""

from __future__ import annotations

import asyncio
import time

from bot.localslack import signed_requests as slack
from tests.utils.retro import (
    RETRO,
    add,
    everything,
    listing,
    log_values,
    open_log_modal,
    posts_to,
    refusal,
)
from tests.utils.slack import ACTOR, button_action

HOSTILE_ADD = "add x" + " #a" * 13331 + " !"  # 40,000 characters: Slack's limit


async def test_a_40000_character_command_is_acked_at_once_and_holds_up_nobody(bot):
    assert len(HOSTILE_ADD) == 40_000
    started = time.monotonic()
    (reply, _), health = await asyncio.gather(bot.command(HOSTILE_ADD, RETRO), bot.healthz())
    took = time.monotonic() - started
    assert took < 1.0 and health < 0.5, (took, health)  # it took 38 s and held everything
    assert reply.body["text"].startswith(":warning:") and "2000" in reply.body["text"]
    assert await everything(bot) == []


async def test_nul_bytes_and_broken_characters_get_one_clear_line(bot_on):
    bot = bot_on
    said = await refusal(bot, "add fix the\x00 form #4", RETRO)
    assert "cannot be stored" in said
    view = await open_log_modal(bot)
    reply = await bot.send(slack.view_submission(ACTOR, view, log_values("half \ud800 a pair")))
    assert reply.body["response_action"] == "errors"
    assert "cannot be stored" in reply.body["errors"]["text"]
    assert await everything(bot) == []


async def test_numbers_past_the_databases_integer_are_simply_not_found(bot_on):
    bot = bot_on
    assert "needs an action number" in await refusal(bot, "done 99999999999", RETRO)
    number = await add(bot, "fix the form #4")
    message, url = await listing(bot)
    done = {**button_action(message["blocks"], "Done"), "value": "C0001:99999999999"}
    await bot.click(done, url, message={"type": "message", "ts": "0", **message})
    told = (await posts_to(bot, url, 2))[-1]
    assert told.args["text"] == ":warning: That action no longer exists."
    more = {**button_action(message["blocks"], "Done"), "action_id": "standup_done",
            "value": "99999999999"}
    await bot.click(more, url, message={"type": "message", "ts": "0", **message})
    told = (await posts_to(bot, url, 3))[-1]
    assert "no longer exists" in told.args["text"]
    assert [e["number"] for e in await everything(bot)] == [number]
