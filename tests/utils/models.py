"""The bundled embedding model, watched: which threads embed questions, how often, and (for
tests of waiting) a delay before each question is embedded. The embedding itself is the real
model's."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np

from knowledge.semantic import Model


class WatchedModel:
    def __init__(self, model: Model, delay: float = 0.0) -> None:
        self._model = model
        self.identity = model.identity  # the shipped vectors of the fixed texts still apply
        self.delay = delay
        self.questions: list[str] = []
        self.threads: set[int] = set()

    def query(self, texts: str | Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            self.questions.append(texts)
            self.threads.add(threading.get_ident())
            time.sleep(self.delay)
        return self._model.query(texts)

    def token_count(self, text: str, is_query: bool = False) -> int:
        return self._model.token_count(text, is_query)
