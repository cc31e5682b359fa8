"""Parses the text of `/standup ...` into a command. Pure: no Slack calls, no storage.

One entry per verb in `VERBS`; any other first word names a checklist (`/standup weekly`) or a
principle (`/standup p4`). The text is read only up to MAX_TEXT, and numbers only up to a few
digits, so no typed number is too big to convert or to store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers.kit.markup import unescape
from handlers.kit.words import HELP_WORDS
from knowledge.loader import principle_checklist
from knowledge.models import Checklist, KnowledgeBase

DEFAULT_CHECKLIST = "daily"
DEFAULT_REPORT_DAYS = 14
MAX_REPORT_DAYS = 365
MAX_TEXT = 300  # longer than any command; read no further
SIMPLE_VERBS = frozenset({"list", "join", "leave", "who"})
_SMALL_NUMBER = re.compile(r"[0-9]{1,3}")
_SHORT_PRINCIPLE = re.compile(r"p([0-9]+)")


@dataclass(frozen=True)
class StandupCommand:
    # start help list report schedule join leave who remind unknown
    verb: str
    checklist: Checklist | None = None
    days: int = DEFAULT_REPORT_DAYS
    message: str = ""  # for "unknown": what to tell the user, unescaped
    words: tuple[str, ...] = ()  # for "schedule" and "remind": the words after the verb
    new: bool = False  # "start": a second run on the same day, on purpose


@dataclass(frozen=True)
class _Typed:
    """A command's text split once: its verb (lowercase) and the words after it as typed."""

    verb: str
    words: list[str]
    checklists: dict[str, Checklist]
    knowledge: KnowledgeBase


def parse_standup_command(raw: str, checklists: dict[str, Checklist],
                          knowledge: KnowledgeBase) -> StandupCommand:
    words = unescape(raw[:MAX_TEXT]).split()
    typed = _Typed(words[0].lower() if words else "", words[1:], checklists, knowledge)
    verb = VERBS.get(typed.verb)
    if verb is not None:
        return verb(typed)
    return _checklist([w.lower() for w in words], checklists, knowledge)


def _simple(typed: _Typed) -> StandupCommand:
    if typed.words:
        return StandupCommand("unknown", message=f"`/standup {typed.verb}` takes nothing more.")
    return StandupCommand(typed.verb)


def _new(typed: _Typed) -> StandupCommand:
    chosen = _checklist([w.lower() for w in typed.words], typed.checklists, typed.knowledge)
    return StandupCommand("start", chosen.checklist, message=chosen.message,
                          new=True) if chosen.verb == "start" else chosen


def _checklist(words: list[str], checklists: dict[str, Checklist],
               knowledge: KnowledgeBase) -> StandupCommand:
    if not words:
        default = checklists.get(DEFAULT_CHECKLIST) or next(iter(checklists.values()))
        return StandupCommand("start", checklist=default)
    short = _SHORT_PRINCIPLE.fullmatch(words[0])
    if words[0] == "principle" or short:
        number = short[1] if short else " ".join(words[1:2])
        principle = (knowledge.principle(int(number)) if _SMALL_NUMBER.fullmatch(number)
                     else None)
        if principle is None:
            return StandupCommand("unknown", message=(
                f"There is no principle {number or '(missing)'}: use `/standup principle 1` "
                f"to `/standup principle {len(knowledge.principles)}`."))
        return StandupCommand("start", checklist=principle_checklist(principle))
    if words[0] in checklists:
        return StandupCommand("start", checklist=checklists[words[0]])
    return StandupCommand("unknown", message=(
        f"There is no checklist `{words[0]}`. `/standup list` shows the ones there are."))


def _report(typed: _Typed) -> StandupCommand:
    words = [w.lower() for w in typed.words]
    if not words:
        return StandupCommand("report")
    if _SMALL_NUMBER.fullmatch(words[0]) and 1 <= int(words[0]) <= MAX_REPORT_DAYS:
        return StandupCommand("report", days=int(words[0]))
    return StandupCommand("unknown", message=(
        f"`/standup report` takes a number of days from 1 to {MAX_REPORT_DAYS}, "
        "e.g. `/standup report 30`."))


VERBS: dict[str, Callable[[_Typed], StandupCommand]] = {
    **dict.fromkeys(HELP_WORDS, lambda _: StandupCommand("help")),
    **dict.fromkeys(SIMPLE_VERBS, _simple),
    "schedule": lambda typed: StandupCommand("schedule", words=tuple(typed.words)),
    "remind": lambda typed: StandupCommand("remind", words=tuple(typed.words)),
    "report": _report,
    "new": _new,
}
