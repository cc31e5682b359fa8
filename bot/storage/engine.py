"""The async engine: URL mapping, SQLite's connection settings, sessions, a reachability probe.

SQLite (aiosqlite, WAL, foreign keys on, writes queued by BEGIN IMMEDIATE) by default;
PostgreSQL (asyncpg) when several bot processes share one database.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Connections one bot process keeps (pool) and may add under load (overflow). 8 processes at
# 5 + 5 hold at most 80 of a default PostgreSQL's 100, leaving room for migrations, the CLI and
# an administrator.
DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 5
# The bot's queries are small and index-driven: a parallel plan's worker start-up costs more
# than it saves (a 4-week coverage query took 24 ms with 2 workers, 8 ms without).
POSTGRES_SESSION_SETTINGS = {"max_parallel_workers_per_gather": "0"}
WAL_SWITCH_ATTEMPTS = 100
ACCEPTED_FORMS = "use sqlite:///path/to/file.db or postgresql://user@host/dbname"


class InvalidDatabaseUrl(ValueError):
    """DATABASE_URL names no database this bot can use; the message says what to write."""


def database_url(raw: str) -> str:
    """Map the URL forms hosting platforms hand out onto the async drivers."""
    if raw.startswith("postgres://"):
        raw = "postgresql+asyncpg://" + raw.removeprefix("postgres://")
    elif raw.startswith("postgresql://"):
        raw = "postgresql+asyncpg://" + raw.removeprefix("postgresql://")
    elif raw.startswith("sqlite://") and not raw.startswith("sqlite+"):
        raw = "sqlite+aiosqlite://" + raw.removeprefix("sqlite://")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise InvalidDatabaseUrl(
            f"DATABASE_URL {raw!r} is not a database URL: {ACCEPTED_FORMS}") from None
    if url.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise InvalidDatabaseUrl(f"DATABASE_URL uses {url.drivername!r}: {ACCEPTED_FORMS}")
    return url.render_as_string(hide_password=False)


def create_engine(raw_url: str, *, pool_size: int = DEFAULT_POOL_SIZE,
                  max_overflow: int = DEFAULT_MAX_OVERFLOW) -> AsyncEngine:
    url = make_url(database_url(raw_url))
    pool = {"pool_size": pool_size, "max_overflow": max_overflow}
    if url.drivername.startswith("sqlite"):
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        else:  # one connection holds the whole database: no pool to size
            pool = {}
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                                     **pool)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **pool,
                               connect_args={"server_settings": POSTGRES_SESSION_SETTINGS})


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Switching a new file to WAL needs an exclusive lock, and SQLite may refuse it at once
        # rather than wait when several processes open the file together: try again briefly.
        for attempt in range(WAL_SWITCH_ATTEMPTS):
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                break
            except Exception as error:
                if "locked" not in str(error) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                    raise
                time.sleep(0.05)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock at BEGIN: a deferred transaction that later upgrades its lock
        # fails at once with SQLITE_BUSY instead of waiting, which loses concurrent writes.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def is_reachable(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
