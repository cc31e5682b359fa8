"""The bot as `principlebot serve` runs it, on loopback, with the Slack double as Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.localslack.standin import SlackStandIn
from knowledge.index import PracticeIndex
from tests.utils.slack import BotClient, serving_bot


@pytest.fixture
async def bot(slack_double: SlackStandIn, index: PracticeIndex,
              sqlite_url_copy: str) -> AsyncIterator[BotClient]:
    """The bot on a SQLite database."""
    async with serving_bot(slack_double, index, sqlite_url_copy) as client:
        yield client


@pytest.fixture
async def bot_on(slack_double: SlackStandIn, index: PracticeIndex,
                 database_url: str) -> AsyncIterator[BotClient]:
    """The bot on `database_url` (SQLite always; PostgreSQL where TEST_DATABASE_URL is set)."""
    async with serving_bot(slack_double, index, database_url) as client:
        yield client
