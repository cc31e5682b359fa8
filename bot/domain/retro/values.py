"""The values retro actions are made of, and the errors their service reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.errors import DomainError

MAX_TEXT = 2000
MAX_TAGS = 3
STATUSES = ("open", "done", "all")
# A page counts what matches only this far past the page (a team may have a million actions):
# beyond it the total reads "more than N".
COUNT_BOUND = 100


class RetroError(DomainError):
    """A retro request that cannot be done."""


class RetroInputError(RetroError):
    """What the person gave is not a valid action, tag or filter."""


class RetroPastDate(RetroInputError):
    """A due date before the person's today."""


class RetroNotFound(RetroError):
    """No such action in this channel."""


class RetroNotAllowed(RetroError):
    """Only the author or the owner may do this."""


@dataclass(frozen=True)
class Scope:
    """Where a request acts: one team's channel, every read and write confined to it. With a
    `person` (the verified user acting), one action may also be reached by number from
    anywhere in the team when that person wrote or owns it: their Home tab, a DM."""

    team_id: str
    channel_id: str
    person: str | None = None


@dataclass(frozen=True)
class Tag:
    """A practice id ("4.2") or, when only the principle is known, a principle number ("4")."""

    tag: str
    principle: int

    @property
    def is_practice(self) -> bool:
        return "." in self.tag


@dataclass(frozen=True)
class RetroAction:
    number: int
    team_id: str
    channel_id: str
    author_id: str
    owner_id: str | None
    text: str
    status: str
    tags: tuple[Tag, ...]
    auto_tagged: bool
    due_date: dt.date | None
    created_at: dt.datetime
    done_at: dt.datetime | None
    permalink: str | None


@dataclass(frozen=True)
class Added:
    """The action, and whether this request created it (False: a repeat of an earlier one)."""

    action: RetroAction
    created: bool


@dataclass(frozen=True)
class Page:
    """A page of actions; `total` matching in all, or, when not `exact`, more than `total`."""

    actions: tuple[RetroAction, ...]
    total: int
    offset: int
    limit: int
    exact: bool = True

    @property
    def has_more(self) -> bool:
        return not self.exact or self.offset + len(self.actions) < self.total
