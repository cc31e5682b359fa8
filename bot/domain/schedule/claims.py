"""The claim on a due schedule row, shared by every kind of schedule (weekly retro prompts,
scheduled stand-ups): one conditional UPDATE moves the next-run time on only if nobody else
has (`WHERE next_run_at = <the due time we read>`); only the process whose UPDATE changed the
row posts. Releasing moves it back, pausing stops it until someone resumes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def due_rows(sessions: async_sessionmaker[AsyncSession], table: Any, now: dt.datetime,
                   limit: int) -> list[Any]:
    """Rows due at `now` and not paused, earliest first."""
    async with sessions() as session:
        rows = await session.scalars(select(table).where(
            table.next_run_at <= now, table.paused_reason.is_(None)
        ).order_by(table.next_run_at, table.id).limit(limit))
        return list(rows)


async def claim_row(sessions: async_sessionmaker[AsyncSession], table: Any, row_id: int,
                    seen_next: dt.datetime, following: dt.datetime, now: dt.datetime) -> bool:
    """Move the row's next run from `seen_next` to `following`; True for the one caller whose
    UPDATE changed it, whichever process it is in."""
    async with sessions() as session, session.begin():
        result = await session.execute(update(table).where(
            table.id == row_id, table.next_run_at == seen_next, table.paused_reason.is_(None),
        ).values(next_run_at=following, updated_at=now))
        return result.rowcount == 1


async def release_row(sessions: async_sessionmaker[AsyncSession], table: Any, row_id: int,
                      claimed_next: dt.datetime, seen_next: dt.datetime) -> None:
    """Give a claimed run back (posting kept failing), so a later pass tries again."""
    async with sessions() as session, session.begin():
        await session.execute(update(table).where(
            table.id == row_id, table.next_run_at == claimed_next
        ).values(next_run_at=seen_next))


async def pause_row(sessions: async_sessionmaker[AsyncSession], table: Any, row_id: int,
                    reason: str, now: dt.datetime) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(table).where(table.id == row_id)
                              .values(paused_reason=reason, updated_at=now))
