"""The matcher: a question or situation in a team's own words -> ranked practices, with the why.

The text is first freed of chat markup (`knowledge.chat`). Direct references ("principle 4",
"p4", "10.3", "4.7", a practice title typed roughly) are answered directly
(`knowledge.direct`). Anything else is ranked by two signals fused per practice: lexical
evidence (BM25F over the English source text and vocabulary, plus the curated vocabulary of the
question's language, `knowledge.lexical`) and closeness in meaning to the practice's nearest
fixed text (`knowledge.semantic`). The top candidates' scores are calibrated probabilities
(`knowledge.confidence`), so `confident` and `declined` mean the same for every question.
Everything is built once, in the constructor; see `knowledge.answer` for what an answer holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.answer import CONFIDENT_SCORE, EMPTY, OFF_TOPIC, Answer, Match
from knowledge.chat import clean_chat_text
from knowledge.confidence import Calibration, Candidate, load_calibration
from knowledge.direct import DirectAnswers
from knowledge.embeddings import vectors_for
from knowledge.language import analyser, detect_language
from knowledge.lexical import MAX_WHY, LexicalIndex, QueryTerm
from knowledge.models import KnowledgeBase, Practice
from knowledge.semantic import Model, SemanticIndex, chatter_texts, fixed_texts, load_model
from knowledge.text import ENGLISH, fold
from knowledge.vocabulary import Vocabulary, load_chatter, load_vocabularies

__all__ = ["MAX_QUESTION", "Answer", "Match", "PracticeIndex"]

# How much a term counts by where it stands. The title names the practice; the vocabulary holds
# the words teams use; the principle's title helps to pick the right principle. The principle's
# introduction is left out: its everyday prose ("people", "needs", "government") gave every
# practice of a principle evidence from any long, chatty message, and on Slack-style questions
# the lexical ranking alone fell from 0.87 to 0.80 practice@1 with it.
FIELD_WEIGHTS = {"title": 3.0, "vocabulary": 1.6, "description": 1.2, "principle": 1.0}
# The fused rank score's lexical share runs from the first figure (no lexical evidence) to the
# second (plenty), passing halfway at LEXICAL_MIDPOINT (raw BM25F of the best practice), on a
# log scale of width LEXICAL_WIDTH. Chosen on the dev set and the tuning halves; neighbouring
# values score within a question or two of these.
LEXICAL_SHARE = (0.3, 0.8)
LEXICAL_MIDPOINT = 20.0
LEXICAL_WIDTH = 0.3
PHRASE_CHARS = 70
# What the matcher reads of a question: more than any question needs, and a bound on the work
# a pasted document or a hostile message can ask of it.
MAX_QUESTION = 2000


@dataclass(frozen=True)
class _Ranking:
    order: np.ndarray  # practice positions, best first
    fused: np.ndarray
    lexical: np.ndarray
    nearest_similarity: np.ndarray
    nearest_phrase: np.ndarray
    known: float
    queries: dict[str, list[QueryTerm]]  # per lexical index
    chatter: float  # cosine of the nearest chatter phrase
    chatter_closeness: float  # soft maximum of the chatter phrases' cosines
    closeness: float  # the closest practice's closeness


class PracticeIndex:
    """Search over one knowledge base. Immutable once built; safe to share across tasks."""

    def __init__(self, knowledge: KnowledgeBase, *,
                 vocabularies: Sequence[Vocabulary] | None = None, model: Model | None = None,
                 calibration: Calibration | None = None) -> None:
        self.knowledge = knowledge
        self._practices: tuple[Practice, ...] = knowledge.practices
        self._principles = {p.number: p for p in knowledge.principles}
        if vocabularies is None:
            vocabularies = load_vocabularies(knowledge, strict=False)
        self.languages = ("en", *(v.language for v in vocabularies))
        self._lexical = {"en": LexicalIndex([self._fields(pr) for pr in self._practices],
                                            FIELD_WEIGHTS, ENGLISH)}
        # Another language's index is built on its first question: most processes (a CLI
        # call, a server of one team) never need most of them, and start-up time counts.
        self._vocabularies = {v.language: v for v in vocabularies}
        model = model or load_model()
        phrases = fixed_texts(knowledge, vocabularies)
        chatter = chatter_texts(load_chatter())
        vectors = vectors_for(phrases + chatter, model)
        self.semantic = SemanticIndex(phrases, vectors[:len(phrases)], model,
                                      len(self._practices), chatter=vectors[len(phrases):])
        self.calibration = calibration or load_calibration()
        self._direct = DirectAnswers(knowledge)

    def _fields(self, practice: Practice) -> dict[str, Sequence[str]]:
        principle = self._principles[practice.principle]
        return {"title": [practice.title], "description": [practice.description],
                "vocabulary": practice.vocabulary,
                "principle": [principle.title]}

    def search(self, text: str, limit: int = 3) -> Answer:
        """Rank practices for `text` (its first MAX_QUESTION characters); deterministic for the
        same text and knowledge."""
        limit = max(1, limit)
        read = (text or "")[:MAX_QUESTION]
        cleaned = clean_chat_text(read)
        if not cleaned.strip():
            return Answer(text, False, (), declined=bool(read.strip()),
                          reason=EMPTY if read.strip() else None)
        language = detect_language(cleaned)
        ranked: list[_Ranking] = []

        def order() -> list[int]:
            ranked.append(self._rank(cleaned, language))
            return [int(doc) for doc in ranked[-1].order]

        direct = self._direct.answer(text, cleaned, language, limit, order)
        if direct is not None:
            return direct
        ranking = ranked[0] if ranked else self._rank(cleaned, language)
        relevance = self.calibration.relevant(self._candidate(ranking, 0))
        declined = relevance < self.calibration.threshold
        # Declined text in which no vocabulary knows a single word ("zzxq vbnm") gets no
        # matches at all: nearest meanings of gibberish are no suggestions.
        nothing_known = declined and not ranking.lexical.any()
        shown = [] if nothing_known else self._matches(ranking, limit, relevance)
        confident = not declined and bool(shown) and shown[0].score >= CONFIDENT_SCORE
        return Answer(text, confident, tuple(shown), language=language, declined=declined,
                      reason=OFF_TOPIC if declined else None)

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
        return Answer(text, True, tuple([chosen, *rest][:limit]), language=answer.language)

    def signals(self, text: str) -> tuple[_Ranking, list[Candidate]]:
        """The ranking and the top candidates' signals, as calibration sees them."""
        cleaned = clean_chat_text(text)
        ranking = self._rank(cleaned, detect_language(cleaned))
        return ranking, [self._candidate(ranking, i) for i in range(3)]

    def _rank(self, text: str, language: str) -> _Ranking:
        lexical = np.zeros(len(self._practices))
        queries: dict[str, list[QueryTerm]] = {}
        for code in dict.fromkeys(("en", language)):
            index = self._lexical_index(code)
            if index is None:
                continue
            # A question in another language holds false friends of English words ("comment",
            # "site"): its own function words are kept from the English index.
            words = text if code == language else _without(text, analyser(language).stop_words)
            queries[code] = index.query_terms(words)
            for hit in index.rank(queries[code]):
                lexical[hit.doc] += hit.raw
        spelt = self._lexical["en"].corrected_text(text) if language == "en" else text
        vector = self.semantic.embed(spelt, analyser(language).stop_words)
        nearest = self.semantic.nearest(vector, ("en", language))
        fused = fuse(lexical, nearest.closeness)
        order = np.lexsort((np.arange(len(fused)), -fused))
        return _Ranking(order, fused, lexical, nearest.similarity, nearest.phrase,
                        _known_share(queries), queries, *self.semantic.chatter(vector),
                        float(nearest.closeness.max()))

    def _lexical_index(self, language: str) -> LexicalIndex | None:
        if language not in self._lexical and language in self._vocabularies:
            phrases = self._vocabularies[language].phrases
            documents = [{"vocabulary": phrases.get(pr.id, ())} for pr in self._practices]
            self._lexical[language] = LexicalIndex(documents, {"vocabulary": 1.0},
                                                   analyser(language))
        return self._lexical.get(language)

    def _candidate(self, ranking: _Ranking, position: int) -> Candidate:
        doc = int(ranking.order[position])
        others = ranking.order[1] if position == 0 else ranking.order[0]
        return Candidate(float(ranking.fused[doc]),
                         float(ranking.fused[doc] - ranking.fused[others]),
                         float(ranking.nearest_similarity[doc]), float(ranking.lexical[doc]),
                         ranking.known,
                         ranking.chatter - float(ranking.nearest_similarity.max()),
                         ranking.chatter_closeness - ranking.closeness)

    def _matches(self, ranking: _Ranking, limit: int, relevance: float) -> list[Match]:
        shown: list[Match] = []
        ceiling = 1.0
        for position in range(min(limit, len(ranking.order))):
            doc = int(ranking.order[position])
            # Scores never rise down the list, even where the calibration's curve would.
            ceiling = min(ceiling, self.calibration.probability(
                self._candidate(ranking, position), relevance))
            practice = self._practices[doc]
            shown.append(Match(practice, self._principles[practice.principle],
                               round(ceiling, 4), self._why(ranking, doc)))
        return shown

    def _why(self, ranking: _Ranking, doc: int) -> tuple[str, ...]:
        """The words that made the match, then the nearest phrase (the semantic reason)."""
        words: list[str] = []
        for code, query in ranking.queries.items():
            words += [w for w in self._lexical[code].reasons(query, doc) if w not in words]
        phrase = self.semantic.phrases[int(ranking.nearest_phrase[doc])].text
        if len(phrase) > PHRASE_CHARS:
            phrase = phrase[:PHRASE_CHARS - 1].rstrip() + "\u2026"
        return (*words[:MAX_WHY - 1], f"\u2248 \u201c{phrase}\u201d")


