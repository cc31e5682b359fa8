"""Retro actions written out as CSV or JSON, for open data and audits."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import TextIO

from bot.domain.retro.values import RetroAction

COLUMNS = ("team_id", "channel_id", "number", "text", "status", "tags", "principles",
           "auto_tagged", "author_id", "owner_id", "due_date", "created_at", "done_at",
           "permalink")


def action_record(action: RetroAction) -> dict[str, object]:
    """Practice ids and principle numbers, not titles: they are the stable reference."""
    return {
        "team_id": action.team_id, "channel_id": action.channel_id, "number": action.number,
        "text": action.text, "status": action.status,
        "tags": [t.tag for t in action.tags],
        "principles": sorted({t.principle for t in action.tags}),
        "auto_tagged": action.auto_tagged, "author_id": action.author_id,
        "owner_id": action.owner_id,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "created_at": action.created_at.isoformat(),
        "done_at": action.done_at.isoformat() if action.done_at else None,
        "permalink": action.permalink,
    }


NAME_COLUMNS = ("author_name", "owner_name")


def write_actions(actions: list[RetroAction], fmt: str, out: TextIO,
                  names: Mapping[str, str] | None = None) -> None:
    """Write `actions`; with `names` (person id -> name), names alongside the ids."""
    records = [action_record(a) for a in actions]
    columns = COLUMNS
    if names is not None:
        columns = (*COLUMNS, *NAME_COLUMNS)
        for record in records:
            record["author_name"] = names.get(str(record["author_id"]), "")
            record["owner_name"] = names.get(str(record["owner_id"] or ""), "")
    if fmt == "json":
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for record in records:
        writer.writerow({
            **record,
            "tags": " ".join(record["tags"]),  # type: ignore[arg-type]
            "principles": " ".join(str(p) for p in record["principles"]),  # type: ignore[attr-defined]
            "auto_tagged": "yes" if record["auto_tagged"] else "no",
        })
