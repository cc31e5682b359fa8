"""Domain services on a migrated database whose clock the test moves."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.matcher import Matcher
from bot.domain.retro.service import RetroService
from bot.domain.standup.service import StandupService
from bot.storage.engine import session_factory
from knowledge.index import PracticeIndex
from tests.utils.clock import Clock


@pytest.fixture
def retro_service(engine: AsyncEngine, index: PracticeIndex, clock: Clock) -> RetroService:
    return RetroService(session_factory(engine), Matcher(index), clock)


@pytest.fixture
def standup_service(engine: AsyncEngine, clock: Clock) -> StandupService:
    return StandupService(session_factory(engine), clock)


@dataclass(frozen=True)
class Harness:
    service: StandupService
    clock: Clock
    engine: AsyncEngine

    async def rows(self, table: str) -> int:
        async with self.engine.connect() as connection:
            return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")))


@pytest.fixture
def standup(standup_service: StandupService, clock: Clock, engine: AsyncEngine) -> Harness:
    """A StandupService over a migrated database, with a movable clock."""
    return Harness(standup_service, clock, engine)
