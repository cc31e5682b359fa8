"""Fixtures every test folder may use: the knowledge index, a movable clock, databases (SQLite
always, PostgreSQL where TEST_DATABASE_URL is set) and the Slack Web API double."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.localslack.standin import RESPONSE_URL, UPLOAD_URL, SlackStandIn
from bot.storage.engine import create_engine
from handlers.kit.scopes import METHOD_SCOPES
from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge
from knowledge.semantic import Model, load_model
from tests.utils.clock import Clock
from tests.utils.databases import (
    clean_postgresql,
    copy_of,
    empty_postgresql_schema,
    migrated_sqlite_file,
    postgresql_url,
    sqlite_url,
)

DATABASES = ["sqlite", "postgresql"]
# How long Slack's side must stay silent before a test is over: the bot's follow-up calls come
# within milliseconds of the request that caused them; a long wait per test adds up to minutes.
TEARDOWN_QUIET = 0.05


@pytest.fixture(scope="session")
def model() -> Model:
    """The bundled embedding model, loaded once for the whole run (the real loading path)."""
    return load_model()


@pytest.fixture(scope="session")
def index(model: Model) -> PracticeIndex:
    return PracticeIndex(load_knowledge(), model=model)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to the newest schema, copied by every test that needs one."""
    path = tmp_path_factory.mktemp("template") / "principlebot.db"
    # In a thread of its own: asyncio.run here would unset the event loop the tests run on.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, migrated_sqlite_file(path)).result()


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path,
                       sqlite_template: Path) -> str:
    """A URL, as DATABASE_URL would give it, to a migrated database holding nothing: once on
    SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return copy_of(sqlite_template, tmp_path / "data")
    url = await postgresql_url()
    await clean_postgresql(url)
    return url


@pytest.fixture(params=DATABASES)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a database with no schema at all, for the migrations themselves."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "data" / "principlebot.db")
    url = await postgresql_url()
    await empty_postgresql_schema(url)
    return url


@pytest.fixture
def sqlite_url_copy(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite database only, for tests that need no PostgreSQL run."""
    return copy_of(sqlite_template, tmp_path / "data")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def slack_double() -> AsyncIterator[SlackStandIn]:
    """Slack's Web API and response URLs, on loopback; any invalid payload fails the test, and
    so does a call of a Web API method missing from the scope table (handlers.kit.scopes)."""
    double = SlackStandIn()
    await double.start()
    yield double
    await double.settle(quiet=TEARDOWN_QUIET)
    await double.stop()
    assert double.invalid == [], f"the bot sent payloads Slack would reject: {double.invalid}"
    unlisted = ({call.method for call in double.calls} - METHOD_SCOPES.keys()
                - {RESPONSE_URL, UPLOAD_URL})
    assert not unlisted, (f"the bot called {sorted(unlisted)}, which handlers/kit/scopes.py "
                          "does not list with the scopes they need")
