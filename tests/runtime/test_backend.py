"""The backend of a bot process: migrated at start-up, its health, and one line when the
database cannot be reached."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.domain.retro.values import Scope
from bot.runtime.backend import build_backend
from bot.runtime.errors import StartupError
from bot.runtime.settings import Settings
from bot.storage.migrate import MIGRATIONS


def _head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


async def test_prepare_migrates_and_reports_health(empty_database_url, index):
    backend = build_backend(Settings(database_url=empty_database_url), index=index)
    try:
        await backend.prepare()
        assert await backend.health() == {"database": "reachable"}
        async with backend.engine.connect() as connection:
            versions = list(await connection.scalars(
                text("SELECT version_num FROM alembic_version")))
        assert versions == [_head_revision()]
        retro = backend.services.retro
        added = await retro.add(Scope("T1", "C1"), "U1", "Publish our code openly", ["#3.4"])
        assert (await retro.get(Scope("T1", "C1"), added.action.number)).text == (
            "Publish our code openly")
    finally:
        await backend.close()


async def test_an_unreachable_database_is_one_line_without_the_password(index):
    backend = build_backend(
        Settings(database_url="postgresql://bot:hunter2secret@127.0.0.1:1/bot"), index=index)
    try:
        assert await backend.health() == {"database": "unreachable"}
        with pytest.raises(StartupError) as caught:
            await backend.prepare()
        message = str(caught.value)
        assert "cannot reach the database" in message
        assert "127.0.0.1:1" in message
        assert "hunter2secret" not in message
        assert "\n" not in message
    finally:
        await backend.close()


async def test_the_pool_is_sized_from_the_environment(monkeypatch, empty_database_url, index):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "2")
    backend = build_backend(Settings(database_url=empty_database_url), index=index)
    try:
        assert (backend.engine.pool.size(), backend.engine.pool._max_overflow) == (3, 2)
        if backend.engine.dialect.name == "postgresql":
            # Small index-driven queries: no parallel workers for the bot's sessions.
            async with backend.engine.connect() as connection:
                assert await connection.scalar(text("SHOW max_parallel_workers_per_gather")) == "0"
    finally:
        await backend.close()


def test_eight_processes_at_the_default_pool_fit_a_default_postgresql():
    settings = Settings()
    per_process = settings.database_pool_size + settings.database_max_overflow
    # max_connections 100, 3 reserved for superusers, and room for migrations and the CLI.
    assert 8 * per_process <= 100 - 3 - 10


@contextlib.asynccontextmanager
async def hung_server() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never says a word, like a database host that
    hangs; its port."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()


async def test_a_database_that_hangs_is_named_in_one_line_with_a_reason(index):
    async with hung_server() as port:
        backend = build_backend(
            Settings(database_url=f"postgresql://bot:s3cret@127.0.0.1:{port}/bot"), index=index)
        try:
            started = time.monotonic()
            with pytest.raises(StartupError) as caught:
                await backend.prepare(reach_seconds=0.5)
            assert time.monotonic() - started < 2
            assert str(caught.value) in (
                f"cannot reach the database (postgresql+asyncpg://bot:***@127.0.0.1:{port}/bot):"
                f" no answer within {waited} s" for waited in ("0.5", "0.6", "0.7"))
        finally:
            await backend.close()


async def test_the_health_check_answers_within_a_second_when_the_database_hangs(index):
    async with hung_server() as port:
        backend = build_backend(
            Settings(database_url=f"postgresql://bot@127.0.0.1:{port}/bot"), index=index)
        try:
            for _ in range(3):  # a probe still hanging is not started again, nor waited for
                started = time.monotonic()
                health = await asyncio.wait_for(backend.health(), timeout=5)
                assert health == {"database": "unreachable"}
                assert time.monotonic() - started < 1.0
        finally:
            await backend.close()
