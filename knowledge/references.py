"""Direct references in a question: "principle 4", "p4", "principle four", "4.2", "practice 10.3".

A bare number like "2.2" also appears in ordinary questions ("wcag 2.2 audit"), so a reference
without the word principle/practice counts only when the text is nothing but references. The
numbers are taken as written, valid or not: whether principle 11 or practice 4.7 exists is the
knowledge base's to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# "principle" as teams write it in the vocabularies' languages too.
_PRINCIPLE_WORD = (r"(?:principles?|principe|prinzip|principio|princípio|principi|beginsel|"
                   r"원칙|原則|p)")
_PRACTICE_WORD = r"(?:sub-?practices?|practices?|pratique|práctica|prática|praxis|pr|p)"
# `\s*+(?:#\s*+)?` rather than `\s*#?\s*`: the spaces on either side of an optional `#` could
# be shared out in many ways, and trying them all on "p" and thousands of spaces took seconds.
_HASH = r"\s*+(?:#\s*+)?"
# A number word counts after the singular only: "the principles one should follow" is no reference.
_NUMBER = (r"(?:(?<=principle)\s*+(" + "|".join(_NUMBER_WORDS) + r")|" + _HASH
           + r"(\d{1,2}))")
_EXPLICIT_PRACTICE = re.compile(
    rf"(?:\b|(?<=\s)|^)(?:{_PRACTICE_WORD}|{_PRINCIPLE_WORD}){_HASH}(\d{{1,2}})\.(\d{{1,2}})\b"
)
_EXPLICIT_PRINCIPLE = re.compile(rf"(?:\b|^){_PRINCIPLE_WORD}{_NUMBER}\b(?!\.\d)")
_BARE_PRACTICE = re.compile(r"(?<![\w.])#?(\d{1,2})\.(\d{1,2})(?![\w.]|\.\d)")
_BARE_PRINCIPLE = re.compile(r"(?<![\w.])#?(\d{1,2})(?![\w.])")
_FILLER = re.compile(
    r"\b(?:what|whats|is|are|does|say|says|about|show|me|tell|explain|the|of|and|principles?|"
    r"sub-?practices?|practices?|number|no|please|pls|read|see|overview|its|all|list|in|on)\b"
    r"|[#?.,!:;'’\s-]"
)


@dataclass(frozen=True)
class References:
    practice_ids: list[str] = field(default_factory=list)
    principles: list[int] = field(default_factory=list)
    only_references: bool = False


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def find_references(text: str) -> References:
    """Practice ids and principle numbers the text names, in order of appearance."""
    lowered = text.lower()
    practice_ids = [f"{int(a)}.{int(b)}" for a, b in _EXPLICIT_PRACTICE.findall(lowered)]
    principles = [_number(word or digits)
                  for word, digits in _EXPLICIT_PRINCIPLE.findall(lowered)]
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
