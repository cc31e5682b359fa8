"""Due-date reminders: at 09:00 in a person's own time zone, on a day they have open actions
due or overdue (as owner, or as author of an action nobody owns), one DM listing them; at most
one per person per local day, whichever process sends it (the day is claimed by an INSERT only
one process can make). Also the overdue actions the weekly prompt calls out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.retro.rows import row_to_action
from bot.domain.retro.values import RetroAction, Scope
from bot.domain.schedule.firing import Outcome
from bot.storage.dialect import insert_for
from bot.storage.models import RetroActionRow, RetroDueReminderRow

logger = logging.getLogger("principlebot")

REMIND_AT = dt.time(9, 0)
MAX_LISTED = 20
# Every zone's today lies within a day of UTC's.
ZONE_SPREAD = dt.timedelta(days=1)

ZoneOf = Callable[[str, str], Awaitable[str | None]]  # (team, person) -> zone; None: skip team
Send = Callable[[str, str, list[RetroAction], dt.date], Awaitable[Outcome]]


def person_of(action: RetroAction) -> str:
    return action.owner_id or action.author_id


class DueReminders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def _open_due_by(self, day: dt.date) -> dict[tuple[str, str], list[RetroAction]]:
        async with self._sessions() as session:
            rows = await session.scalars(select(RetroActionRow).where(
                RetroActionRow.status == "open", RetroActionRow.due_date <= day,
            ).order_by(RetroActionRow.team_id, RetroActionRow.due_date, RetroActionRow.number))
            found: dict[tuple[str, str], list[RetroAction]] = {}
            for row in rows:
                action = row_to_action(row)
                found.setdefault((action.team_id, person_of(action)), []).append(action)
            return found

    async def run_once(self, zone_of: ZoneOf, send: Send) -> int:
        """One pass: remind everyone whose 09:00 has come today and who has something due
        today or overdue, unless they were reminded today. How many DMs were sent."""
        now = self._clock()
        sent = 0
        for (team_id, person), actions in (await self._open_due_by(
                (now + ZONE_SPREAD).date())).items():
            zone = await zone_of(team_id, person)
            if zone is None:
                continue
            local = now.astimezone(ZoneInfo(zone))
            if local.time() < REMIND_AT:
                continue
            today = local.date()
            due = [a for a in actions if a.due_date and a.due_date <= today][:MAX_LISTED]
            if not due or not await self._claim(team_id, person, today, now):
                continue
            outcome = await send(team_id, person, due, today)
            if outcome is Outcome.RETRY:
                await self._unclaim(team_id, person, today)
            sent += outcome is Outcome.POSTED
        return sent

    async def _claim(self, team_id: str, person: str, day: dt.date, now: dt.datetime) -> bool:
        async with self._sessions() as session, session.begin():
            insert = insert_for(session)
            result = await session.execute(insert(RetroDueReminderRow).values(
                team_id=team_id, user_id=person, day=day, sent_at=now,
            ).on_conflict_do_nothing())
            return result.rowcount == 1

    async def _unclaim(self, team_id: str, person: str, day: dt.date) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(delete(RetroDueReminderRow).where(
                RetroDueReminderRow.team_id == team_id, RetroDueReminderRow.user_id == person,
                RetroDueReminderRow.day == day))

    async def overdue(self, scope: Scope, today: dt.date,
                      limit: int = MAX_LISTED) -> list[RetroAction]:
        """The channel's open actions due before `today`, oldest due first."""
        async with self._sessions() as session:
            rows = await session.scalars(select(RetroActionRow).where(
                RetroActionRow.team_id == scope.team_id,
                RetroActionRow.channel_id == scope.channel_id,
                RetroActionRow.status == "open", RetroActionRow.due_date < today,
            ).order_by(RetroActionRow.due_date, RetroActionRow.number).limit(limit))
            return [row_to_action(r) for r in rows]

    async def forget(self, team_id: str, user_id: str) -> None:
        async with writing(self._sessions, team_id, self._clock) as session:
            await session.execute(delete(RetroDueReminderRow).where(
                RetroDueReminderRow.team_id == team_id, RetroDueReminderRow.user_id == user_id))
