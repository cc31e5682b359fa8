"""Stand-up runs as stored: the run's checklist kept as JSON (a copy, so later edits of the
checklist do not rewrite history), and a run row read back as a `Run`."""

from __future__ import annotations

import functools
import json
from typing import Any

from bot.domain.standup.values import Run
from bot.storage.dialect import as_utc
from bot.storage.models import StandupResponseRow, StandupRunRow, StandupTickRow
from knowledge.models import Checklist, ChecklistItem

# The tables, for the statements that read and write plain columns (no ORM objects: the hot
# path of a click stays cheap).
RUNS = StandupRunRow.__table__
RESPONSES = StandupResponseRow.__table__
TICKS = StandupTickRow.__table__


def checklist_json(checklist: Checklist) -> str:
    return json.dumps({"name": checklist.name, "title": checklist.title,
                       "description": checklist.description,
                       "items": [[i.id, i.text, i.practice_id] for i in checklist.items]})


@functools.lru_cache(maxsize=512)
def checklist_from_json(text: str) -> Checklist:
    """The stored checklist; a run's never changes, so each is parsed once (values are
    frozen)."""
    data = json.loads(text)
    return Checklist(data["name"], data["title"], data["description"],
                     tuple(ChecklistItem(*item) for item in data["items"]))


def run_from_row(row: Any) -> Run:
    """A Run from a run row: an ORM object or a row of the table's columns."""
    return Run(row.id, row.team_id, row.channel_id, checklist_from_json(row.checklist_json),
               row.started_by, as_utc(row.started_at), row.message_ts, row.version)
