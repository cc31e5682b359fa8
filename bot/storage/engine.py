"""The async engine: URL mapping, SQLite's connection settings, sessions, a reachability probe.

SQLite (aiosqlite, WAL, foreign keys on, writes queued by BEGIN IMMEDIATE) by default;
PostgreSQL (asyncpg) when several bot processes share one database.

Nothing waits on the database for long: connecting, taking a pooled connection and each
statement have deadlines, so a database that stops answering turns into an error within
seconds instead of requests that hang. Migrations run without the statement deadline (a
migration may rightly take a while, or wait for another process's).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
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
# How long a request waits for another process's write lock; migrations wait the longer one.
SQLITE_REQUEST_BUSY_TIMEOUT_MS = 5_000
WAL_SWITCH_ATTEMPTS = 100
CONNECT_TIMEOUT_SECONDS = 3.0
POOL_TIMEOUT_SECONDS = 2.0
STATEMENT_TIMEOUT_SECONDS = 5.0
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
                  max_overflow: int = DEFAULT_MAX_OVERFLOW,
                  migrating: bool = False) -> AsyncEngine:
    """The engine of DATABASE_URL; `migrating` lifts the per-statement deadline."""
    url = make_url(database_url(raw_url))
    pool = {"pool_size": pool_size, "max_overflow": max_overflow}
    if url.drivername.startswith("sqlite"):
        if url.database and url.database != ":memory:":
            _make_folder(Path(url.database).parent)
        else:  # one connection holds the whole database: no pool to size
            pool = {}
        busy_ms = SQLITE_BUSY_TIMEOUT_MS if migrating else SQLITE_REQUEST_BUSY_TIMEOUT_MS
        engine = create_async_engine(url, connect_args={"timeout": busy_ms / 1000}, **pool)
        _configure_sqlite(engine, busy_ms)
        return engine
    connect_args: dict[str, Any] = {"timeout": CONNECT_TIMEOUT_SECONDS,
                                    "server_settings": POSTGRES_SESSION_SETTINGS}
    if not migrating:
        connect_args["command_timeout"] = STATEMENT_TIMEOUT_SECONDS
    return create_async_engine(url, pool_pre_ping=True, **pool, pool_timeout=POOL_TIMEOUT_SECONDS,
                               connect_args=connect_args)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidDatabaseUrl(f"DATABASE_URL names a SQLite file in {folder}, which cannot "
                                 f"be created ({error.strerror or error}): {ACCEPTED_FORMS}"
                                 ) from None


def _configure_sqlite(engine: AsyncEngine, busy_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
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
        await probe(engine)
        return True
    except Exception:
        return False


async def probe(engine: AsyncEngine) -> None:
    """Connect and run one statement; raises what the database (or the network) said."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


_NO_LOCK = contextlib.nullcontext()
_WRITE_TURNS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def write_turn(sessions: async_sessionmaker[AsyncSession]
               ) -> contextlib.AbstractAsyncContextManager[object]:
    """What a write holds while it runs: on SQLite, this process's writes take turns in the
    order they came (SQLite admits one writer, and writers waiting on its busy handler poll
    with growing sleeps, so under load some waited seconds while others went first); on
    PostgreSQL nothing (it orders writers itself)."""
    engine = sessions.kw.get("bind")
    if engine is None or engine.dialect.name != "sqlite":
        return _NO_LOCK
    lock = _WRITE_TURNS.get(engine.sync_engine)
    if lock is None:
        lock = _WRITE_TURNS[engine.sync_engine] = asyncio.Lock()
    return lock
