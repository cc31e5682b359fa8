"""Remembers handled Slack deliveries so a retried one is not handled twice.

Slack redelivers an event it thinks went unanswered (X-Slack-Retry-Num), possibly to another
bot process, and a person can double-submit a modal; both arrive with the key of the first
delivery (event id, view id). The keys live in the shared database, so every process sees them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.storage.dialect import insert_for
from bot.storage.models import SlackDeliveryRow

# Slack retries within minutes; a day is ample and keeps the table small.
KEEP = dt.timedelta(days=1)


class DeliveryLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def first_time(self, team_id: str, key: str) -> bool:
        """True for the first delivery of `key` in the team, false for every repeat."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            insert = insert_for(session)
            result = await session.execute(
                insert(SlackDeliveryRow).values(team_id=team_id, delivery_key=key[:255],
                                                seen_at=now)
                .on_conflict_do_nothing(index_elements=["team_id", "delivery_key"])
            )
            return result.rowcount == 1

    async def forget_older_than(self, moment: dt.datetime) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(SlackDeliveryRow).where(SlackDeliveryRow.seen_at < moment))
            return int(result.rowcount or 0)
