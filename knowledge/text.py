"""Text analysis shared by the index and the queries: words, stop words, stems, bigrams.

Both sides must be analysed the same way, so this is the only place that decides what a term is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+(?:[-/'][a-z0-9]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})

# Function words and question scaffolding: they say nothing about which practice applies.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each either else etc even ever every few for from further get gets getting
    got had hadn has hasn have haven having he her here hers herself him himself his how i if in
    into is isn it its itself just let lets like ll may maybe me might mine more most much must
    my myself need needs no nor not now of off ok okay on once only or other our ours ourselves
    out over per please quite rather re really s same say says shall she should shouldn so
    some still such t than that thats the their theirs them themselves then there these they
    thing things this those though through thus to too under until up upon us use used using ve
    very via was wasn way ways we well were weren what whats when where whether which while who
    whom whose why will with without won would wouldn yet you your yours yourself yourselves
    want wants wanted going go goes gonna anyone anybody someone something somebody everyone
    everything one ones lot lots kind sort bit actually basically hey hi hello thanks thank pls
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# "once" is a stop word in questions but a key word of the once-only practice; keep it.
STOP_WORDS = STOP_WORDS - {"once"}

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Word:
    """A content word of a text: its surface form as typed and its stem."""

    surface: str
    stem: str
    part: bool = False  # a piece of a hyphenated or slashed word, also present whole


def normalise(text: str) -> str:
    return text.translate(_APOSTROPHES).lower()


def words(text: str) -> list[Word]:
    """Content words in order. Hyphenated and slashed words count whole and by parts
    ("re-enter" -> reenter, re, enter; "a/b" -> ab), so either spelling matches."""
    found: list[Word] = []
    for match in _WORD.finditer(normalise(text)):
        token = match.group().removesuffix("'s")
        parts = re.split(r"[-/']", token)
        if len(parts) > 1:
            joined = "".join(parts)
            found.append(Word(token, stem(joined)))
        for part in parts:
            # Numbers say little ("wcag 2.2", "€15 fee") and would tie unrelated practices.
            if part and part not in STOP_WORDS and len(part) > 1 and not part.isdigit():
                found.append(Word(part, stem(part), part=len(parts) > 1))
    return found


def terms(text: str) -> list[str]:
    """Stems and adjacent-stem bigrams ("open_sourc"), the units the index counts.
    Bigrams join whole words only: "vendor lock-in" pairs vendor with lockin."""
    found = words(text)
    return [w.stem for w in found] + bigrams([w.stem for w in found if not w.part])


def bigrams(stems: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in itertools.pairwise(stems) if a != b]