def fuse(lexical: np.ndarray, closeness: np.ndarray) -> np.ndarray:
    """The rank score of each practice, in [0, 1]: its lexical evidence relative to the
    question's best, and its closeness in meaning relative to the question's average practice
    (the model's cosines crowd together; their spread within a question is what tells).
    The lexical share grows with the lexical evidence: many matched vocabulary words are the
    surest signal there is, while a question the vocabulary barely knows (formal text, another
    language, a paraphrase) has to be read for its meaning."""
    top = float(lexical.max())
    lexical_part = lexical / top if top > 0 else lexical
    spread = closeness.max() - closeness.mean()
    semantic_part = np.clip((closeness - closeness.mean()) / (spread or 1.0), 0, 1)
    steepness = (math.log1p(top) - math.log1p(LEXICAL_MIDPOINT)) / LEXICAL_WIDTH
    share = LEXICAL_SHARE[0] + (LEXICAL_SHARE[1] - LEXICAL_SHARE[0]) / (1 + math.exp(-steepness))
    return share * lexical_part + (1 - share) * semantic_part


def _without(text: str, stop_words: frozenset[str]) -> str:
    if not stop_words:
        return text
    kept = (w for w in text.split() if fold(w.lower().strip(".,;:!?¿¡()\"'")) not in stop_words)
    return " ".join(kept)


def _known_share(queries: dict[str, list[QueryTerm]]) -> float:
    """The share of the question's words some vocabulary knows (typo-corrected or not)."""
    shares = []
    for query in queries.values():
        unigrams = [q for q in query if "_" not in q.term]
        if unigrams:
            shares.append(sum(q.weight > 0 for q in unigrams) / len(unigrams))
    return max(shares, default=0.0)
