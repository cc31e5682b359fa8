"""Deleting a workspace's data: its rows in every table with a `team_id` column.

Driven by the tables themselves, so a table added later is covered without a change here; a
table with a `team_id` whose rows are not the workspace's data says so with
`info={KEPT_ON_PURGE: True}` (the installation tables, which the uninstall empties at once).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import MetaData, Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import KEPT_ON_PURGE, Base

TEAM_COLUMN = "team_id"


def workspace_data_tables(metadata: MetaData = Base.metadata) -> list[Table]:
    """Every table holding a workspace's data, children before the tables they refer to."""
    return [table for table in reversed(metadata.sorted_tables)
            if TEAM_COLUMN in table.c and not table.info.get(KEPT_ON_PURGE)]


async def delete_workspace_rows(session: AsyncSession, team_ids: Collection[str]
                                ) -> dict[str, int]:
    """Delete the rows of `team_ids` from every data table; rows deleted, by table."""
    deleted: dict[str, int] = {}
    for table in workspace_data_tables():
        result = await session.execute(
            delete(table).where(table.c[TEAM_COLUMN].in_(list(team_ids))))
        if result.rowcount:
            deleted[table.name] = int(result.rowcount)
    return deleted
