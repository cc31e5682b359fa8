"""Who takes part in a channel's stand-ups, and reminding those who have not answered a run:
one reminder per person per run, whichever process sends it.

A run whose reminder time has come is claimed with a conditional UPDATE (its `remind_at` is
cleared only by the process that read it), and each person is claimed with an INSERT that only
one process can make. A reminder Slack refused outright is handed back for a later pass; one
whose fate is unknown is never sent again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.schedule.firing import CATCH_UP_LIMIT, Outcome
from bot.domain.standup.rows import run_from_row
from bot.domain.standup.values import Run
from bot.storage.dialect import as_utc, insert_for
from bot.storage.models import (
    StandupParticipantRow,
    StandupReminderRow,
    StandupResponseRow,
    StandupRunRow,
)

logger = logging.getLogger("principlebot")

MAX_PARTICIPANTS = 500

Remind = Callable[[Run, str], Awaitable[Outcome]]


class Participants:
    """Who joined a channel's stand-ups."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def join(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """True when the person was not taking part yet."""
        async with writing(self._sessions, team_id, self._clock) as session:
            insert = insert_for(session)
            result = await session.execute(insert(StandupParticipantRow).values(
                team_id=team_id, channel_id=channel_id, user_id=user_id,
                joined_at=self._clock()).on_conflict_do_nothing())
            return result.rowcount == 1

    async def leave(self, team_id: str, channel_id: str, user_id: str) -> bool:
        async with writing(self._sessions, team_id, self._clock) as session:
            result = await session.execute(delete(StandupParticipantRow).where(
                StandupParticipantRow.team_id == team_id,
                StandupParticipantRow.channel_id == channel_id,
                StandupParticipantRow.user_id == user_id))
            return bool(result.rowcount)

    async def who(self, team_id: str, channel_id: str) -> list[str]:
        async with self._sessions() as session:
            return list((await session.scalars(select(StandupParticipantRow.user_id).where(
                StandupParticipantRow.team_id == team_id,
                StandupParticipantRow.channel_id == channel_id,
            ).order_by(StandupParticipantRow.joined_at, StandupParticipantRow.user_id)
                .limit(MAX_PARTICIPANTS))).all())

    async def forget(self, team_id: str, user_id: str) -> int:
        """Take the person out of every channel's stand-ups and forget the reminders they
        were sent; how many channels they were in."""
        async with writing(self._sessions, team_id, self._clock) as session:
            await session.execute(delete(StandupReminderRow).where(
                StandupReminderRow.team_id == team_id, StandupReminderRow.user_id == user_id))
            result = await session.execute(delete(StandupParticipantRow).where(
                StandupParticipantRow.team_id == team_id,
                StandupParticipantRow.user_id == user_id))
            return int(result.rowcount or 0)

    async def channels_of(self, team_id: str, user_id: str) -> list[str]:
        async with self._sessions() as session:
            return list((await session.scalars(select(StandupParticipantRow.channel_id).where(
                StandupParticipantRow.team_id == team_id,
                StandupParticipantRow.user_id == user_id,
            ).order_by(StandupParticipantRow.channel_id))).all())


class Reminders:
    """Finds runs whose reminder time has come and reminds each participant who has not
    answered, once. One per process; safe with several processes."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def run_once(self, remind: Remind, limit: int = 100) -> int:
        """One pass, reminding with `remind`; how many reminders were sent."""
        now = self._clock()
        async with self._sessions() as session:
            due = list(await session.scalars(select(StandupRunRow).where(
                StandupRunRow.remind_at <= now, StandupRunRow.message_ts.is_not(None),
            ).order_by(StandupRunRow.remind_at, StandupRunRow.id).limit(limit)))
        sent = 0
        for row in due:
            remind_at = as_utc(row.remind_at) if row.remind_at else now
            if not await self._claim_run(row.id, remind_at):
                continue  # another process has it
            if now - remind_at >= CATCH_UP_LIMIT:
                logger.info("skipped the reminders of stand-up %s: %s late", row.id,
                            now - remind_at)
                continue
            sent += await self._remind_run(run_from_row(row), remind, remind_at, now)
        return sent

    async def _remind_run(self, run: Run, remind: Remind, remind_at: dt.datetime,
                          now: dt.datetime) -> int:
        sent = 0
        for user_id in await self.unanswered(run):
            if not await self._claim_person(run, user_id, now):
                continue
            outcome = await remind(run, user_id)
            if outcome is Outcome.RETRY:
                # Slack refused outright: hand this person and the run back to a later pass.
                await self._unclaim_person(run, user_id)
                await self._release_run(run.id, remind_at)
                return sent
            sent += outcome is Outcome.POSTED
        return sent

    async def unanswered(self, run: Run) -> list[str]:
        """Participants of the run's channel with no answer to it (no tick, Blocked or Done)."""
        async with self._sessions() as session:
            answered = select(StandupResponseRow.user_id).where(
                StandupResponseRow.run_id == run.id)
            return list((await session.scalars(select(StandupParticipantRow.user_id).where(
                StandupParticipantRow.team_id == run.team_id,
                StandupParticipantRow.channel_id == run.channel_id,
                StandupParticipantRow.user_id.not_in(answered),
            ).order_by(StandupParticipantRow.user_id))).all())

    async def _claim_run(self, run_id: int, remind_at: dt.datetime) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(StandupRunRow).where(
                StandupRunRow.id == run_id, StandupRunRow.remind_at == remind_at,
            ).values(remind_at=None))
            return result.rowcount == 1

    async def _release_run(self, run_id: int, remind_at: dt.datetime) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(StandupRunRow).where(
                StandupRunRow.id == run_id, StandupRunRow.remind_at.is_(None),
            ).values(remind_at=remind_at))

    async def _claim_person(self, run: Run, user_id: str, now: dt.datetime) -> bool:
        async with self._sessions() as session, session.begin():
            insert = insert_for(session)
            result = await session.execute(insert(StandupReminderRow).values(
                run_id=run.id, user_id=user_id, team_id=run.team_id, sent_at=now,
            ).on_conflict_do_nothing())
            return result.rowcount == 1

    async def _unclaim_person(self, run: Run, user_id: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(delete(StandupReminderRow).where(
                StandupReminderRow.run_id == run.id, StandupReminderRow.user_id == user_id))
