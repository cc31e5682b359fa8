"""Drawing a stand-up's shared message so that, however many bot processes redraw it at once,
the last drawing Slack carries out shows the last committed state. No lock is held while
Slack is called.

Every change bumps the run's revision in its own transaction, then redraws:

1. **Claim a drawing** of revision r: one conditional UPDATE takes the next drawing number
   (`version`) only while the run is still at revision r, and reads the state to draw in the
   same transaction. When a newer change has committed, there is nothing to do: that change's
   own redraw comes after this one and draws the newer state.
2. **Post** it (`draw`).
3. **Read the run again.** When the revision is still r, or nobody has claimed a drawing since
   this one, every later drawing starts after this post was carried out: done. Otherwise a
   newer drawing may have been carried out before this older one, which would then be what
   the channel sees: claim a drawing of the newest revision and post again.

The last change's redraw is never skipped (nothing newer exists), and a post that may have
overtaken a newer one is always followed by one of the newest state, so the channel ends on
the last commit. Under a burst most redraws find a newer revision at step 1 and post nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.standup import statements
from bot.domain.standup.rows import RUNS
from bot.domain.standup.tally import summary_of
from bot.domain.standup.values import Summary
from bot.storage.engine import write_turn

Draw = Callable[[Summary], Awaitable[None]]


async def claim_drawing(sessions: async_sessionmaker[AsyncSession], team_id: str, run_id: int,
                        revision: int, seen_ts: str | None = None) -> Summary | None:
    """The next drawing of the run at `revision`, with the state to draw; None when the run
    has moved on (or is gone). `seen_ts`, the message a click came from, is kept as the run's
    message when none is known (a post whose answer was lost)."""
    async with write_turn(sessions), sessions() as session, session.begin():
        row = (await session.execute(statements.CLAIM_DRAWING, {
            "run_id": run_id, "of_team": team_id, "seen_revision": revision,
            "seen_ts": seen_ts or None})).first()
        return await summary_of(session, row) if row is not None else None


async def newest(sessions: async_sessionmaker[AsyncSession], run_id: int
                 ) -> tuple[int, int] | None:
    """The run's revision and latest drawing number; None once it is gone."""
    async with sessions() as session:
        row = (await session.execute(select(RUNS.c.revision, RUNS.c.version)
                                     .where(RUNS.c.id == run_id))).first()
        return (row.revision, row.version) if row is not None else None


async def redraw(sessions: async_sessionmaker[AsyncSession], team_id: str, run_id: int,
                 revision: int, draw: Draw, seen_ts: str | None = None) -> int:
    """Draw the run's message after the change that made `revision` (see the module
    docstring); how many times it was posted."""
    posts = 0
    while True:
        summary = await claim_drawing(sessions, team_id, run_id, revision, seen_ts)
        if summary is None or summary.run.message_ts is None:
            return posts
        await draw(summary)
        posts += 1
        now = await newest(sessions, run_id)
        if now is None or now[0] == revision or now[1] == summary.run.version:
            return posts
        revision = now[0]
