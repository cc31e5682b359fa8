"""Requests carried out once: a repeat of a request (a replay within the signature window, a
retried delivery, a double submission) changes nothing.

Every request the bot carries out has one key (handlers.kit.replay says which). While a request
is carried out its key is `CURRENT_REQUEST`; every change goes through `writing`, and the
request's first change claims the key in the same transaction as the change itself. A repeat
finds the key taken and raises `Replayed` before changing anything, in every bot process (the
keys live in the shared database). A change that fails rolls its claim back with it, so a
request that did nothing can be tried again.

Requests that change nothing but still must not be answered twice (an event retried by Slack,
whose answer is a post) claim their key on their own with `DeliveryLog.first_time`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.storage.dialect import insert_of
from bot.storage.engine import write_turn
from bot.storage.models import SlackDeliveryRow

logger = logging.getLogger("principlebot")

# Slack retries within minutes and signatures expire after five; a day is ample and keeps the
# table small.
KEEP = dt.timedelta(days=1)
# How long an answer waits to learn whether its request was seen before; past it, a database
# that does not answer must not stop the bot answering (it may answer a retry twice).
FIRST_TIME_SECONDS = 1.0
REMEMBERED_IN_PROCESS = 10_000


@dataclass
class RequestKey:
    """The key of the request being carried out; `claimed` once its first change committed."""

    key: str
    claimed: bool = False


CURRENT_REQUEST: ContextVar[RequestKey | None] = ContextVar("current_request", default=None)


class Replayed(Exception):
    """This request was carried out before: nothing was done again."""


def carrying_out(key: str | None) -> None:
    """Make `key` the current request's key for the rest of this task (and the tasks it
    starts); None for a request that has no key."""
    CURRENT_REQUEST.set(RequestKey(key[:255]) if key else None)


@functools.cache
def _claim_statement(dialect: str) -> Any:
    """The INSERT that records a key unless it is recorded, built once per dialect: every
    change of every request runs it."""
    return insert_of(dialect)(SlackDeliveryRow.__table__).on_conflict_do_nothing(
        index_elements=["team_id", "delivery_key"])


async def claim(session: AsyncSession, team_id: str, key: str, now: dt.datetime) -> bool:
    """Record `key` in the session's transaction; False when it is already recorded."""
    result = await session.execute(_claim_statement(session.bind.dialect.name), {
        "team_id": team_id, "delivery_key": key[:255], "seen_at": now})
    return result.rowcount == 1


@contextlib.asynccontextmanager
async def writing(sessions: async_sessionmaker[AsyncSession], team_id: str,
                  clock: Clock = utcnow) -> AsyncIterator[AsyncSession]:
    """A transaction for a change. The current request's first change claims the request's key
    in it: when the key was claimed before, Replayed is raised and nothing changes."""
    request = CURRENT_REQUEST.get()
    first = request is not None and not request.claimed
    async with write_turn(sessions), sessions() as session, session.begin():
        if first and not await claim(session, team_id, request.key, clock()):
            raise Replayed(request.key)
        yield session
    if first:
        request.claimed = True


class DeliveryLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock
        # Keys seen by this process, for when the database cannot say.
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def first_time(self, team_id: str, key: str) -> bool:
        """True for the first delivery of `key` in the team, false for every repeat. When the
        database does not answer within FIRST_TIME_SECONDS, this process's own memory
        decides: an answer that needs no database is not held up by one that is down."""
        seen_here = (team_id, key) in self._recent
        self._remember(team_id, key)
        recording = asyncio.ensure_future(self._record(team_id, key))
        recording.add_done_callback(_consume)
        done, _ = await asyncio.wait({recording}, timeout=FIRST_TIME_SECONDS)
        if done and recording.exception() is None:
            return recording.result()
        logger.warning("the delivery log did not answer (%s); deciding on this process's memory",
                       type(recording.exception()).__name__ if done else "timeout")
        return not seen_here

    async def _record(self, team_id: str, key: str) -> bool:
        async with self._sessions() as session, session.begin():
            return await claim(session, team_id, key, self._clock())

    def _remember(self, team_id: str, key: str) -> None:
        self._recent[(team_id, key)] = None
        if len(self._recent) > REMEMBERED_IN_PROCESS:
            self._recent.popitem(last=False)

    async def forget_older_than(self, moment: dt.datetime) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(SlackDeliveryRow).where(SlackDeliveryRow.seen_at < moment))
            return int(result.rowcount or 0)


def _consume(task: asyncio.Future[bool]) -> None:
    """Retrieve a finished recording's exception, which was logged where it mattered."""
    if not task.cancelled():
        task.exception()
