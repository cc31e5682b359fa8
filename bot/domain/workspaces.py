"""Workspaces arriving and leaving, when the bot serves many: the Enterprise Grid org each
workspace belongs to, the uninstalls waiting out their grace period, and the deletion of a
departed workspace's data once it is over, unless the workspace was installed again before.

A workspace is a team id (T…); an org-wide install on Enterprise Grid is the org's enterprise
id (E…) and covers every workspace of the org the bot has heard from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.storage.dialect import as_utc, insert_for
from bot.storage.models import DepartureRow, WorkspaceTeamRow, slack_oauth_states
from bot.storage.purge import delete_workspace_rows

DEFAULT_GRACE = dt.timedelta(days=30)


@dataclass(frozen=True)
class Departure:
    """An uninstall. `deleted` (rows by table) once the workspace's data is gone."""

    workspace_id: str
    enterprise_id: str | None
    org_wide: bool
    left_at: dt.datetime
    delete_after: dt.datetime
    deleted: dict[str, int] | None = field(default=None, compare=False)


def _departure(row: DepartureRow) -> Departure:
    return Departure(row.workspace_id, row.enterprise_id, row.org_wide, as_utc(row.left_at),
                     as_utc(row.delete_after))


class WorkspaceService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock = utcnow,
                 grace: dt.timedelta = DEFAULT_GRACE) -> None:
        self._sessions = sessions
        self._clock = clock
        self.grace = grace
        self._known: set[tuple[str | None, str]] = set()

    async def seen(self, enterprise_id: str | None, team_id: str | None) -> None:
        """Remember which org a workspace belongs to (once per process and workspace)."""
        if not team_id or (enterprise_id, team_id) in self._known:
            return
        async with self._sessions() as session, session.begin():
            insert = insert_for(session)
            statement = insert(WorkspaceTeamRow).values(
                team_id=team_id, enterprise_id=enterprise_id, first_seen_at=self._clock())
            await session.execute(statement.on_conflict_do_update(
                index_elements=["team_id"], set_={"enterprise_id": enterprise_id}))
        self._known.add((enterprise_id, team_id))

    async def enterprise_of(self, team_id: str) -> str | None:
        async with self._sessions() as session:
            return await session.scalar(select(WorkspaceTeamRow.enterprise_id).where(
                WorkspaceTeamRow.team_id == team_id))

    async def left(self, enterprise_id: str | None, team_id: str | None) -> Departure:
        """The bot was uninstalled from the workspace (`team_id` None: from the whole org).
        Its data goes after the grace period; with no grace, at once. A repeated uninstall
        keeps the first date."""
        workspace_id = team_id or enterprise_id
        if not workspace_id:
            raise ValueError("an uninstall names a workspace or an org")
        now = self._clock()
        async with self._sessions() as session, session.begin():
            insert = insert_for(session)
            await session.execute(insert(DepartureRow).values(
                workspace_id=workspace_id, enterprise_id=enterprise_id,
                org_wide=team_id is None, left_at=now, delete_after=now + self.grace,
            ).on_conflict_do_nothing(index_elements=["workspace_id"]))
            departure = _departure(await session.get_one(DepartureRow, workspace_id))
        if departure.delete_after > now:
            return departure
        return await self._purge(departure)

    async def returned(self, enterprise_id: str | None, team_id: str | None) -> list[str]:
        """Installed again: the data waiting for deletion stays. Returns the workspaces (or
        org) whose pending deletion was cancelled."""
        if team_id:
            condition = DepartureRow.workspace_id == team_id
        elif enterprise_id:  # org-wide: the org, and every workspace of it
            condition = or_(DepartureRow.workspace_id == enterprise_id,
                            DepartureRow.enterprise_id == enterprise_id)
        else:
            return []
        async with self._sessions() as session, session.begin():
            cancelled = list(await session.scalars(
                select(DepartureRow.workspace_id).where(condition)))
            await session.execute(delete(DepartureRow).where(condition))
        return cancelled

    async def forget_spent_install_links(self) -> int:
        """Delete the OAuth states of "Add to Slack" links nobody finished and that expired:
        every view of the install page makes one."""
        now = self._clock().astimezone(dt.UTC).replace(tzinfo=None)  # stored as naive UTC
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(slack_oauth_states).where(slack_oauth_states.c.expire_at < now))
            return int(result.rowcount or 0)

    async def pending(self) -> list[Departure]:
        async with self._sessions() as session:
            rows = await session.scalars(select(DepartureRow).order_by(DepartureRow.left_at))
            return [_departure(row) for row in rows]

    async def purge_due(self) -> list[Departure]:
        """Delete the data of every workspace whose grace period is over."""
        async with self._sessions() as session:
            due = [_departure(row) for row in await session.scalars(
                select(DepartureRow).where(DepartureRow.delete_after <= self._clock()))]
        return [await self._purge(departure) for departure in due]

    async def _purge(self, departure: Departure) -> Departure:
        async with self._sessions() as session, session.begin():
            # Taking the departure off first claims it: of processes purging at once, or a
            # reinstall cancelling it meanwhile, one wins and the others find nothing to do.
            claimed = await session.execute(delete(DepartureRow).where(
                DepartureRow.workspace_id == departure.workspace_id))
            if claimed.rowcount != 1:
                return departure
            teams = [departure.workspace_id]
            if departure.org_wide:
                teams += await session.scalars(select(WorkspaceTeamRow.team_id).where(
                    WorkspaceTeamRow.enterprise_id == departure.workspace_id))
            deleted = await delete_workspace_rows(session, teams)
        self._known = {known for known in self._known if known[1] not in teams}
        return Departure(departure.workspace_id, departure.enterprise_id, departure.org_wide,
                         departure.left_at, departure.delete_after, deleted)
