"""A row for every table, made from the table's own columns: for tests that must cover every
table holding a workspace's data, including tables added after the test was written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.models import Base

WHEN = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def tables_with_team() -> list[Table]:
    """Every table with a team_id, parents before the tables that refer to them."""
    return [table for table in Base.metadata.sorted_tables if "team_id" in table.c]


def _value(table: Table, column: Any, team: str, parent_rows: dict[str, dict[str, Any]]) -> Any:
    if column.name == "team_id":
        return team
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column
        return parent_rows[target.table.name][target.name]
    kind = column.type.python_type
    if kind is str:
        text = f"{team}-{table.name}-{column.name}"
        length = getattr(column.type, "length", None)
        return text[-length:] if length else text
    if kind is bool:
        return False
    if kind is int:
        return 1
    if kind is float:
        return 1.0
    if kind is dt.datetime:
        return WHEN if column.type.timezone else WHEN.replace(tzinfo=None)
    if kind is dt.date:
        return WHEN.date()
    if kind in (dict, list):
        return kind()
    raise AssertionError(f"tests/utils/tables.py cannot fill {table.name}.{column.name} "
                         f"({column.type}): teach it this type")


async def fill_for_team(connection: AsyncConnection, team: str) -> None:
    """One row of `team` in every table with a team_id (and in the tables they refer to)."""
    parent_rows: dict[str, dict[str, Any]] = {}
    for table in tables_with_team():
        values = {column.name: _value(table, column, team, parent_rows)
                  for column in table.columns
                  if not (column.primary_key and column.autoincrement is not False
                          and column.type.python_type is int and not column.foreign_keys)}
        await connection.execute(insert(table).values(**values))
        row = (await connection.execute(
            select(table).where(table.c.team_id == team))).mappings().one()
        parent_rows[table.name] = dict(row)


async def rows_by_table(connection: AsyncConnection, team: str) -> dict[str, int]:
    """How many rows of `team` each table with a team_id holds."""
    return {table.name: await connection.scalar(
        select(func.count()).select_from(table).where(table.c.team_id == team))
        for table in tables_with_team()}
