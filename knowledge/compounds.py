"""Compound words split into the words they are made of, for languages that write them as one
word (German "Landesportal", Dutch "toegankelijkheidsverklaring").

A team writes the compound its situation needs; the vocabulary holds its parts or other
compounds of them. A query word no index knows is split where every part (after a linking
"s", "en", "e" ...) is a word the index knows: the parts then count for the question, a little
less than a word typed as it stands.
"""

from __future__ import annotations

from collections.abc import Callable

COMPOUNDING = frozenset({"de", "nl"})
COMPOUND_PART_WEIGHT = 0.8
MIN_WORD = 7  # shorter words are rarely compounds
MIN_PART = 3
LINKS = ("", "s", "es", "en", "n", "e")


def compound_parts(word: str, known: Callable[[str], bool]) -> list[str]:
    """The known words `word` (lower case) is made of, the longest first part first; none
    unless every part is known (a guessed split of an unknown word finds false friends)."""
    if len(word) < MIN_WORD:
        return []
    for cut in range(len(word) - MIN_PART, MIN_PART, -1):
        head, rest = word[:cut], word[cut:]
        if not known(head):
            continue
        for link in LINKS:
            tail = rest[len(link):]
            if not rest.startswith(link) or len(tail) < MIN_PART:
                continue
            if known(tail):
                return [head, tail]
            inner = compound_parts(tail, known)
            if inner:
                return [head, *inner]
    return []
