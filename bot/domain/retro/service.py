"""The retro action service: add, list, close, retag, delete, coverage by principle, a
person's data and exports.

Every operation is scoped to a team and (except a person's own data and exports) a channel, so
one channel never sees another's actions. An action is returned to the caller only after its
transaction has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy import Select, delete, func, or_, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import CURRENT_REQUEST, writing
from bot.domain.ids import UNSTORABLE, is_row_number, is_storable, is_user_id
from bot.domain.matcher import Matcher
from bot.domain.retro.coverage import Coverage
from bot.domain.retro.numbering import insert_numbered
from bot.domain.retro.rows import row_to_action as _row_to_action
from bot.domain.retro.rows import snapshot
from bot.domain.retro.tagging import Tagger
from bot.domain.retro.values import (
    COUNT_BOUND,
    MAX_TEXT,
    STATUSES,
    Added,
    Page,
    RetroAction,
    RetroInputError,
    RetroNotAllowed,
    RetroNotFound,
    Scope,
    Tag,
)
from bot.storage.dialect import as_utc
from bot.storage.engine import write_turn
from bot.storage.models import RetroActionRow, RetroTagRow, RetroTrashRow


class RetroService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], matcher: Matcher,
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._knowledge = matcher.knowledge
        self._tagger = Tagger(matcher)
        self._clock = clock

    async def propose_tags(self, text: str) -> tuple[Tag, ...]:
        """Tags the matcher proposes for an action's text (see Tagger.propose)."""
        return await self._tagger.propose(text)

    # ---------------------------------------------------------------- writing

    async def add(self, scope: Scope, author_id: str, text: str, tags: Sequence[str] = (), *,
                  owner_id: str | None = None, due_date: dt.date | None = None,
                  permalink: str | None = None, request_key: str | None = None) -> Added:
        """Log an action. With `request_key`, a repeat of the same request returns the action
        the first one created instead of creating another."""
        text = text.strip()
        if not text:
            raise RetroInputError("The action is empty: write what the team will do.")
        if not is_storable(text):
            raise RetroInputError(f"I can't save this action: {UNSTORABLE}.")
        if owner_id is not None and not is_user_id(owner_id):
            raise RetroInputError("The owner must be a person in this workspace.")
        if len(text) > MAX_TEXT:
            raise RetroInputError(f"The action is {len(text)} characters long; keep it under "
                                  f"{MAX_TEXT}.")
        chosen = await self._tagger.checked(tags)
        auto = not chosen
        if auto:
            chosen = await self._tagger.propose(text)
        request = CURRENT_REQUEST.get()
        request_key = request_key or (request.key if request else None)
        if request_key:
            existing = await self._by_request_key(scope.team_id, request_key)
            if existing:
                return Added(existing, created=False)
        now = self._clock()
        action = {"team_id": scope.team_id, "channel_id": scope.channel_id,
                  "author_id": author_id, "owner_id": owner_id, "text": text, "status": "open",
                  "auto_tagged": auto, "due_date": due_date, "permalink": permalink,
                  "request_key": request_key, "created_at": now, "updated_at": now}
        try:
            # Concurrent adds may commit in another order than their clocks read: within those
            # few milliseconds the newest-first order can differ from the numbers' order.
            async with write_turn(self._sessions):
                number = await insert_numbered(self._sessions, action,
                                               [(t.tag, t.principle) for t in chosen])
            return Added(RetroAction(
                number=number, team_id=scope.team_id, channel_id=scope.channel_id,
                author_id=author_id, owner_id=owner_id, text=text, status="open",
                tags=tuple(chosen), auto_tagged=auto, due_date=due_date,
                created_at=as_utc(now), done_at=None, permalink=permalink), created=True)
        except IntegrityError:
            # A concurrent delivery of the same request won the race; return its action.
            if request_key:
                existing = await self._by_request_key(scope.team_id, request_key)
                if existing:
                    return Added(existing, created=False)
            raise

    async def _by_request_key(self, team_id: str, request_key: str) -> RetroAction | None:
        async with self._sessions() as session:
            row = await session.scalar(select(RetroActionRow).where(
                RetroActionRow.team_id == team_id, RetroActionRow.request_key == request_key))
            return _row_to_action(row) if row else None

    async def _change(self, scope: Scope, number: int,
                      change: Callable[[RetroActionRow], None]) -> RetroAction:
        self._check_number(number)
        async with writing(self._sessions, scope.team_id, self._clock) as session:
            row = await session.scalar(self._in_reach(scope, number).with_for_update())
            if row is None:
                raise RetroNotFound(f"There is no action #{number} in this channel.")
            change(row)
            row.updated_at = self._clock()
        return _row_to_action(row)

    async def set_done(self, scope: Scope, number: int, done: bool) -> RetroAction:
        def apply(row: RetroActionRow) -> None:
            row.status = "done" if done else "open"
            row.done_at = self._clock() if done else None
        return await self._change(scope, number, apply)

    async def change_tags(self, scope: Scope, number: int, tags: Sequence[str]) -> RetroAction:
        chosen = await self._tagger.checked(tags)
        if not chosen:
            raise RetroInputError("Give at least one tag, e.g. #4 or #4.2.")

        def apply(row: RetroActionRow) -> None:
            row.tags = [RetroTagRow(tag=t.tag, principle=t.principle, team_id=row.team_id,
                                    position=i) for i, t in enumerate(chosen)]
            row.auto_tagged = False
        return await self._change(scope, number, apply)

    async def delete(self, scope: Scope, number: int, actor_id: str) -> tuple[RetroAction, int]:
        """Delete an action, kept a few minutes for Undo; the action and its undo key."""
        self._check_number(number)
        async with writing(self._sessions, scope.team_id, self._clock) as session:
            row = await session.scalar(self._in_reach(scope, number).with_for_update())
            if row is None:
                raise RetroNotFound(f"There is no action #{number} in this channel.")
            if actor_id not in (row.author_id, row.owner_id):
                raise RetroNotAllowed(f"Only the author or the owner of #{number} can delete it.")
            action = _row_to_action(row)
            trash = RetroTrashRow(team_id=scope.team_id, channel_id=row.channel_id,
                                  number=number, snapshot=snapshot(row), deleted_by=actor_id,
                                  deleted_at=self._clock())
            session.add(trash)
            await session.delete(row)
        return action, trash.id

    # ---------------------------------------------------------------- reading

    @staticmethod
    def _in_scope(scope: Scope) -> Select[tuple[RetroActionRow]]:
        return select(RetroActionRow).where(RetroActionRow.team_id == scope.team_id,
                                            RetroActionRow.channel_id == scope.channel_id)

    @staticmethod
    def _in_reach(scope: Scope, number: int) -> Select[tuple[RetroActionRow]]:
        """Action `number` of the team, when it lives in the scope's channel or the scope's
        person wrote or owns it (the row decides, never what a button said)."""
        reachable = RetroActionRow.channel_id == scope.channel_id
        if scope.person:
            reachable = or_(reachable, RetroActionRow.author_id == scope.person,
                            RetroActionRow.owner_id == scope.person)
        return select(RetroActionRow).where(RetroActionRow.team_id == scope.team_id,
                                            RetroActionRow.number == number, reachable)

    @staticmethod
    def _check_number(number: int) -> None:
        if not is_row_number(number):
            raise RetroNotFound(f"There is no action #{number} in this channel.")

    async def get(self, scope: Scope, number: int) -> RetroAction:
        self._check_number(number)
        async with self._sessions() as session:
            row = await session.scalar(self._in_reach(scope, number))
            if row is None:
                raise RetroNotFound(f"There is no action #{number} in this channel.")
            return _row_to_action(row)

    async def list_actions(self, scope: Scope, *, status: str = "open",
                           principle: int | None = None, owner_id: str | None = None,
                           offset: int = 0, limit: int = 10) -> Page:
        """This channel's actions, newest first, a page at a time."""
        if status not in STATUSES:
            raise RetroInputError("Status is open, done or all.")
        query = self._in_scope(scope)
        if status != "all":
            query = query.where(RetroActionRow.status == status)
        if principle is not None:
            # Walk the channel's actions in page order and keep those with a tag of the
            # principle: a page costs about a page, not every tag of the principle.
            query = query.where(select(RetroTagRow.action_id).where(
                RetroTagRow.action_id == RetroActionRow.id,
                RetroTagRow.principle == principle).exists())
        if owner_id is not None:
            query = query.where(RetroActionRow.owner_id == owner_id)
        return await self._page(query, offset, limit)

    async def _page(self, query: Select[tuple[RetroActionRow]], offset: int, limit: int,
                    counted: Select[tuple[RetroActionRow]] | None = None) -> Page:
        """A page of `query` in display order, and how many match (`counted`, by default the
        same query), counted only as far as COUNT_BOUND past the page."""
        offset, limit = max(0, offset), max(1, limit)
        bound = max(COUNT_BOUND, offset + limit)
        matching = ((query if counted is None else counted).with_only_columns(RetroActionRow.id)
                    .order_by(None).limit(bound + 1).subquery())
        async with self._sessions() as session:
            total = int(await session.scalar(select(func.count()).select_from(matching)) or 0)
            rows = await session.scalars(
                query.order_by(RetroActionRow.created_at.desc(), RetroActionRow.number.desc())
                .offset(offset).limit(limit)
            )
            return Page(tuple(_row_to_action(r) for r in rows), min(total, bound), offset,
                        limit, exact=total <= bound)

    async def for_person(self, team_id: str, user_id: str, *, status: str = "open",
                         offset: int = 0, limit: int = 20) -> Page:
        """Actions the person authored or owns, in any channel of the team."""
        offset, limit = max(0, offset), max(1, limit)

        def authored_or_owned(reach: int) -> Select[tuple[RetroActionRow]]:
            # The newest `reach` as author and as owner, each read in order from its own
            # index, then merged: an OR of the two would read all of the person's actions.
            branches = []
            for column in (RetroActionRow.author_id, RetroActionRow.owner_id):
                branch = select(RetroActionRow.id).where(RetroActionRow.team_id == team_id,
                                                         column == user_id)
                if status != "all":
                    branch = branch.where(RetroActionRow.status == status)
                branches.append(select(branch.order_by(
                    RetroActionRow.created_at.desc(), RetroActionRow.number.desc())
                    .limit(reach).subquery()))
            return select(RetroActionRow).where(RetroActionRow.id.in_(union(*branches)))

        return await self._page(authored_or_owned(offset + limit), offset, limit,
                                counted=authored_or_owned(max(COUNT_BOUND, offset + limit) + 1))

    async def coverage(self, team_id: str, *, channel_id: str | None = None,
                       since: dt.datetime | None = None,
                       until: dt.datetime | None = None) -> Coverage:
        """Actions per principle (an action counts once per principle it is tagged with)."""
        # In UTC, as stored: SQLite compares the stored text, not the instants.
        until = (until or self._clock()).astimezone(dt.UTC)
        since = (since or until - dt.timedelta(weeks=4)).astimezone(dt.UTC)
        # Filter on the actions (team, channel, period: an index) and reach their tags by
        # action (an index holding the principle too); filtering on the tags' own team column
        # made SQLite walk every tag the team ever had. An action counts once per principle:
        # distinct (action, principle) pairs, then counted, hash rather than sort on PostgreSQL.
        pairs = (
            select(RetroTagRow.action_id, RetroTagRow.principle).distinct()
            .select_from(RetroActionRow)
            .join(RetroTagRow, RetroTagRow.action_id == RetroActionRow.id)
            .where(RetroActionRow.team_id == team_id,
                   RetroActionRow.created_at >= since, RetroActionRow.created_at < until)
        )
        total_query = select(func.count()).select_from(RetroActionRow).where(
            RetroActionRow.team_id == team_id, RetroActionRow.created_at >= since,
            RetroActionRow.created_at < until)
        if channel_id is not None:
            pairs = pairs.where(RetroActionRow.channel_id == channel_id)
            total_query = total_query.where(RetroActionRow.channel_id == channel_id)
        pair = pairs.subquery()
        query = select(pair.c.principle, func.count()).group_by(pair.c.principle)
        async with self._sessions() as session:
            found = {principle: count for principle, count in (await session.execute(query)).all()}
            total = int(await session.scalar(total_query) or 0)
        counts = {p.number: int(found.get(p.number, 0)) for p in self._knowledge.principles}
        return Coverage(counts, total, since, until)

    # ---------------------------------------------------------------- your data

    async def count_owned(self, team_id: str, user_id: str) -> int:
        """Actions the person owns but someone else wrote, counted exactly (a page's total
        stops at COUNT_BOUND)."""
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(RetroActionRow)
                                            .where(RetroActionRow.team_id == team_id,
                                                   RetroActionRow.owner_id == user_id,
                                                   RetroActionRow.author_id != user_id)) or 0)

    async def count_authored(self, team_id: str, user_id: str) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(RetroActionRow)
                                            .where(RetroActionRow.team_id == team_id,
                                                   RetroActionRow.author_id == user_id)) or 0)

    async def forget_person(self, team_id: str, user_id: str) -> tuple[int, int]:
        """Delete what the person authored and take them off what they own.
        Returns (actions deleted, actions no longer owned by them)."""
        async with writing(self._sessions, team_id, self._clock) as session:
            deleted = await session.execute(delete(RetroActionRow).where(
                RetroActionRow.team_id == team_id, RetroActionRow.author_id == user_id))
            unowned = await session.execute(update(RetroActionRow).where(
                RetroActionRow.team_id == team_id, RetroActionRow.owner_id == user_id
            ).values(owner_id=None, updated_at=self._clock()))
        return int(deleted.rowcount or 0), int(unowned.rowcount or 0)

    async def export(self, *, team_id: str | None = None,
                     channel_id: str | None = None) -> list[RetroAction]:
        query = select(RetroActionRow)
        if team_id is not None:
            query = query.where(RetroActionRow.team_id == team_id)
        if channel_id is not None:
            query = query.where(RetroActionRow.channel_id == channel_id)
        async with self._sessions() as session:
            rows = await session.scalars(query.order_by(RetroActionRow.team_id,
                                                        RetroActionRow.number))
            return [_row_to_action(r) for r in rows]
