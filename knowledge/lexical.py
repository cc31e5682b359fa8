"""Lexical ranking: BM25F over stems and stem bigrams of fielded documents, typo-tolerant.

One `LexicalIndex` serves one language: the English source text plus its vocabulary, or one
language's curated vocabulary. Each distinct text is analysed once (a principle's introduction
is shared by all its practices). A misspelt query word is mapped onto one of the index's own
words through a symmetric-deletion table (words one deletion apart on either side: a missing,
extra, changed or swapped letter), so correcting a word looks at a handful of candidates
rather than every word of the index.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.compounds import COMPOUND_PART_WEIGHT, COMPOUNDING, compound_parts
from knowledge.text import Analyser, Word, bigrams, fold

BIGRAM_WEIGHT = 1.5
K1 = 1.4
B = 0.35
TYPO_CUTOFF = 84.0
SHORT_TYPO_CUTOFF = 88.0
MAX_WHY = 6

# A document: field name -> its texts. Field weights say how much a term counts by where it is.
Document = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class QueryTerm:
    term: str
    label: str  # what the why shows: the word as typed, "acessibility (≈ accessibility)"
    weight: float


@dataclass(frozen=True)
class Hit:
    doc: int
    raw: float


class LexicalIndex:
    """BM25F over `documents`; immutable once built, safe to share across tasks."""

    def __init__(self, documents: Sequence[Document], field_weights: Mapping[str, float],
                 analyser: Analyser) -> None:
        self.analyser = analyser
        analysed = {text: analyser.words(text) for document in documents
                    for texts in document.values() for text in texts}
        if analyser.language in COMPOUNDING:
            analysed = _with_compound_parts(analysed, analyser)
        surfaces: dict[str, str] = {}  # surface word -> stem, for typo correction
        for found in analysed.values():
            for w in found:
                surfaces.setdefault(fold(w.surface), w.stem)
        doc_terms: list[Counter[str]] = []
        for document in documents:
            counts: Counter[str] = Counter()
            for field, texts in document.items():
                for text in texts:
                    found = analysed[text]
                    weight = field_weights[field]
                    for w in found:
                        counts[w.stem] += weight
                    for pair in bigrams([w.stem for w in found if not w.part]):
                        counts[pair] += weight * BIGRAM_WEIGHT
            doc_terms.append(counts)
        lengths = [sum(tf.values()) for tf in doc_terms]
        average = (sum(lengths) / len(lengths)) or 1.0
        self._norms = [K1 * (1 - B + B * length / average) for length in lengths]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, tf in enumerate(doc_terms):
            for term, weight in tf.items():
                self._postings[term].append((doc, weight))
        self._tf = {term: dict(posting) for term, posting in self._postings.items()}
        count = len(documents)
        self._idf = {
            term: math.log(1 + (count - len(posting) + 0.5) / (len(posting) + 0.5))
            for term, posting in self._postings.items()
        }
        self._stem_of = surfaces

    @functools.cached_property
    def _deletions(self) -> dict[str, tuple[str, ...]]:
        """Each index word under every spelling one deletion away, built on the first word to
        correct: a third of the index's build time, which a process answering "x" or a
        server before its first typo need not pay."""
        table: dict[str, list[str]] = defaultdict(list)
        for surface in self._stem_of:
            if len(surface) >= 4:
                for variant in _deletions(surface):
                    table[variant].append(surface)
        return {variant: tuple(words) for variant, words in table.items()}

    def knows(self, stem: str) -> bool:
        return stem in self._idf

    def _knows_word(self, word: str) -> bool:
        return self.analyser.stem(word) in self._idf

    def query_terms(self, text: str) -> list[QueryTerm]:
        """Known stems of the text (misspelt words mapped onto known ones), then their bigrams.
        A word the index cannot place at all becomes a term with no weight, so it still
        counts against the text being exactly one of the vocabulary's phrases."""
        found: list[tuple[Word, float]] = []
        unplaced: list[QueryTerm] = []
        for word in self.analyser.words(text):
            if word.stem in self._idf:
                found.append((word, 1.0))
                continue
            corrected = self.correct(word.surface)
            if corrected is not None:
                surface, similarity = corrected
                typed = Word(f"{word.surface} (≈ {surface})", self._stem_of[surface], word.part)
                found.append((typed, similarity / 100))
                continue
            parts = (compound_parts(fold(word.surface), self._knows_word)
                     if self.analyser.language in COMPOUNDING else [])
            found += [(Word(f"{part} ({word.surface})", self.analyser.stem(part), True),
                       COMPOUND_PART_WEIGHT) for part in parts]
            if not parts:
                unplaced.append(QueryTerm(word.stem, word.surface, 0.0))
        result = [QueryTerm(w.stem, w.surface, weight) for w, weight in found]
        whole = [w for w, _ in found if not w.part]
        for first, second in itertools.pairwise(whole):
            for pair in bigrams([first.stem, second.stem]):
                result.append(QueryTerm(pair, f"{first.surface} {second.surface}", 1.0))
        return result + unplaced

    def corrected_text(self, text: str) -> str:
        """`text` with the words this index would correct replaced by their corrections
        (what the semantic model should read: it knows "accessibility", not "acessibility")."""
        def replace(match: re.Match[str]) -> str:
            word = match.group()
            if len(word) < 4 or self.analyser.stem(word.lower()) in self._idf:
                return word
            corrected = self.correct(word.lower())
            return corrected[0] if corrected else word
        return _PLAIN_WORD.sub(replace, text)

    def correct(self, surface: str) -> tuple[str, float] | None:
        """The index word a misspelt word most likely means, with its similarity (0-100)."""
        surface = fold(surface)
        if len(surface) < 4 or surface.isdigit():
            return None
        cutoff = TYPO_CUTOFF if len(surface) >= 6 else SHORT_TYPO_CUTOFF
        candidates = set(self._deletions.get(surface, ()))
        for variant in _deletions(surface):
            candidates.update(self._deletions.get(variant, ()))
            if variant in self._stem_of:
                candidates.add(variant)
        best: tuple[str, float] | None = None
        for candidate in sorted(candidates):
            similarity = fuzz.ratio(surface, candidate)
            if similarity >= cutoff and (best is None or similarity > best[1]):
                best = (candidate, similarity)
        return best

    def rank(self, query: Sequence[QueryTerm]) -> list[Hit]:
        """Documents by descending BM25F score (`reasons` says why, for the ones shown)."""
        unique = [q for q in {q.term: q for q in query}.values()
                  if q.weight and q.term in self._postings]
        scores: dict[int, float] = defaultdict(float)
        for q in unique:
            for doc, tf in self._postings[q.term]:
                scores[doc] += self._gain(q, doc, tf)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [Hit(doc, raw) for doc, raw in ranked]

    def _gain(self, q: QueryTerm, doc: int, tf: float) -> float:
        return q.weight * self._idf[q.term] * tf * (K1 + 1) / (tf + self._norms[doc])

    def reasons(self, query: Sequence[QueryTerm], doc: int) -> tuple[str, ...]:
        """The query words that count for `doc`, strongest first."""
        gains: Counter[str] = Counter()
        for q in query:
            tf = self._tf[q.term].get(doc) if q.weight and q.term in self._tf else None
            if tf:
                gains[q.label] += self._gain(q, doc, tf)
        return tuple(label for label, _ in gains.most_common(MAX_WHY))


_PLAIN_WORD = re.compile(r"[^\W\d_]{4,}")


def _with_compound_parts(analysed: dict[str, list[Word]], analyser: Analyser
                         ) -> dict[str, list[Word]]:
    """Each text's words, each compound followed by its parts, where every part is a word of
    the texts themselves ("Nutzerforschung" is found by "Forschung" too)."""
    stems = {w.stem for found in analysed.values() for w in found}

    def known(word: str) -> bool:
        return analyser.stem(word) in stems

    def split(word: Word) -> list[Word]:
        parts = [] if word.part else compound_parts(fold(word.surface.lower()), known)
        return [word, *(Word(part, analyser.stem(part), True) for part in parts)]

    return {text: [w for word in found for w in split(word)] for text, found in analysed.items()}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}
