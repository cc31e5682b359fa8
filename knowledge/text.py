"""Text analysis shared by the indexes and the queries: words, stop words, stems, bigrams.

Both sides must be analysed the same way, so this is the only place that decides what a term is.
English is the source text's language; the other languages of the curated vocabularies get
their own stop words and stemmer (Korean and Japanese, written without spaces between many
words, are cut into character bigrams instead).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[^\W_]+(?:[-/'][^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff66-\uff9f]+")

# Function words and question scaffolding: they say nothing about which practice applies.
ENGLISH_STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each either else etc even ever every few for from further get gets getting
    got had hadn has hasn have haven having he her here hers herself him himself his how i if in
    into is isn it its itself just let lets like ll may maybe me might mine more most much must
    my myself need needs no nor not now of off ok okay on only or other our ours ourselves
    out over per please quite rather re really s same say says shall she should shouldn so
    some still such t than that thats the their theirs them themselves then there these they
    thing things this those though through thus to too under until up upon us use used using ve
    very via was wasn way ways we well were weren what whats when where whether which while who
    whom whose why will with without won would wouldn yet you your yours yourself yourselves
    want wants wanted going go goes gonna anyone anybody someone something somebody everyone
    everything one ones lot lots kind sort bit actually basically hey hi hello thanks thank pls
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# "once" is kept out of the list: a stop word in questions, but a key word of the once-only
# practice.

STEMMERS = {"en": "english", "fr": "french", "es": "spanish", "de": "german",
            "pt": "portuguese", "it": "italian", "nl": "dutch"}
CHARACTER_LANGUAGES = frozenset({"ko", "ja"})


@dataclass(frozen=True)
class Word:
    """A content word of a text: its surface form as typed and its stem."""

    surface: str
    stem: str
    part: bool = False  # a piece of a hyphenated or slashed word, also present whole


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES).lower()


def fold(text: str) -> str:
    """Without accents: "procédure" and "procedure" are one word to a hurried typist."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Analyser:
    """Words, stems and terms of one language. Stems are cached: the same words recur."""

    def __init__(self, language: str, stop_words: frozenset[str]) -> None:
        self.language = language
        self.stop_words = frozenset(fold(w) for w in stop_words)
        self._characters = language in CHARACTER_LANGUAGES
        self._stemmer = Stemmer.Stemmer(STEMMERS.get(language, "english"))
        self.stem = lru_cache(maxsize=65536)(self._stem)
        # The same tokens recur across thousands of phrases: each is analysed once.
        self._token = lru_cache(maxsize=65536)(self._token_words)

    def _stem(self, word: str) -> str:
        return fold(self._stemmer.stemWord(word))

    def words(self, text: str) -> list[Word]:
        """Content words in order. Hyphenated and slashed words count whole and by parts
        ("re-enter" -> reenter, re, enter; "a/b" -> ab), so either spelling matches. Korean
        and Japanese runs count as their overlapping character pairs."""
        found: list[Word] = []
        for token in _WORD.findall(normalise(text)):
            found.extend(self._token(token))
        return found

    def _token_words(self, token: str) -> tuple[Word, ...]:
        token = token.removesuffix("'s")
        if self._characters and _CJK_RUN.search(token):
            return tuple(_character_pairs(token))
        found: list[Word] = []
        parts = re.split(r"[-/']", token)
        if len(parts) > 1:
            found.append(Word(token, self.stem("".join(parts))))
        for part in parts:
            # Numbers say little ("wcag 2.2", "€15 fee") and would tie unrelated practices.
            if (part and fold(part) not in self.stop_words and len(part) > 1
                    and not part.isdigit()):
                found.append(Word(part, self.stem(part), part=len(parts) > 1))
        return tuple(found)


def _character_pairs(token: str) -> list[Word]:
    """Korean and Japanese have no stemmer here: overlapping character pairs of each script
    run stand in for words, so 접근성 matches 웹 접근성 and 情報 matches 情報を一度."""
    found: list[Word] = []
    for run in _CJK_RUN.findall(token):
        if len(run) == 1:
            found.append(Word(run, run, part=True))
        found.extend(Word(run[i:i + 2], run[i:i + 2], part=True) for i in range(len(run) - 1))
    return found


def bigrams(stems: list[str]) -> list[str]:
    """Adjacent-stem pairs ("open_sourc"), the index's second kind of term; the callers pair
    whole words only, so "vendor lock-in" pairs vendor with lockin."""
    return [f"{a}_{b}" for a, b in itertools.pairwise(stems) if a != b]


ENGLISH = Analyser("en", ENGLISH_STOP_WORDS)

