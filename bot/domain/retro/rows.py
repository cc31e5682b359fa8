"""Retro action rows turned into values, and into a snapshot (JSON) that can be put back as
it was: number, text, tags, people, dates."""

from __future__ import annotations

import datetime as dt
import json

from bot.domain.retro.values import RetroAction, Tag
from bot.storage.dialect import as_utc
from bot.storage.models import RetroActionRow, RetroTagRow


def row_to_action(row: RetroActionRow) -> RetroAction:
    return RetroAction(
        number=row.number, team_id=row.team_id, channel_id=row.channel_id,
        author_id=row.author_id, owner_id=row.owner_id, text=row.text, status=row.status,
        tags=tuple(Tag(t.tag, t.principle) for t in row.tags), auto_tagged=row.auto_tagged,
        due_date=row.due_date, created_at=as_utc(row.created_at),
        done_at=as_utc(row.done_at) if row.done_at else None, permalink=row.permalink,
    )


def _moment(value: dt.datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def snapshot(row: RetroActionRow) -> str:
    return json.dumps({
        "channel_id": row.channel_id, "number": row.number, "author_id": row.author_id,
        "owner_id": row.owner_id, "text": row.text, "status": row.status,
        "auto_tagged": row.auto_tagged,
        "due_date": row.due_date.isoformat() if row.due_date else None,
        "permalink": row.permalink, "request_key": row.request_key,
        "created_at": _moment(row.created_at), "updated_at": _moment(row.updated_at),
        "done_at": _moment(row.done_at),
        "tags": [[t.tag, t.principle] for t in row.tags],
    })


def restored(team_id: str, text: str) -> RetroActionRow:
    """The row a snapshot was taken of, with its tags, ready to add."""
    data = json.loads(text)
    tags = data.pop("tags")
    for key in ("created_at", "updated_at", "done_at"):
        data[key] = dt.datetime.fromisoformat(data[key]) if data[key] else None
    data["due_date"] = dt.date.fromisoformat(data["due_date"]) if data["due_date"] else None
    row = RetroActionRow(team_id=team_id, **data)
    row.tags = [RetroTagRow(tag=tag, principle=principle, team_id=team_id, position=i)
                for i, (tag, principle) in enumerate(tags)]
    return row
