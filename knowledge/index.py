"""The matcher: a question or situation in a team's own words -> ranked practices, with the why.

Lexical retrieval with term weighting (BM25F over stems and stem bigrams) across each practice's
source text and its curated vocabulary, made typo-tolerant by mapping unknown query words onto
the index's own words with rapidfuzz. Direct references ("principle 4", "10.3", a practice title
typed roughly) bypass the ranking. Everything is built once, in the constructor.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from knowledge.models import KnowledgeBase, Practice, Principle
from knowledge.references import find_references
from knowledge.text import Word, bigrams, normalise, terms, words

# How much a term counts by where it stands. The title names the practice; the vocabulary holds
# the words teams use; the principle's own text helps only to pick the right principle.
FIELD_WEIGHTS = {
    "title": 3.0,
    "vocabulary": 1.6,
    "description": 1.2,
    "principle": 0.35,
}
BIGRAM_WEIGHT = 1.5
K1 = 1.4
B = 0.35
# Raw scores map to [0, 1] by 1 - exp(-raw / SCORE_SCALE). Below CONFIDENT_RAW the best match
# rests on too little evidence to name it as the answer (off-topic chat scores up to ~6.5 by
# brushing one vocabulary word), unless the text is one of the practice's phrases as a whole.
SCORE_SCALE = 12.0
CONFIDENT_RAW = 7.5
TYPO_CUTOFF = 84.0
TITLE_CUTOFF = 88.0
MAX_WHY = 6


@dataclass(frozen=True)
class Match:
    practice: Practice
    principle: Principle
    score: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    query: str
    confident: bool
    matches: tuple[Match, ...]

    def to_json(self) -> dict[str, object]:
        """The shape `principlebot ask --json` promises (see DESIGN.md, Interfaces)."""
        return {
            "query": self.query,
            "confident": self.confident,
            "matches": [
                {
                    "principle": m.principle.number,
                    "principle_title": m.principle.title,
                    "practice_id": m.practice.id,
                    "practice": m.practice.title,
                    "score": m.score,
                    "why": list(m.why),
                }
                for m in self.matches
            ],
        }


@dataclass(frozen=True)
class _QueryTerm:
    term: str
    label: str
    weight: float


class PracticeIndex:
    """Search over one knowledge base. Immutable once built; safe to share across tasks."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self._practices = knowledge.practices
        self._principles = {p.number: p for p in knowledge.principles}
        doc_terms = [self._weighted_terms(pr) for pr in self._practices]
        lengths = [sum(tf.values()) for tf in doc_terms]
        average = sum(lengths) / len(lengths)
        self._norms = [K1 * (1 - B + B * length / average) for length in lengths]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, tf in enumerate(doc_terms):
            for term, weight in tf.items():
                self._postings[term].append((doc, weight))
        count = len(self._practices)
        self._idf = {
            term: math.log(1 + (count - len(posting) + 0.5) / (len(posting) + 0.5))
            for term, posting in self._postings.items()
        }
        # Surface words of the index, for mapping a misspelt query word onto one of them.
        self._known_words = sorted(
            {w.surface for pr in self._practices for w in words(self._practice_text(pr))}
        )
        self._stem_of = {w: words(w)[0].stem for w in self._known_words if words(w)}
        # A title may be typed without its parenthesis: "Asking users for information once".
        self._titles: list[str] = []
        self._title_docs: list[int] = []
        for doc, pr in enumerate(self._practices):
            for variant in dict.fromkeys((pr.title, re.sub(r"\s*\(.*?\)", "", pr.title))):
                self._titles.append(default_process(variant))
                self._title_docs.append(doc)
        self._phrases: dict[frozenset[str], set[int]] = defaultdict(set)
        for doc, pr in enumerate(self._practices):
            for phrase in (pr.title, *pr.vocabulary):
                self._phrases[frozenset(w.stem for w in words(phrase))].add(doc)

    @staticmethod
    def _practice_text(practice: Practice) -> str:
        return " ".join((practice.title, practice.description, *practice.vocabulary))

    def _weighted_terms(self, practice: Practice) -> Counter[str]:
        principle = self._principles[practice.principle]
        fields = {
            "title": [practice.title],
            "description": [practice.description],
            "vocabulary": list(practice.vocabulary),
            "principle": [principle.title, principle.introduction],
        }
        counts: Counter[str] = Counter()
        for field, texts in fields.items():
            for text in texts:
                for term in terms(text):
                    weight = BIGRAM_WEIGHT if "_" in term else 1.0
                    counts[term] += FIELD_WEIGHTS[field] * weight
        return counts

    def search(self, text: str, limit: int = 3) -> Answer:
        """Rank practices for `text`; deterministic for the same text and knowledge."""
        limit = max(1, limit)
        if not text or not text.strip():
            return Answer(text, False, ())
        query = self._query_terms(text)
        ranked = self._rank(query)
        direct = self._direct(text, ranked)
        if direct:
            named = {m.practice.id for m in direct}
            rest = (self._match(doc, raw, why) for doc, raw, why in ranked)
            extra = [m for m in rest if m.practice.id not in named]
            return Answer(text, True, tuple([*direct, *extra][:limit]))
        if not ranked:
            return Answer(text, False, ())
        typed = frozenset(q.term for q in query if "_" not in q.term)
        confident = ranked[0][1] >= CONFIDENT_RAW or ranked[0][0] in self._phrases.get(typed, ())
        return Answer(
            text, confident, tuple(self._match(doc, raw, why) for doc, raw, why in ranked[:limit])
        )

    def focus(self, text: str, practice_id: str, limit: int = 3) -> Answer:
        """The answer to `text` with `practice_id` first: a person picked it among the choices."""
        answer = self.search(text, limit=limit + 1)
        chosen = next((m for m in answer.matches if m.practice.id == practice_id), None)
        if chosen is None:
            practice = self.knowledge.practice(practice_id)
            if practice is None:
                return answer
            chosen = Match(practice, self._principles[practice.principle], 0.0, ("chosen",))
        rest = [m for m in answer.matches if m.practice.id != practice_id]
        return Answer(text, True, tuple([chosen, *rest][:limit]))

    def _match(self, doc: int, raw: float, why: tuple[str, ...]) -> Match:
        practice = self._practices[doc]
        score = round(1 - math.exp(-raw / SCORE_SCALE), 4)
        return Match(practice, self._principles[practice.principle], score, why)

    def _query_terms(self, text: str) -> list[_QueryTerm]:
        """Known stems of the text (misspelt words mapped onto known ones), then their bigrams.
        A word the index cannot place at all becomes a term with no weight, so it still
        counts against the text being exactly one of the vocabulary's phrases."""
        found: list[Word] = []
        weights: list[float] = []
        unplaced: list[_QueryTerm] = []
        for word in words(text):
            if word.stem in self._idf:
                found.append(word)
                weights.append(1.0)
                continue
            corrected = self._correct(word.surface)
            if corrected is not None:
                surface, similarity = corrected
                found.append(
                    Word(f"{word.surface} (≈ {surface})", self._stem_of[surface], word.part)
                )
                weights.append(similarity / 100)
            else:
                unplaced.append(_QueryTerm(word.stem, word.surface, 0.0))
        result = [_QueryTerm(w.stem, w.surface, wt) for w, wt in zip(found, weights, strict=True)]
        whole = [w for w in found if not w.part]
        for first, second in itertools.pairwise(whole):
            for pair in bigrams([first.stem, second.stem]):
                result.append(_QueryTerm(pair, f"{first.surface} {second.surface}", 1.0))
        return result + unplaced

    def _correct(self, surface: str) -> tuple[str, float] | None:
        if len(surface) < 4 or surface.isdigit():
            return None
        cutoff = TYPO_CUTOFF if len(surface) >= 6 else 88.0
        best = process.extractOne(
            surface, self._known_words, scorer=fuzz.ratio, score_cutoff=cutoff
        )
        return (best[0], best[1]) if best else None

    def _rank(self, query: list[_QueryTerm]) -> list[tuple[int, float, tuple[str, ...]]]:
        scores: dict[int, float] = defaultdict(float)
        reasons: dict[int, Counter[str]] = defaultdict(Counter)
        for q in {q.term: q for q in query}.values():
            postings = self._postings.get(q.term)
            if not postings:
                continue
            idf = self._idf[q.term]
            for doc, tf in postings:
                gain = q.weight * idf * tf * (K1 + 1) / (tf + self._norms[doc])
                scores[doc] += gain
                reasons[doc][q.label] += gain
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [
            (doc, raw, tuple(label for label, _ in reasons[doc].most_common(MAX_WHY)))
            for doc, raw in ranked
        ]

    def _direct(
        self, text: str, ranked: list[tuple[int, float, tuple[str, ...]]]
    ) -> list[Match] | None:
        refs = find_references(text)
        picked: list[tuple[Practice, str]] = []
        for practice_id in refs.practice_ids:
            practice = self.knowledge.practice(practice_id)
            if practice:
                picked.append((practice, f"practice {practice_id}"))
        for number in refs.principles:
            principle = self._principles.get(number)
            if principle:
                picked.extend((pr, f"principle {number}") for pr in principle.practices)
        if picked:
            if not refs.only_references:
                # "principle 4 and passwords": keep principle 4, rank its practices by the words.
                order = {self._practices[doc].id: rank for rank, (doc, _, _) in enumerate(ranked)}
                picked.sort(key=lambda item: order.get(item[0].id, len(order)))
            seen: dict[str, Match] = {}
            for practice, label in picked:
                seen.setdefault(
                    practice.id,
                    Match(practice, self._principles[practice.principle], 1.0, (label,)),
                )
            return list(seen.values())
        return self._title_typed(text)

    def _title_typed(self, text: str) -> list[Match] | None:
        query = default_process(normalise(text))
        if not query or len(query) < 8:
            return None
        hits = process.extract(
            query, self._titles, scorer=fuzz.ratio, score_cutoff=TITLE_CUTOFF, limit=1
        )
        if not hits:
            return None
        _, similarity, position = hits[0]
        practice = self._practices[self._title_docs[position]]
        return [
            Match(practice, self._principles[practice.principle], round(similarity / 100, 4),
                  ("title",))
        ]
