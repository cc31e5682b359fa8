"""The values of stand-up runs (who ticked what, who is blocked, what the team skips) and the
errors their service reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.errors import DomainError
from knowledge.models import Checklist, ChecklistItem

MAX_NOTE = 500
# How many people a summary names (the first to respond, the first of the blocked); the rest
# are counted.
NAMED = 20


class StandupError(DomainError):
    """A stand-up request that cannot be done."""


class RunNotFound(StandupError):
    """No such run in this team (deleted, or never posted)."""


@dataclass(frozen=True)
class Run:
    id: int
    team_id: str
    channel_id: str
    checklist: Checklist
    started_by: str
    started_at: dt.datetime
    message_ts: str | None
    version: int


@dataclass(frozen=True)
class Response:
    user_id: str
    ticks: frozenset[str]
    done: bool
    blocked: bool
    note: str | None  # only when the person chose to share it
    first_at: dt.datetime


@dataclass(frozen=True)
class Blocker:
    user_id: str
    note: str | None  # only when the person chose to share it


@dataclass(frozen=True)
class Summary:
    """What the run's message shows: counts kept with the run, the first NAMED people to
    respond and the first NAMED of the blocked, in order of first response."""

    run: Run
    responded: int
    done: int
    ticked: Mapping[str, int]  # item id -> people who ticked it
    first_responders: tuple[str, ...]
    blocked: int
    first_blocked: tuple[Blocker, ...]

    def count(self, item_id: str) -> int:
        return self.ticked.get(item_id, 0)


@dataclass(frozen=True)
class ItemReport:
    item: ChecklistItem
    ticked: int
    possible: int

    @property
    def completion(self) -> float:
        return self.ticked / self.possible if self.possible else 0.0


@dataclass(frozen=True)
class Report:
    runs: int
    responders: int
    items: tuple[ItemReport, ...]  # most skipped first

    def most_skipped(self, count: int = 3) -> tuple[ItemReport, ...]:
        return tuple(item for item in self.items if item.completion < 1.0)[:count]
