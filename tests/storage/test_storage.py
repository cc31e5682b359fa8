"""Storage: DATABASE_URL mapping, migrations on SQLite and PostgreSQL, SQLite's settings."""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, make_url, text

from bot.runtime.settings import Settings
from bot.storage.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_REQUEST_BUSY_TIMEOUT_MS,
    InvalidDatabaseUrl,
    create_engine,
    database_url,
)
from bot.storage.migrate import MIGRATIONS, migrate
from bot.storage.models import Base
from tests.utils.paths import REPO

TABLES = {"team_counters", "retro_actions", "retro_action_tags"}


# ---------------------------------------------------------------------- DATABASE_URL


@pytest.mark.parametrize(("raw", "expected"), [
    ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ("sqlite:////srv/data/bot.db", "sqlite+aiosqlite:////srv/data/bot.db"),
    ("sqlite+aiosqlite:///data/principlebot.db", "sqlite+aiosqlite:///data/principlebot.db"),
    ("postgres://u:secret@db.example:5432/bot", "postgresql+asyncpg://u:secret@db.example:5432/bot"),
    ("postgresql://u@db.example/bot", "postgresql+asyncpg://u@db.example/bot"),
    ("postgresql://u:p%40ss@db.example/bot?ssl=require",
     "postgresql+asyncpg://u:p%40ss@db.example/bot?ssl=require"),
    ("postgresql+asyncpg://postgres@127.0.0.1:5432/test",
     "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
])
def test_database_url_maps_plain_forms_onto_the_async_drivers(raw, expected):
    assert database_url(raw) == expected


def test_the_default_database_url_is_a_sqlite_file_under_data():
    url = make_url(database_url(Settings().database_url))
    assert url.drivername == "sqlite+aiosqlite"
    assert url.database.startswith("data")


@pytest.mark.parametrize("raw", [
    "mysql://u@db.example/bot",
    "postgresql+psycopg2://u@db.example/bot",
    "sqlite+pysqlite:///x.db",
    "garbage",
    "",
    "http://example.com/",
])
def test_database_url_rejects_other_databases_and_garbage(raw):
    with pytest.raises(InvalidDatabaseUrl, match="DATABASE_URL"):
        database_url(raw)


def test_create_engine_uses_the_mapped_url_and_makes_the_sqlite_folder(tmp_path):
    folder = tmp_path / "not" / "yet"
    engine = create_engine(f"sqlite:///{folder / 'bot.db'}")
    assert engine.url.drivername == "sqlite+aiosqlite"
    assert folder.is_dir()
    postgres = create_engine("postgres://u@127.0.0.1:1/bot")
    assert postgres.url.drivername == "postgresql+asyncpg"
    # A pool is sized for a file or a server; an in-memory database is one connection.
    assert create_engine("sqlite:///:memory:", pool_size=2).url.database == ":memory:"
    assert (postgres.pool.size(), create_engine(f"sqlite:///{folder / 'b.db'}", pool_size=2,
                                                max_overflow=1).pool.size()) == (5, 2)


# ---------------------------------------------------------------------- migrations


def _head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


async def _schema(engine) -> tuple[set[str], list[str], list]:
    """Tables, alembic_version rows, and differences between the models and the database."""

    def look(connection):
        tables = set(inspect(connection).get_table_names())
        versions = [row[0] for row in connection.execute(
            text("SELECT version_num FROM alembic_version"))]
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        return tables, versions, diff

    async with engine.connect() as connection:
        return await connection.run_sync(look)


async def test_migrations_upgrade_an_empty_database_and_are_idempotent(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        await migrate(engine)
        tables, versions, diff = await _schema(engine)
        assert tables >= TABLES | {"alembic_version"}
        assert versions == [_head_revision()]
        assert diff == [], "the migrations and the SQLAlchemy models disagree"

        await migrate(engine)
        assert await _schema(engine) == (tables, versions, [])
    finally:
        await engine.dispose()


async def test_two_migrations_at_once_on_postgresql_both_succeed(empty_database_url):
    """Replicas starting together: the advisory lock lets one apply the migrations while the
    other waits and then finds nothing to do."""
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("the advisory lock is PostgreSQL's; SQLite is covered by the next test")
    engines = [create_engine(empty_database_url) for _ in range(2)]
    try:
        await asyncio.wait_for(asyncio.gather(*(migrate(e) for e in engines)), timeout=30)
        tables, versions, diff = await _schema(engines[0])
        assert tables >= TABLES
        assert versions == [_head_revision()]
        assert diff == []
    finally:
        for engine in engines:
            await engine.dispose()


MIGRATE = ("import asyncio, sys; from bot.storage.engine import create_engine; "
           "from bot.storage.migrate import migrate; "
           "asyncio.run(migrate(create_engine(sys.argv[1])))")
REPLICAS = 4


async def test_processes_migrating_at_once_all_succeed(empty_database_url):
    """The release step and starting web processes, each in its own process (as in production:
    Alembic keeps its migration context in module globals, one per process). Whether a race
    shows depends on timing; the next test checks the property that rules it out."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", MIGRATE, empty_database_url, cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        for _ in range(REPLICAS)
    ]
    results = await asyncio.wait_for(
        asyncio.gather(*(p.communicate() for p in processes)), timeout=60)
    for process, (_, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr.decode()[-2000:]
    engine = create_engine(empty_database_url)
    try:
        tables, versions, diff = await _schema(engine)
        assert tables >= TABLES
        assert versions == [_head_revision()]
        assert diff == []
    finally:
        await engine.dispose()


async def test_an_upgrade_commits_all_its_migrations_at_once(empty_database_url):
    """No commit publishes a half-upgraded schema: otherwise a second process starting meanwhile
    reads the intermediate revision, runs the remaining migrations too, and one of the two fails
    ("table ... already exists")."""
    engine = create_engine(empty_database_url)
    published: list[list[str]] = []

    @event.listens_for(engine.sync_engine, "commit")
    def _record(connection) -> None:
        if inspect(connection).has_table("alembic_version"):
            published.append(list(connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version").scalars()))

    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    assert published == [[_head_revision()]], (
        "the migrations were committed one at a time: " + repr(published))


# ---------------------------------------------------------------------- SQLite settings


@pytest.mark.parametrize(("migrating", "busy_ms"), [
    (False, SQLITE_REQUEST_BUSY_TIMEOUT_MS), (True, SQLITE_BUSY_TIMEOUT_MS)])
async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(
        tmp_path, migrating, busy_ms):
    engine = create_engine(f"sqlite:///{tmp_path / 'bot.db'}", migrating=migrating)
    try:
        async with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert (await pragma("PRAGMA journal_mode")).scalar() == "wal"
            assert (await pragma("PRAGMA foreign_keys")).scalar() == 1
            assert (await pragma("PRAGMA busy_timeout")).scalar() == busy_ms
    finally:
        await engine.dispose()


async def test_sqlite_transactions_take_the_write_lock_at_begin(tmp_path):
    """BEGIN IMMEDIATE: while a transaction of the engine is open, no other writer can start,
    even before the transaction has written anything."""
    path = tmp_path / "bot.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        await migrate(engine)
        async with engine.connect() as connection:
            await connection.execute(text("SELECT count(*) FROM retro_actions"))
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
    finally:
        await engine.dispose()


async def test_sqlite_deletes_cascade_to_tags(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        await migrate(engine)
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO retro_actions (id, team_id, channel_id, number, author_id, text, "
                "status, auto_tagged, created_at, updated_at) VALUES (1, 'T1', 'C1', 1, 'U1', "
                "'x', 'open', 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"))
            await connection.execute(text(
                "INSERT INTO retro_action_tags (action_id, tag, team_id, principle, position) "
                "VALUES (1, '4.2', 'T1', 4, 0)"))
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM retro_actions"))
        async with engine.connect() as connection:
            left = await connection.scalar(text("SELECT count(*) FROM retro_action_tags"))
        assert left == 0
    finally:
        await engine.dispose()
