"""The stand-up service: runs, ticks, blockers, and the report of what the team keeps skipping.

Plain Python over the database; nothing here knows Slack. A run keeps a copy of its checklist.
The message a team ticks is shared, so a checkbox click reports only what that person's client
shows (their ticks since the message was last redrawn, which clears the boxes). `tick` turns
that into a change: compared with the same person's previous report for the same message
version, it adds what was ticked and removes what was unticked, and never touches anyone
else's ticks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from sqlalchemy import Select, delete, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.ids import UNSTORABLE, is_row_number, is_storable
from bot.domain.standup.values import (
    MAX_NOTE,
    ItemReport,
    Report,
    Response,
    Run,
    RunNotFound,
    StandupError,
    Summary,
)
from bot.storage.dialect import as_utc, insert_for
from bot.storage.models import (
    StandupReminderRow,
    StandupResponseRow,
    StandupRunRow,
    StandupTickRow,
)
from knowledge.models import Checklist, ChecklistItem

GONE = "This stand-up no longer exists."


def _checklist_json(checklist: Checklist) -> str:
    return json.dumps({"name": checklist.name, "title": checklist.title,
                       "description": checklist.description,
                       "items": [[i.id, i.text, i.practice_id] for i in checklist.items]})


def _checklist_from_json(text: str) -> Checklist:
    data = json.loads(text)
    return Checklist(data["name"], data["title"], data["description"],
                     tuple(ChecklistItem(*item) for item in data["items"]))



def run_from_row(row: StandupRunRow) -> Run:
    return Run(row.id, row.team_id, row.channel_id, _checklist_from_json(row.checklist_json),
               row.started_by, as_utc(row.started_at), row.message_ts, row.version)


class StandupService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

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
                                checklist_json=_checklist_json(checklist),
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
            row = await self._locked_run(session, team_id, run_id)
            if row.remind_at is None:
                row.remind_at = moment

    @staticmethod
    def _run(team_id: str, run_id: int, channel_id: str | None,
             person: str | None = None) -> Select[tuple[StandupRunRow]]:
        """The run, when it belongs to the team and (given one) the channel a click came from,
        or `person` was reminded of it in their DM: a run id from a button is believed only
        where the stored rows agree."""
        if not is_row_number(run_id):
            raise RunNotFound(GONE)
        query = select(StandupRunRow).where(StandupRunRow.id == run_id,
                                            StandupRunRow.team_id == team_id)
        if channel_id is not None:
            reachable = StandupRunRow.channel_id == channel_id
            if person:
                reachable = or_(reachable, exists().where(
                    StandupReminderRow.run_id == StandupRunRow.id,
                    StandupReminderRow.user_id == person))
            query = query.where(reachable)
        return query

    async def _locked_run(self, session: AsyncSession, team_id: str, run_id: int,
                          channel_id: str | None = None, person: str | None = None
                          ) -> StandupRunRow:
        row = await session.scalar(
            self._run(team_id, run_id, channel_id, person).with_for_update())
        if row is None:
            raise RunNotFound(GONE)
        return row

    async def set_message(self, team_id: str, run_id: int, message_ts: str, *,
                          unless_known: bool = False) -> None:
        """Record the run's message; with `unless_known`, only when none is recorded (a post
        whose answer was lost is learnt from the first click on it)."""
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await self._locked_run(session, team_id, run_id)
            if not (unless_known and row.message_ts):
                row.message_ts = message_ts

    async def next_version(self, team_id: str, run_id: int) -> Summary:
        """Advance the message version and return the state to draw it with."""
        async with writing(self._sessions, team_id, self._clock) as session:
            row = await self._locked_run(session, team_id, run_id)
            row.version += 1
        return await self.summary(team_id, run_id)

    async def _response(self, session: AsyncSession, team_id: str, run_id: int,
                        user_id: str) -> StandupResponseRow:
        """The person's response row, created if needed, locked for this transaction."""
        now = self._clock()
        insert = insert_for(session)
        await session.execute(
            insert(StandupResponseRow).values(
                run_id=run_id, user_id=user_id, team_id=team_id, done=False, blocked=False,
                share_note=False, seen_version=-1, seen_selection="[]", first_at=now,
                updated_at=now,
            ).on_conflict_do_nothing(index_elements=["run_id", "user_id"])
        )
        return (await session.scalars(select(StandupResponseRow).where(
            StandupResponseRow.run_id == run_id, StandupResponseRow.user_id == user_id
        ).with_for_update().execution_options(populate_existing=True))).one()

    async def tick(self, team_id: str, run_id: int, user_id: str, version_seen: int | None,
                   selected: Iterable[str], *, channel_id: str | None = None) -> None:
        """Apply what a person's checkboxes show for message version `version_seen` of the
        shared message; with `version_seen` None, `selected` is the person's complete set
        (their own copy of the checklist, drawn with their ticks)."""
        async with writing(self._sessions, team_id, self._clock) as session:
            run = await self._locked_run(session, team_id, run_id, channel_id, user_id)
            known = {item.id for item in _checklist_from_json(run.checklist_json).items}
            chosen = {item for item in selected if item in known}
            response = await self._response(session, team_id, run_id, user_id)
            if version_seen is None:
                before = set((await session.scalars(select(StandupTickRow.item_id).where(
                    StandupTickRow.run_id == run_id, StandupTickRow.user_id == user_id))).all())
            elif response.seen_version == version_seen:
                before = set(json.loads(response.seen_selection))
            else:
                before = set()
            added, removed = chosen - before, before - chosen
            if removed:
                await session.execute(delete(StandupTickRow).where(
                    StandupTickRow.run_id == run_id, StandupTickRow.user_id == user_id,
                    StandupTickRow.item_id.in_(removed)))
            if added:
                insert = insert_for(session)
                await session.execute(insert(StandupTickRow).values([
                    {"run_id": run_id, "user_id": user_id, "item_id": item, "team_id": team_id}
                    for item in sorted(added)
                ]).on_conflict_do_nothing())
            if version_seen is not None:
                response.seen_version = version_seen
                response.seen_selection = json.dumps(sorted(chosen))
            response.updated_at = self._clock()

    async def set_blocked(self, team_id: str, run_id: int, user_id: str, note: str,
                          share: bool, *, channel_id: str | None = None) -> None:
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise StandupError(f"Keep the note under {MAX_NOTE} characters.")
        if not is_storable(note):
            raise StandupError(f"I can't save this note: {UNSTORABLE}.")
        async with writing(self._sessions, team_id, self._clock) as session:
            await self._locked_run(session, team_id, run_id, channel_id, user_id)
            response = await self._response(session, team_id, run_id, user_id)
            response.blocked = True
            response.note = note or None
            response.share_note = share and bool(note)
            response.updated_at = self._clock()

    async def set_done(self, team_id: str, run_id: int, user_id: str, *,
                       channel_id: str | None = None) -> None:
        async with writing(self._sessions, team_id, self._clock) as session:
            await self._locked_run(session, team_id, run_id, channel_id, user_id)
            response = await self._response(session, team_id, run_id, user_id)
            response.done = True
            response.updated_at = self._clock()

    async def summary(self, team_id: str, run_id: int, *, channel_id: str | None = None,
                      person: str | None = None) -> Summary:
        async with self._sessions() as session:
            row = await session.scalar(self._run(team_id, run_id, channel_id, person))
            if row is None:
                raise RunNotFound(GONE)
            responses = (await session.scalars(select(StandupResponseRow).where(
                StandupResponseRow.run_id == run_id
            ).order_by(StandupResponseRow.first_at, StandupResponseRow.user_id))).all()
            ticks = (await session.execute(select(StandupTickRow.user_id, StandupTickRow.item_id)
                                           .where(StandupTickRow.run_id == run_id))).all()
        by_user: dict[str, set[str]] = {}
        for user_id, item_id in ticks:
            by_user.setdefault(user_id, set()).add(item_id)
        return Summary(run_from_row(row), tuple(
            Response(r.user_id, frozenset(by_user.get(r.user_id, ())), r.done, r.blocked,
                     r.note if r.share_note else None, as_utc(r.first_at))
            for r in responses
        ))

    async def report(self, team_id: str, channel_id: str, since: dt.datetime,
                     until: dt.datetime | None = None) -> Report:
        """Completion per item over the runs of a channel; an item counts for every person
        who responded to a run that had it."""
        # In UTC, as stored: SQLite compares the stored text, not the instants.
        until, since = (until or self._clock()).astimezone(dt.UTC), since.astimezone(dt.UTC)
        async with self._sessions() as session:
            runs = (await session.scalars(select(StandupRunRow).where(
                StandupRunRow.team_id == team_id, StandupRunRow.channel_id == channel_id,
                StandupRunRow.started_at >= since, StandupRunRow.started_at < until))).all()
            run_ids = [r.id for r in runs]
            responders = (await session.execute(
                select(StandupResponseRow.run_id, StandupResponseRow.user_id)
                .where(StandupResponseRow.run_id.in_(run_ids)))).all() if run_ids else []
            ticks = (await session.execute(
                select(StandupTickRow.run_id, StandupTickRow.item_id)
                .where(StandupTickRow.run_id.in_(run_ids)))).all() if run_ids else []
        people_per_run: dict[int, int] = {}
        for run_id, _ in responders:
            people_per_run[run_id] = people_per_run.get(run_id, 0) + 1
        ticked: dict[tuple[int, str], int] = {}
        for run_id, item_id in ticks:
            ticked[(run_id, item_id)] = ticked.get((run_id, item_id), 0) + 1
        totals: dict[tuple[str, str], list] = {}
        for run in runs:
            for item in _checklist_from_json(run.checklist_json).items:
                slot = totals.setdefault((item.text, item.practice_id), [item, 0, 0])
                slot[1] += ticked.get((run.id, item.id), 0)
                slot[2] += people_per_run.get(run.id, 0)
        items = sorted((ItemReport(item, t, p) for item, t, p in totals.values() if p),
                       key=lambda r: (r.completion, r.item.practice_id, r.item.text))
        return Report(len(runs), len({user for _, user in responders}), tuple(items))

    async def mark_unused(self, team_id: str, run_id: int) -> None:
        """Forget a run whose message could not be posted."""
        async with writing(self._sessions, team_id, self._clock) as session:
            await session.execute(delete(StandupRunRow).where(
                StandupRunRow.id == run_id, StandupRunRow.team_id == team_id))
