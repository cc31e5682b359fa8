"""The rankers the matcher benchmark compares, each as `search(text, limit) -> Answer`.

- stemmed BM25: one field per practice (title, description and English vocabulary), English
  stems and stem pairs, no typo correction, no markup cleaning, no declines: the textbook
  baseline.
- a semantic model alone: practices by the closeness of their fixed texts, as the bot's
  semantic signal sees them (no declines).
- the bot: `PracticeIndex.search`, with whatever model it was built with.
- wordllama: the other candidate model (static token embeddings in its wheel, numpy only),
  adapted to the index's model interface.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.answer import Answer, Match
from knowledge.index import PracticeIndex
from knowledge.language import detect_language
from knowledge.lexical import LexicalIndex
from knowledge.models import KnowledgeBase
from knowledge.text import ENGLISH


def _nothing_remembered() -> None:
    return None


@dataclass(frozen=True)
class Ranker:
    knowledge: KnowledgeBase
    search: Callable[[str, int], Answer]
    # Forgets what earlier questions left behind, so that a timed question costs what a new
    # one would.
    forget: Callable[[], None] = _nothing_remembered


def _answer(knowledge: KnowledgeBase, text: str, ranked: Sequence[tuple[int, float]],
            limit: int) -> Answer:
    practices = knowledge.practices
    matches = tuple(
        Match(practices[doc], knowledge.principle(practices[doc].principle),  # type: ignore[arg-type]
              float(min(1.0, max(0.0, score))), ())
        for doc, score in ranked[:limit])
    return Answer(text, bool(matches), matches)


def bm25_ranker(knowledge: KnowledgeBase) -> Ranker:
    documents = [{"text": [" ".join((pr.title, pr.description, *pr.vocabulary))]}
                 for pr in knowledge.practices]
    index = LexicalIndex(documents, {"text": 1.0}, ENGLISH)

    def search(text: str, limit: int) -> Answer:
        terms = [t for t in index.query_terms(text) if "(≈" not in t.label]
        hits = index.rank(terms)
        top = hits[0].raw if hits else 1.0
        return _answer(knowledge, text, [(h.doc, h.raw / top) for h in hits], limit)

    return Ranker(knowledge, search)


def model_ranker(index: PracticeIndex, knowledge: KnowledgeBase) -> Ranker:
    def search(text: str, limit: int) -> Answer:
        language = detect_language(text)
        nearest = index.semantic.nearest(index.semantic.embed(text), ("en", language))
        order = np.lexsort((np.arange(len(nearest.closeness)), -nearest.closeness))
        return _answer(knowledge, text, [(int(d), float(nearest.closeness[d])) for d in order],
                       limit)

    return Ranker(knowledge, search, index.semantic.forget)


def bot_ranker(index: PracticeIndex) -> Ranker:
    return Ranker(index.knowledge, lambda text, limit: index.search(text, limit=limit),
                  index.semantic.forget)


class WordLlamaModel:
    """wordllama's bundled l2_supercat 256-d static embeddings, read from its wheel (its
    loader's own cache lookup finds them there; downloads are disabled)."""

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        self._model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent,
                                     disable_download=True)
        self.identity = f"wordllama {wordllama.__version__} l2_supercat 256"

    def query(self, texts: str | Sequence[str]) -> np.ndarray:
        single = isinstance(texts, str)
        vectors = self._model.embed([texts] if single else list(texts), norm=True)
        vectors = np.asarray(vectors, dtype=np.float32)
        return vectors[0] if single else vectors

    def token_count(self, text: str, is_query: bool = False) -> int:
        return 0  # a static model's cost does not grow enough to shorten anything


def wordllama_model() -> WordLlamaModel:
    return WordLlamaModel()
