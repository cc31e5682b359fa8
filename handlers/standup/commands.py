"""Parses the text of `/standup ...` into a command. Pure: no Slack calls, no storage."""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class StandupCommand:
    # start help list report schedule join leave who remind unknown
    verb: str
    checklist: Checklist | None = None
    days: int = DEFAULT_REPORT_DAYS
    message: str = ""  # for "unknown": what to tell the user, unescaped
    words: tuple[str, ...] = ()  # for "schedule" and "remind": the words after the verb
    new: bool = False  # "start": a second run on the same day, on purpose


def parse_standup_command(raw: str, checklists: dict[str, Checklist],
                          knowledge: KnowledgeBase) -> StandupCommand:
    words = unescape(raw[:MAX_TEXT]).split()
    verb = words[0].lower() if words else ""
    if verb in HELP_WORDS:
        return StandupCommand("help")
    if verb in SIMPLE_VERBS:
        if len(words) > 1:
            return StandupCommand("unknown", message=f"`/standup {verb}` takes nothing more.")
        return StandupCommand(verb)
    if verb in {"schedule", "remind"}:
        return StandupCommand(verb, words=tuple(words[1:]))
    if verb == "report":
        return _report([w.lower() for w in words[1:]])
    if verb == "new":
        chosen = _checklist([w.lower() for w in words[1:]], checklists, knowledge)
        return StandupCommand("start", chosen.checklist, message=chosen.message,
                              new=True) if chosen.verb == "start" else chosen
    return _checklist([w.lower() for w in words], checklists, knowledge)


def _checklist(words: list[str], checklists: dict[str, Checklist],
               knowledge: KnowledgeBase) -> StandupCommand:
    if not words:
        default = checklists.get(DEFAULT_CHECKLIST) or next(iter(checklists.values()))
        return StandupCommand("start", checklist=default)
    if words[0] == "principle" or re.fullmatch(r"p\d+", words[0]):
        number = words[0][1:] if words[0] != "principle" else " ".join(words[1:2])
        principle = knowledge.principle(int(number)) if number.isdecimal() else None
        if principle is None:
            return StandupCommand("unknown", message=(
                f"There is no principle {number or '(missing)'}: use `/standup principle 1` "
                f"to `/standup principle {len(knowledge.principles)}`."))
        return StandupCommand("start", checklist=principle_checklist(principle))
    if words[0] in checklists:
        return StandupCommand("start", checklist=checklists[words[0]])
    return StandupCommand("unknown", message=(
        f"There is no checklist `{words[0]}`. `/standup list` shows the ones there are."))


def _report(words: list[str]) -> StandupCommand:
    if not words:
        return StandupCommand("report")
    if words[0].isdecimal() and 1 <= int(words[0]) <= MAX_REPORT_DAYS:
        return StandupCommand("report", days=int(words[0]))
    return StandupCommand("unknown", message=(
        f"`/standup report` takes a number of days from 1 to {MAX_REPORT_DAYS}, "
        "e.g. `/standup report 30`."))
