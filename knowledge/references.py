"""Direct references in a question: "principle 4", "p4", "4.2", "practice 10.3".

A bare number like "2.2" also appears in ordinary questions ("wcag 2.2 audit"), so a reference
without the word principle/practice counts only when the text is nothing but references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# `\s*+(?:#\s*+)?` rather than `\s*#?\s*`: the spaces on either side of an optional `#` could
# be shared out in many ways, and trying them all on "p" and thousands of spaces took seconds.
_EXPLICIT_PRACTICE = re.compile(
    r"\b(?:sub-?practice|practice|principle|pr|p)\s*+(?:#\s*+)?(\d{1,2})\.(\d{1,2})\b"
)
_EXPLICIT_PRINCIPLE = re.compile(r"\b(?:principle|p)\s*+(?:#\s*+)?(\d{1,2})\b(?!\.\d)")
_BARE_PRACTICE = re.compile(r"(?<![\w.])#?(\d{1,2})\.(\d{1,2})(?![\w.]|\.\d)")
_BARE_PRINCIPLE = re.compile(r"(?<![\w.])#?(\d{1,2})(?![\w.])")
_FILLER = re.compile(
    r"\b(?:what|whats|is|are|does|say|says|about|show|me|tell|explain|the|of|and|principles?|"
    r"sub-?practices?|practices?|number|no|please|pls|read|see)\b|[#?.,!:;'’\s-]"
)


@dataclass(frozen=True)
class References:
    practice_ids: list[str] = field(default_factory=list)
    principles: list[int] = field(default_factory=list)
    only_references: bool = False


def find_references(text: str) -> References:
    """Practice ids and principle numbers the text names, in order of appearance."""
    lowered = text.lower()
    practice_ids = [f"{int(a)}.{int(b)}" for a, b in _EXPLICIT_PRACTICE.findall(lowered)]
    principles = [int(n) for n in _EXPLICIT_PRINCIPLE.findall(lowered)]
    stripped = _BARE_PRACTICE.sub(" ", _EXPLICIT_PRACTICE.sub(" ", lowered))
    stripped = _EXPLICIT_PRINCIPLE.sub(" ", stripped)
    only = (practice_ids or principles or bool(_BARE_PRACTICE.search(lowered))
            or bool(_BARE_PRINCIPLE.search(stripped)))
    only = bool(only) and not _FILLER.sub("", _BARE_PRINCIPLE.sub(" ", stripped)).strip()
    if only:
        practice_ids += [
            f"{int(a)}.{int(b)}" for a, b in _BARE_PRACTICE.findall(lowered)
            if f"{int(a)}.{int(b)}" not in practice_ids
        ]
        principles += [int(n) for n in _BARE_PRINCIPLE.findall(stripped)]
    return References(
        list(dict.fromkeys(practice_ids)), list(dict.fromkeys(principles)), only
    )
