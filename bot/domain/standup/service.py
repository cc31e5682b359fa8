"""The stand-up service: runs, ticks, blockers, and the report of what the team keeps skipping.

Plain Python over the database; nothing here knows Slack. A run keeps a copy of its checklist.
The message a team ticks is shared, so a checkbox click reports only what that person's client
shows (their ticks since the message was last redrawn, which clears the boxes). `tick` turns
that into a change: compared with the same person's previous report for the same drawing of
the message, it adds what was ticked and removes what was unticked, and never touches anyone
else's ticks. Every change keeps the run's counts (bot.domain.standup.tally) and returns the
run's new revision, with which the message is redrawn (bot.domain.standup.drawing).

The run's row is locked by every change to its answers before anything else, so the answers
of one run change one at a time, whichever process makes the change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.ids import UNSTORABLE, is_row_number, is_storable
from bot.domain.standup import drawing, statements
from bot.domain.standup.report import channel_report
from bot.domain.standup.rows import (
    RESPONSES,
    RUNS,
    TICKS,
    checklist_from_json,
    checklist_json,
    run_from_row,
)
from bot.domain.standup.tally import Tally, save, summary_of
from bot.domain.standup.values import (
    MAX_NOTE,
    Report,
    Response,
    Run,
    RunNotFound,
    StandupError,
    Summary,
)
from bot.storage.dialect import as_utc
from bot.storage.models import StandupRunRow
from knowledge.models import Checklist

GONE = "This stand-up no longer exists."
MAX_NEWEST = 10_000


class StandupService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock
        # The newest revision of each run committed by this process, while its redraw is to
        # come: an older change's redraw here would find the run moved on, so it is not tried.
        self._newest: dict[int, int] = {}

    async def start(self, team_id: str, channel_id: str, checklist: Checklist,
                    started_by: str, *, remind_after: dt.timedelta | None = None) -> Run:
        return await self._insert(team_id, channel_id, checklist, started_by, None,
                                  remind_after)

    async def start_scheduled(self, team_id: str, channel_id: str, checklist: Checklist,
                              started_by: str, day: dt.date,
                              remind_after: dt.timedelta | None = None) -> Run | None:
        """The scheduled run of the channel's local `day`; None when that day already has it
        (another process is posting it)."""
        try:
            return await self._insert(team_id, channel_id, checklist, started_by, day,
                                      remind_after)
        except IntegrityError:
            return None

    async def _insert(self, team_id: str, channel_id: str, checklist: Checklist,
                      started_by: str, day: dt.date | None,
                      remind_after: dt.timedelta | None) -> Run:
        now = self._clock()
        async with writing(self._sessions, team_id, self._clock) as session:
            row = StandupRunRow(team_id=team_id, channel_id=channel_id,
                                checklist_name=checklist.name,
                                checklist_json=checklist_json(checklist),
                                started_by=started_by, started_at=now, version=0,
                                scheduled_day=day,
                                remind_at=now + remind_after if remind_after else None)
            session.add(row)
        return run_from_row(row)

    async def latest_since(self, team_id: str, channel_id: str,
                           since: dt.datetime) -> Run | None:
        """The channel's newest posted run started at or after `since`."""
        async with self._sessions() as session:
            row = await session.scalar(select(StandupRunRow).where(
                StandupRunRow.team_id == team_id, StandupRunRow.channel_id == channel_id,
                StandupRunRow.started_at >= since.astimezone(dt.UTC),
                StandupRunRow.message_ts.is_not(None),
            ).order_by(StandupRunRow.started_at.desc(), StandupRunRow.id.desc()).limit(1))
            return run_from_row(row) if row else None

    async def remind_from(self, team_id: str, run_id: int, moment: dt.datetime) -> None:
        """Remind the run's participants at `moment`, unless a reminder is already set."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(RUNS).where(
                RUNS.c.id == run_id, RUNS.c.team_id == team_id, RUNS.c.remind_at.is_(None),
            ).values(remind_at=moment))

    @staticmethod
    def _run(team_id: str, run_id: int, channel_id: str | None, person: str | None = None,
             *, locked: bool = False) -> tuple[Any, dict[str, Any]]:
        """The query of the run's columns, and its parameters, when it belongs to the team and
        (given one) the channel a click came from, or `person` was reminded of it in their
        DM: a run id from a button is believed only where the stored rows agree."""
        if not is_row_number(run_id):
            raise RunNotFound(GONE)
        key = (channel_id is not None, channel_id is not None and bool(person))
        params = {"run_id": run_id, "team_id": team_id}
        if key[0]:
            params["channel_id"] = channel_id
        if key[1]:
            params["person"] = person
        return (statements.LOCKED_RUN if locked else statements.RUN)[key], params

    async def _found_run(self, session: AsyncSession, team_id: str, run_id: int,
                         channel_id: str | None = None, person: str | None = None, *,
                         locked: bool = False) -> Any:
        """The run's columns (see `_run`), locked for the transaction with `locked`."""
        row = (await session.execute(*self._run(team_id, run_id, channel_id, person,
                                                locked=locked))).first()
        if row is None:
            raise RunNotFound(GONE)
        return row

    async def _locked_run(self, session: AsyncSession, team_id: str, run_id: int,
                          channel_id: str | None = None, person: str | None = None) -> Any:
        return await self._found_run(session, team_id, run_id, channel_id, person, locked=True)

    async def run(self, team_id: str, run_id: int, *, channel_id: str | None = None,
                  person: str | None = None) -> Run:
        """The run, where a click from `channel_id` (or `person`'s DM) may reach it."""
        async with self._sessions() as session:
            return run_from_row(await self._found_run(session, team_id, run_id, channel_id,
                                                      person))

    async def set_message(self, team_id: str, run_id: int, message_ts: str) -> None:
        """Record the run's message."""
        async with writing(self._sessions, team_id, self._clock) as session:
            await self._locked_run(session, team_id, run_id)
            await session.execute(update(RUNS).where(RUNS.c.id == run_id)
                                  .values(message_ts=message_ts))

    async def redraw(self, team_id: str, run_id: int, revision: int, draw: drawing.Draw,
                     *, seen_ts: str | None = None) -> int:
        """Draw the run's message after the change that made `revision`, unless a newer
        change will (bot.domain.standup.drawing); how many times `draw` was called."""
        if self._newest.get(run_id, revision) > revision:
            return 0
        try:
            return await drawing.redraw(self._sessions, team_id, run_id, revision, draw,
                                        seen_ts)
        finally:
            if self._newest.get(run_id) == revision:
                del self._newest[run_id]

    def _committed(self, run_id: int, revision: int) -> int:
        if len(self._newest) >= MAX_NEWEST and run_id not in self._newest:
            self._newest.clear()  # redraws that never came: forget them all
        self._newest[run_id] = max(self._newest.get(run_id, revision), revision)
        return revision

    async def _response(self, session: AsyncSession, tally: Tally, team_id: str, run_id: int,
                        user_id: str, **first: Any) -> Any:
        """The person's response: None when this created it (with the `first` values), else
        its columns. Counted in `tally` when new. Run lock held: nobody else changes it."""
        now = self._clock()
        created = await session.scalar(statements.new_response(session.bind.dialect.name), {
            "run_id": run_id, "user_id": user_id, "team_id": team_id, "done": False,
            "blocked": False, "note": None, "share_note": False, "seen_version": -1,
            "seen_selection": "[]", "first_at": now, "updated_at": now, **first})
        if created is not None:
            tally.responded += 1
            return None
        return (await session.execute(statements.RESPONSE,
                                      {"run_id": run_id, "user_id": user_id})).one()

    async def _set_ticks(self, session: AsyncSession, tally: Tally, team_id: str, run_id: int,
                         user_id: str, added: set[str], removed: set[str]) -> None:
        """Add and remove the person's ticks, counting only rows that really changed."""
        if removed:
            gone = (await session.scalars(delete(TICKS).where(
                TICKS.c.run_id == run_id, TICKS.c.user_id == user_id,
                TICKS.c.item_id.in_(removed)).returning(TICKS.c.item_id))).all()
            tally.count_ticks(gone, -1)
        if added:
            new = (await session.scalars(statements.new_ticks(session.bind.dialect.name), [
                {"run_id": run_id, "user_id": user_id, "item_id": item, "team_id": team_id}
                for item in sorted(added)])).all()
            tally.count_ticks(new, 1)

    async def tick(self, team_id: str, run_id: int, user_id: str, version_seen: int | None,
                   selected: Iterable[str], *, channel_id: str | None = None) -> int:
        """Apply what a person's checkboxes show on drawing `version_seen` of the shared
        message; with `version_seen` None, `selected` is the person's complete set (their own
        copy of the checklist, drawn with their ticks). The run's new revision."""
        async with writing(self._sessions, team_id, self._clock) as session:
            run = await self._locked_run(session, team_id, run_id, channel_id, user_id)
            known = {item.id for item in checklist_from_json(run.checklist_json).items}
            chosen = {item for item in selected if item in known}
            tally = Tally.of(run)
            seen = ({} if version_seen is None else
                    {"seen_version": version_seen, "seen_selection": json.dumps(sorted(chosen))})
            response = await self._response(session, tally, team_id, run_id, user_id, **seen)
            if response is None:  # their first answer: nothing to take back
                before: set[str] = set()
            elif version_seen is None:
                before = set((await session.scalars(statements.TICKS_OF, {
                    "run_id": run_id, "user_id": user_id})).all())
            elif response.seen_version == version_seen:
                before = set(json.loads(response.seen_selection))
            else:
                before = set()
            await self._set_ticks(session, tally, team_id, run_id, user_id,
                                  chosen - before, before - chosen)
            if response is not None:
                await self._update_response(session, run_id, user_id, **seen)
            revision = await save(session, run_id, tally)
        return self._committed(run_id, revision)

    async def _update_response(self, session: AsyncSession, run_id: int, user_id: str,
                               **values: Any) -> None:
        await session.execute(update(RESPONSES).where(
            RESPONSES.c.run_id == run_id, RESPONSES.c.user_id == user_id,
        ).values(updated_at=self._clock(), **values))

    async def set_blocked(self, team_id: str, run_id: int, user_id: str, note: str,
                          share: bool, *, channel_id: str | None = None) -> int:
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise StandupError(f"Keep the note under {MAX_NOTE} characters.")
        if not is_storable(note):
            raise StandupError(f"I can't save this note: {UNSTORABLE}.")
        values = {"blocked": True, "note": note or None, "share_note": share and bool(note)}
        async with writing(self._sessions, team_id, self._clock) as session:
            run = await self._locked_run(session, team_id, run_id, channel_id, user_id)
            tally = Tally.of(run)
            response = await self._response(session, tally, team_id, run_id, user_id,
                                             **values)
            if response is not None:
                await self._update_response(session, run_id, user_id, **values)
            tally.blocked += response is None or not response.blocked
            revision = await save(session, run_id, tally)
        return self._committed(run_id, revision)

    async def set_done(self, team_id: str, run_id: int, user_id: str, *,
                       channel_id: str | None = None) -> int:
        async with writing(self._sessions, team_id, self._clock) as session:
            run = await self._locked_run(session, team_id, run_id, channel_id, user_id)
            tally = Tally.of(run)
            response = await self._response(session, tally, team_id, run_id, user_id, done=True)
            if response is not None:
                await self._update_response(session, run_id, user_id, done=True)
            tally.done += response is None or not response.done
            revision = await save(session, run_id, tally)
        return self._committed(run_id, revision)

    async def summary(self, team_id: str, run_id: int, *, channel_id: str | None = None,
                      person: str | None = None) -> Summary:
        """What the run's message shows (bot.domain.standup.tally)."""
        async with self._sessions() as session:
            row = await self._found_run(session, team_id, run_id, channel_id, person)
            return await summary_of(session, row)

    async def answers(self, team_id: str, run_id: int, user_id: str | None = None, *,
                      channel_id: str | None = None) -> tuple[Run, tuple[Response, ...]]:
        """The run and everyone's answers to it (only `user_id`'s, given one), in order of
        first response; the note only where its author shared it."""
        async with self._sessions() as session:
            row = await self._found_run(session, team_id, run_id, channel_id, user_id)
            mine = [RESPONSES.c.user_id == user_id] if user_id else []
            responses = (await session.execute(select(RESPONSES).where(
                RESPONSES.c.run_id == run_id, *mine,
            ).order_by(RESPONSES.c.first_at, RESPONSES.c.user_id))).all()
            ticks = (await session.execute(select(TICKS.c.user_id, TICKS.c.item_id).where(
                TICKS.c.run_id == run_id, *([TICKS.c.user_id == user_id] if user_id else [])
            ))).all()
        by_user: dict[str, set[str]] = {}
        for person, item_id in ticks:
            by_user.setdefault(person, set()).add(item_id)
        return run_from_row(row), tuple(
            Response(r.user_id, frozenset(by_user.get(r.user_id, ())), r.done, r.blocked,
                     r.note if r.share_note else None, as_utc(r.first_at))
            for r in responses)

    async def report(self, team_id: str, channel_id: str, since: dt.datetime,
                     until: dt.datetime | None = None) -> Report:
        """Completion per item over the runs of a channel (bot.domain.standup.report)."""
        async with self._sessions() as session:
            return await channel_report(session, team_id, channel_id, since,
                                        until or self._clock())

    async def mark_unused(self, team_id: str, run_id: int) -> None:
        """Forget a run whose message could not be posted."""
        async with writing(self._sessions, team_id, self._clock) as session:
            await session.execute(delete(RUNS).where(RUNS.c.id == run_id,
                                                     RUNS.c.team_id == team_id))
