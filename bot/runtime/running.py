"""The subcommands that run the bot or touch its database: serve, socket, console, migrate,
export. The Slack stack is imported inside each, so `ask` never pays for it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.runtime.errors import SettingsError
from bot.runtime.settings import CONSOLE_DATABASE, Settings

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.runtime.backend import Backend


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"]).upper()
        raise SettingsError(f"{name}: {error['msg']}") from None


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Migration chatter is noise at start-up unless debugging.
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)


def run_until_stopped(main: Callable[[], Awaitable[None]]) -> None:
    """Run `main` until it ends or the process is stopped: by Ctrl-C, or by SIGTERM (how
    hosting platforms stop a process), which ends it the same way, its cleanup done."""
    stopped = False

    async def stoppable() -> None:
        task = asyncio.current_task()
        assert task is not None

        def stop() -> None:
            nonlocal stopped
            stopped = True
            task.cancel()

        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
        await main()

    try:
        asyncio.run(stoppable())
    except asyncio.CancelledError:
        if not stopped:
            raise


def _run_bot(settings: Settings, receive: Callable[[AsyncApp, Backend], Awaitable[None]],
             *, socket_mode: bool = False) -> None:
    """Start-up shared by serve and socket: services, migrations, credentials or
    installations, the app, background tasks; then `receive` takes Slack's requests until the
    process is stopped (run_until_stopped), after which it cleans up: its job leases given
    back, connections closed."""
    from bot.runtime.app import close_app, freeze_startup_objects
    from bot.runtime.backend import build_backend
    from bot.runtime.background import background_tasks
    from bot.runtime.startup import ready_bot

    _configure_logging(settings)

    async def run() -> None:
        backend = build_backend(settings)
        try:
            await backend.prepare()
            bot = await ready_bot(settings, backend, socket_mode=socket_mode)
            freeze_startup_objects()
            try:
                async with background_tasks(bot.app, backend.services, bot.clients):
                    await receive(bot.app, backend)
            finally:
                await close_app(bot.app)
        finally:
            await backend.close()

    run_until_stopped(run)


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.runtime.server import reserve, serve_forever, web_app

    settings = _settings()
    settings.require_one_mode()
    if settings.many_workspaces:
        settings.require("slack_signing_secret")
    else:
        settings.require("slack_bot_token", "slack_signing_secret")
    sock = reserve(args.host, settings.port)

    async def receive(app: AsyncApp, backend: Backend) -> None:
        await serve_forever(web_app(app, backend.health), sock)

    try:
        _run_bot(settings, receive)
    finally:
        sock.close()
    return 0


def cmd_socket(_: argparse.Namespace) -> int:
    settings = _settings()
    settings.require_one_mode()
    if settings.many_workspaces:
        raise SettingsError("serving many workspaces (SLACK_CLIENT_ID) needs HTTP mode for "
                            "the install pages: run `principlebot serve`")
    settings.require("slack_bot_token", "slack_app_token")

    async def receive(app: AsyncApp, _: Backend) -> None:
        # Imported once the tokens are checked: a refused one is said sooner.
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        await AsyncSocketModeHandler(app, settings.secret("slack_app_token")).start_async()

    _run_bot(settings, receive, socket_mode=True)
    return 0


def _on_database(work: Callable[[Backend], Awaitable[None]]) -> None:
    """Run `work` on the migrated database DATABASE_URL names, then close it."""
    from bot.runtime.backend import build_backend

    settings = _settings()

    async def run() -> None:
        backend = build_backend(settings)
        try:
            await backend.prepare()
            await work(backend)
        finally:
            await backend.close()

    run_until_stopped(run)


def cmd_migrate(_: argparse.Namespace) -> int:
    async def nothing_more(_: Backend) -> None:
        return None

    _on_database(nothing_more)
    print("database is up to date", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.domain.retro.export import write_actions

    async def export(backend: Backend) -> None:
        actions = await backend.services.retro.export(team_id=args.team,
                                                      channel_id=args.channel)
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                write_actions(actions, args.format, out)
        else:
            write_actions(actions, args.format, sys.stdout)

    _on_database(export)
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from bot.localslack.console import run_console

    settings = _settings()
    _configure_logging(settings)
    database = args.database or CONSOLE_DATABASE
    if args.script:
        try:
            lines = Path(args.script).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValueError(f"{args.script}: cannot read file: {exc.strerror}") from None
        return asyncio.run(run_console(lines, database_url=database))
    return asyncio.run(run_console(None, database_url=database))
