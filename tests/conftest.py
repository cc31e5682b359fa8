"""Shared fixtures: the built knowledge index and the location of the shared source material."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def index() -> PracticeIndex:
    return PracticeIndex(load_knowledge())


def shared_file(relative: str) -> Path:
    """A file of the shared folder beside the checkout; the test skips where it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    return path


# ---------------------------------------------------------------------- end-to-end fixtures


@pytest.fixture
async def slack_double():
    """Slack's Web API and response URLs, on loopback; any invalid payload fails the test."""
    from bot.slack_standin import SlackStandIn

    double = SlackStandIn()
    await double.start()
    yield double
    await double.settle()
    await double.stop()
    assert double.invalid == [], f"the bot sent payloads Slack would reject: {double.invalid}"


@pytest.fixture
async def bot(slack_double, index, tmp_path):
    """The bot as `principlebot serve` runs it (services prepared, build_app, bot.server on
    loopback), Slack's side played by `slack_double`; yields a tests.e2e.BotClient."""
    from tests.e2e import serving_bot

    url = f"sqlite+aiosqlite:///{tmp_path / 'principlebot.db'}"
    async with serving_bot(slack_double, index, url) as client:
        yield client


@pytest.fixture
async def bot_on(slack_double, index, database_url):
    """Like `bot`, on the database `database_url` names (SQLite always; PostgreSQL where
    TEST_DATABASE_URL is set); yields a tests.e2e.BotClient."""
    from tests.e2e import serving_bot

    async with serving_bot(slack_double, index, database_url) as client:
        yield client
