"""The Slack stand-in on its own, started for a test and stopped after it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.localslack.standin import SlackStandIn


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    server = SlackStandIn()
    await server.start()
    yield server
    await server.stop()
