"""The local console: try the bot with no Slack workspace and no tokens.

It plays Slack in-process: the real `build_app` answers signed requests (see
bot.localslack.session), and its Web API calls go to the in-process stand-in of
bot.localslack.standin, whose recorded calls are shown as text. The background jobs run on
the console's own clock, which `!advance` moves. No handler knows it is talking to the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.localslack.clock import MovableClock
from bot.localslack.session import ConsoleSession
from bot.localslack.standin import SlackStandIn
from bot.runtime.settings import CONSOLE_DATABASE, Settings


async def run_console(lines: Iterable[str] | None, out: TextIO = sys.stdout,
                      database_url: str = CONSOLE_DATABASE) -> int:
    """Run the console over `lines` (a script), or interactively when `lines` is None."""
    from bot.runtime.app import close_app
    from bot.runtime.backend import build_backend
    from bot.runtime.background import background_tasks, jobs_for
    from bot.runtime.startup import ready_bot

    standin = SlackStandIn()
    await standin.start()
    secret = secrets.token_hex(16)
    # Slack's side is the stand-in, and the database the console's own: never DATABASE_URL,
    # which on a server is production's (its runner would take real teams' prompts).
    settings = Settings(slack_bot_token="xoxb-console", slack_signing_secret=secret,
                        slack_api_url=standin.api_url, database_url=database_url)
    clock = MovableClock(ticking=lines is None)
    backend = build_backend(settings, clock=clock)
    try:
        await backend.prepare()
        bot = await ready_bot(settings, backend, process_before_response=True)
    except BaseException:
        await standin.stop()
        await backend.close()
        raise
    # The console's database is its own: no other process runs its jobs.
    jobs = jobs_for(bot.clients, backend.services, shared=False)
    # Housekeeping (forgetting old deliveries and trash) is left to the hourly task.
    session = ConsoleSession(bot.app, standin, secret, out, clock,
                             functools.partial(jobs.run_once, hourly=False))
    try:
        if lines is None:
            # Typing: the jobs also run on their own, and what they post shows up as it comes.
            async with background_tasks(bot.app, backend.services, bot.clients, shared=False):
                await _interactive(session)
        else:
            await _scripted(session, lines)
    finally:
        await close_app(bot.app)
        await standin.stop()
        await backend.close()
    return 0


async def _scripted(session: ConsoleSession, lines: Iterable[str]) -> None:
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        session.say(f"> {line.rstrip()}")
        if not await session.handle_line(line):
            return


async def _interactive(session: ConsoleSession) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    session.say("principlebot console. Type !help for what you can do, !quit to leave.")
    loop = asyncio.get_running_loop()
    watcher = asyncio.create_task(_watch(session))
    try:
        while True:
            line = await loop.run_in_executor(None, _prompt)
            if line is None or not await session.handle_line(line):
                return
    finally:
        watcher.cancel()


async def _watch(session: ConsoleSession) -> None:
    """Show what the background jobs post while nobody types."""
    while True:
        await asyncio.sleep(1.0)
        session.show_new(f", at {session.now_text()}")


def _prompt() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        return None
