"""The counts a stand-up run keeps with itself, and the summary its message is drawn from.

Every change to a run's answers (a click, Done, Blocked) holds the run's row locked, adjusts
the counts by what it actually changed, and bumps the run's revision, all in its own
transaction. Drawing the message then reads that one row and at most NAMED names of each kind,
however many people answered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.standup import statements
from bot.domain.standup.rows import run_from_row
from bot.domain.standup.values import NAMED, Blocker, Summary


@dataclass
class Tally:
    responded: int
    done: int
    blocked: int
    ticked: dict[str, int]  # item id -> people who ticked it; items nobody ticked are left out

    @classmethod
    def of(cls, row: Any) -> Tally:
        return cls(row.responded_count, row.done_count, row.blocked_count,
                   json.loads(row.tick_counts))

    def count_ticks(self, items: Iterable[str], change: int) -> None:
        for item in items:
            self.ticked[item] = self.ticked.get(item, 0) + change
            if not self.ticked[item]:
                del self.ticked[item]

    def columns(self) -> dict[str, Any]:
        return {"responded_count": self.responded, "done_count": self.done,
                "blocked_count": self.blocked,
                "tick_counts": json.dumps(self.ticked, sort_keys=True)}


async def save(session: AsyncSession, run_id: int, tally: Tally) -> int:
    """Store the run's counts and bump its revision; the new revision."""
    revision = await session.scalar(statements.SAVE_TALLY, {
        "run_id": run_id, **{f"new_{name}": value for name, value in tally.columns().items()}})
    return int(revision)


async def summary_of(session: AsyncSession, row: Any) -> Summary:
    """The summary of the run `row` (its columns): the counts it keeps and the first NAMED
    responders and blocked people, in order of first response."""
    tally = Tally.of(row)
    first = {"run_id": row.id, "limit": NAMED}
    responders = (await session.scalars(statements.FIRST_RESPONDERS, first)).all() \
        if tally.responded else []
    blocked = (await session.execute(statements.FIRST_BLOCKED, first)).all() \
        if tally.blocked else []
    return Summary(run_from_row(row), tally.responded, tally.done, tally.ticked,
                   tuple(responders), tally.blocked,
                   tuple(Blocker(user, note if shared else None)
                         for user, note, shared in blocked))
