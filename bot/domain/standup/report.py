"""What a channel's stand-ups show over a period: completion per checklist item, read from the
counts each run keeps (bot.domain.standup.tally), and how many different people answered."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.standup.rows import RESPONSES, RUNS, checklist_from_json
from bot.domain.standup.values import ItemReport, Report


async def channel_report(session: AsyncSession, team_id: str, channel_id: str,
                         since: dt.datetime, until: dt.datetime) -> Report:
    """Completion per item over the channel's runs started in [since, until); an item counts
    for every person who responded to a run that had it."""
    # In UTC, as stored: SQLite compares the stored text, not the instants.
    in_period = select(RUNS.c.id).where(
        RUNS.c.team_id == team_id, RUNS.c.channel_id == channel_id,
        RUNS.c.started_at >= since.astimezone(dt.UTC), RUNS.c.started_at < until.astimezone(dt.UTC))
    runs = (await session.execute(
        select(RUNS.c.checklist_json, RUNS.c.responded_count, RUNS.c.tick_counts)
        .where(RUNS.c.id.in_(in_period)))).all()
    responders = await session.scalar(select(func.count(distinct(RESPONSES.c.user_id)))
                                      .where(RESPONSES.c.run_id.in_(in_period))) if runs else 0
    # (text, practice) -> [the item, ticks, people who could have ticked it]
    totals: dict[tuple[str, str], list] = {}
    for checklist, responded, tick_counts in runs:
        ticked = json.loads(tick_counts)
        for item in checklist_from_json(checklist).items:
            slot = totals.setdefault((item.text, item.practice_id), [item, 0, 0])
            slot[1] += ticked.get(item.id, 0)
            slot[2] += responded
    items = sorted((ItemReport(item, t, p) for item, t, p in totals.values() if p),
                   key=lambda r: (r.completion, r.item.practice_id, r.item.text))
    return Report(len(runs), int(responders or 0), tuple(items))
