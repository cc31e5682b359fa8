"""Test databases: SQLite files copied from one migrated template, and the PostgreSQL database
of TEST_DATABASE_URL (skipped where it is unset), migrated once and emptied between tests. When
the tests run in several processes (pytest-xdist), each process gets a database of its own
beside that one (`test_gw0`, `test_gw1`, ...), created on first use.

Migrating costs ~20 ms on SQLite and ~170 ms on PostgreSQL; a copy or a DELETE per table costs
a few milliseconds, and hundreds of tests need a fresh database.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.storage.engine import create_engine, database_url
from bot.storage.migrate import migrate
from bot.storage.models import Base

TEST_DATABASE_URL = "TEST_DATABASE_URL"


_ready: set[str] = set()


async def postgresql_url() -> str:
    """TEST_DATABASE_URL, or this test process's own database beside it; skips when unset."""
    url = os.environ.get(TEST_DATABASE_URL, "").strip()
    if not url:
        pytest.skip(f"PostgreSQL tests need {TEST_DATABASE_URL} (e.g. "
                    "postgresql+asyncpg://postgres@127.0.0.1:5432/test); it is not set")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    base = make_url(database_url(url))
    own = base.set(database=f"{base.database}_{worker}")
    rendered = own.render_as_string(hide_password=False)
    if rendered not in _ready:
        await _create_if_missing(base, own.database or "")
        _ready.add(rendered)
    return rendered


async def _create_if_missing(base: URL, name: str) -> None:
    engine = create_engine(base.render_as_string(hide_password=False))
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            exists = await autocommit.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                # A database name cannot be a bound parameter; this one is built from the
                # configured name and pytest-xdist's worker id (gw0, gw1, ...).
                await autocommit.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


def sqlite_url(path: Path) -> str:
    """The plain `sqlite:///` form DATABASE_URL would give, so the URL mapping is exercised."""
    return f"sqlite:///{path}"


async def migrated_sqlite_file(path: Path) -> Path:
    engine = create_engine(sqlite_url(path))
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    return path


def copy_of(template: Path, folder: Path) -> str:
    """A URL to a fresh copy of the migrated template file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "principlebot.db"
    shutil.copyfile(template, target)
    return sqlite_url(target)


async def empty_postgresql_schema(url: str) -> None:
    """Drop and recreate the `public` schema: the database is as new."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def clean_postgresql(url: str) -> None:
    """Migrated (a no-op when it already is) and every table emptied, sequences restarted."""
    engine = create_engine(url)
    try:
        await migrate(engine)
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(text(f'DELETE FROM "{table.name}"'))
            sequences = await connection.execute(text(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))
            for (sequence,) in sequences.all():
                await connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    finally:
        await engine.dispose()
