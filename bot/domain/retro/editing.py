"""Changing a retro action after it was logged: its text, owner, due date and tags (by its
author or its owner only), snoozing it, and putting a deleted one back (Undo) with its number
and tags. A due date is read against the person's own today: a past one is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.ids import UNSTORABLE, is_row_number, is_storable, is_user_id
from bot.domain.matcher import Matcher
from bot.domain.retro.rows import restored, row_to_action
from bot.domain.retro.tagging import Tagger
from bot.domain.retro.values import (
    MAX_TEXT,
    RetroAction,
    RetroInputError,
    RetroNotAllowed,
    RetroNotFound,
    RetroPastDate,
    Scope,
)
from bot.storage.dialect import as_utc
from bot.storage.models import RetroActionRow, RetroTagRow, RetroTrashRow

UNDO_WINDOW = dt.timedelta(minutes=10)
SNOOZE = dt.timedelta(weeks=1)


class Keep:
    """A field left as it is."""


KEEP = Keep()


@dataclass(frozen=True)
class Changes:
    """What to change; every field left out is kept."""

    text: str | Keep = KEEP
    owner_id: str | Keep | None = KEEP
    due_date: dt.date | Keep | None = KEEP
    tags: Sequence[str] | Keep = KEEP
    done: bool | Keep = KEEP


class RetroEditor:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], matcher: Matcher,
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._tagger = Tagger(matcher)
        self._clock = clock

    def today(self, zone: str) -> dt.date:
        return self._clock().astimezone(ZoneInfo(zone)).date()

    async def edit(self, scope: Scope, number: int, actor_id: str, changes: Changes,
                   zone: str = "UTC") -> RetroAction:
        """Apply `changes` for `actor_id`, who must be the author or the owner; a due date is
        checked against today in `zone` (the actor's)."""
        text = changes.text
        if isinstance(text, str):
            text = text.strip()
            if not text:
                raise RetroInputError("The new text is empty: write what the team will do.")
            if len(text) > MAX_TEXT:
                raise RetroInputError(f"Keep the text under {MAX_TEXT} characters.")
            if not is_storable(text):
                raise RetroInputError(f"I can't save this text: {UNSTORABLE}.")
        owner = changes.owner_id
        if isinstance(owner, str) and not is_user_id(owner):
            raise RetroInputError("The owner must be a person in this workspace.")
        due = changes.due_date
        if isinstance(due, dt.date) and due < self.today(zone):
            raise RetroPastDate(f"{due.isoformat()} is in the past: give today or a later day.")
        tags = (None if isinstance(changes.tags, Keep)
                else await self._tagger.checked(changes.tags))
        if tags is not None and not tags:
            raise RetroInputError("Give at least one tag, e.g. #4 or #4.2.")
        async with writing(self._sessions, scope.team_id, self._clock) as session:
            row = await self._allowed(session, scope, number, actor_id)
            if isinstance(text, str):
                row.text = text
            if not isinstance(changes.owner_id, Keep):
                row.owner_id = changes.owner_id
            if not isinstance(due, Keep):
                row.due_date = due
            if isinstance(changes.done, bool):
                row.status = "done" if changes.done else "open"
                row.done_at = self._clock() if changes.done else None
            if tags is not None:
                row.tags = [RetroTagRow(tag=t.tag, principle=t.principle, team_id=row.team_id,
                                        position=i) for i, t in enumerate(tags)]
                row.auto_tagged = False
            row.updated_at = self._clock()
        return row_to_action(row)

    async def assign(self, scope: Scope, number: int, actor_id: str,
                     owner_id: str | None) -> RetroAction:
        return await self.edit(scope, number, actor_id, Changes(owner_id=owner_id))

    async def set_due(self, scope: Scope, number: int, actor_id: str, due: dt.date | None,
                      zone: str) -> RetroAction:
        return await self.edit(scope, number, actor_id, Changes(due_date=due), zone)

    async def snooze(self, scope: Scope, number: int, actor_id: str,
                     zone: str) -> RetroAction:
        """Due a week from today (in `zone`)."""
        return await self.set_due(scope, number, actor_id, self.today(zone) + SNOOZE, zone)

    @staticmethod
    async def _allowed(session: AsyncSession, scope: Scope, number: int,
                       actor_id: str) -> RetroActionRow:
        """The action, found in the scope's channel or (for a scope with a person, such as a
        reminder DM) among what that person wrote or owns; only its author or owner may go on."""
        reachable = RetroActionRow.channel_id == scope.channel_id
        if scope.person:
            reachable = or_(reachable, RetroActionRow.author_id == scope.person,
                            RetroActionRow.owner_id == scope.person)
        row = None if not is_row_number(number) else await session.scalar(
            select(RetroActionRow).where(RetroActionRow.team_id == scope.team_id,
                                         RetroActionRow.number == number, reachable
                                         ).with_for_update())
        if row is None:
            raise RetroNotFound(f"There is no action #{number} in this channel.")
        if actor_id not in (row.author_id, row.owner_id):
            raise RetroNotAllowed(f"Only the author or the owner of #{number} can change it.")
        return row

    async def undo_delete(self, team_id: str, undo_key: int, actor_id: str) -> RetroAction:
        """Put back the action deleted under `undo_key`, as it was; only by whoever deleted
        it, within UNDO_WINDOW."""
        async with writing(self._sessions, team_id, self._clock) as session:
            trash = await session.scalar(select(RetroTrashRow).where(
                RetroTrashRow.id == undo_key, RetroTrashRow.team_id == team_id
            ).with_for_update())
            if trash is None or self._clock() - as_utc(trash.deleted_at) > UNDO_WINDOW:
                raise RetroNotFound("It's too late to undo that: deleted actions are kept "
                                    f"{int(UNDO_WINDOW.total_seconds() // 60)} minutes.")
            if trash.deleted_by != actor_id:
                raise RetroNotAllowed("Only the person who deleted it can undo that.")
            row = restored(team_id, trash.snapshot)
            session.add(row)
            await session.delete(trash)
        return row_to_action(row)

    async def purge_trash(self, now: dt.datetime) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(RetroTrashRow).where(
                RetroTrashRow.deleted_at < (now - UNDO_WINDOW).astimezone(dt.UTC)))
            return int(result.rowcount or 0)
