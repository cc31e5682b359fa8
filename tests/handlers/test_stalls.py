"""A database that stalls: every request is still answered within Slack's three seconds, and
the answer is true. A command or a form that could not finish in time says it is still being
saved and follows up once it is; a confirmation is only ever sent after the commit.

The stall is real: another connection holds SQLite's write lock for longer than Slack waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator

from bot.localslack import signed_requests as slack
from tests.utils.retro import RETRO, everything, log_values, open_log_modal, posts_to
from tests.utils.slack import ACTOR, shown

SLACKS_WINDOW = 3.0
# Longer than Slack waits for an ack: this test takes that long, on purpose.
STALL_SECONDS = 3.3


@contextlib.asynccontextmanager
async def write_lock_held(database_url: str, seconds: float) -> AsyncIterator[None]:
    """Hold the database's write lock from another connection for `seconds`."""
    taken = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    await asyncio.to_thread(taken.wait)
    try:
        yield
    finally:
        await asyncio.to_thread(holder.join)


async def timed(work) -> tuple[float, object]:
    started = time.monotonic()
    result = await work
    return time.monotonic() - started, result


async def test_a_stalled_database_still_answers_commands_and_forms_in_time(bot, sqlite_url_copy):
    view = await open_log_modal(bot)
    url = bot.double.response_url()
    add = slack.slash_command(ACTOR, RETRO, "add write the stall down #4", url)
    form = slack.view_submission(ACTOR, view, log_values("the form during the stall"))
    async with write_lock_held(sqlite_url_copy, STALL_SECONDS):
        (add_took, add_ack), (form_took, form_ack) = await asyncio.gather(
            timed(bot.send(add)), timed(bot.send(form)))
    assert add_took < SLACKS_WINDOW and form_took < SLACKS_WINDOW
    # Neither claims a success it cannot know yet.
    assert "Still working" in add_ack.body["text"]
    assert form_ack.body["response_action"] == "update"
    assert "Saving" in shown(form_ack.body["view"])

    # Once the lock is released, both are saved and then confirmed.
    confirmed, note = await posts_to(bot, url, 2)
    assert confirmed.args["text"] in ("Logged #1", "Logged #2")
    assert confirmed.args["replace_original"] is True  # in place of "still working"
    assert note.args["response_type"] == "in_channel"
    [updated] = await bot.double.wait_for("views.update")
    assert "Logged #" in shown(updated.args["view"])
    await bot.double.wait_for("chat.postEphemeral")
    assert sorted(e["text"] for e in await everything(bot)) == [
        "the form during the stall", "write the stall down"]


async def test_a_retro_add_is_acked_only_once_it_is_committed(bot, sqlite_url_copy):
    reply, _ = await bot.command("add publish the roadmap #3", RETRO)
    assert reply.body["text"] == "Logged #1"  # the confirmation is the ack itself
    stored = sqlite3.connect(sqlite_url_copy.removeprefix("sqlite:///"))
    try:
        [(text,)] = stored.execute("SELECT text FROM retro_actions").fetchall()
    finally:
        stored.close()
    assert text == "publish the roadmap"
