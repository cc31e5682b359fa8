"""Database fixtures for the storage and retro tests, imported explicitly by the modules using them:

    from tests.db_fixtures import database_url, retro_service  # noqa: F401

`database_url` runs a test once on SQLite (a file under tmp_path, given in the plain `sqlite:///`
form so the URL mapping is exercised) and once on PostgreSQL (TEST_DATABASE_URL, skipped when it
is unset), each time on an empty database. `retro_service` is a migrated RetroService whose clock
the test moves: `clock_of(service).advance(days=3)`; `engine_of(service)` gives its engine for
looking at the rows directly.
"""

from __future__ import annotations

import datetime as dt
import os
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import lru_cache

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import create_engine, migrate, session_factory
from bot.retro import RetroService
from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge

TEST_DATABASE_URL = "TEST_DATABASE_URL"
START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@dataclass
class Clock:
    """A clock the test moves by hand: the services (and simulated processes sharing one
    database) call it for every timestamp they store or schedule by."""

    now: dt.datetime = field(default=START)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return self.now


@dataclass(frozen=True)
class _Harness:
    engine: AsyncEngine
    clock: Clock


_HARNESSES: weakref.WeakKeyDictionary[RetroService, _Harness] = weakref.WeakKeyDictionary()


def clock_of(service: RetroService) -> Clock:
    """The movable clock of a service made by the `retro_service` fixture."""
    return _HARNESSES[service].clock


def engine_of(service: RetroService) -> AsyncEngine:
    """The engine of a service made by the `retro_service` fixture."""
    return _HARNESSES[service].engine


@lru_cache(maxsize=1)
def practice_index() -> PracticeIndex:
    """The matcher's index over the built-in principles, built once per test session."""
    return PracticeIndex(load_knowledge())


def postgresql_url() -> str:
    url = os.environ.get(TEST_DATABASE_URL, "").strip()
    if not url:
        pytest.skip(f"PostgreSQL tests need {TEST_DATABASE_URL} (e.g. "
                    "postgresql+asyncpg://postgres@127.0.0.1:5432/test); it is not set")
    return url


async def empty_postgresql_schema(url: str) -> None:
    """Drop and recreate the `public` schema: every test starts on an empty database."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A URL to an empty database, as DATABASE_URL would give it."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'principlebot.db'}"
    url = postgresql_url()
    await empty_postgresql_schema(url)
    return url


@pytest.fixture
async def retro_service(database_url: str) -> AsyncIterator[RetroService]:
    """A RetroService over a freshly migrated database, with a movable clock."""
    engine = create_engine(database_url)
    clock = Clock()
    try:
        await migrate(engine)
        service = RetroService(session_factory(engine), practice_index(), clock)
        _HARNESSES[service] = _Harness(engine, clock)
        yield service
    finally:
        await engine.dispose()
