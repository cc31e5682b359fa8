"""Scores that mean the same for every question: a calibrated probability that a match is right.

A ranking's raw numbers are not comparable across questions (a typo'd single word scores low
and is plainly right; a chatty sentence brushes several vocabulary words and is plainly off
topic). A logistic model over a few signals of each candidate (its fused rank score, its lead
over the others, the absolute closeness in meaning of its nearest phrase, its lexical evidence,
and how much of the question the vocabularies know at all) gives the probability that the
candidate is right, fitted on labelled questions, off-topic ones included (where every
candidate is wrong). `CONFIDENT_SCORE` is where the top match becomes the answer; it is chosen
on the same questions so that almost no on-topic question is declined.

The parameters live in `knowledge/calibration.json`; regenerate them with
`python -m knowledge.calibrate FILE...` after changing the matcher or its data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PARAMETERS = Path(__file__).with_name("calibration.json")
FEATURES = ("fused", "lead", "similarity", "lexical", "known")


@dataclass(frozen=True)
class Candidate:
    """The signals of one ranked practice for one question."""

    fused: float  # the rank score, [0, 1] within the question
    lead: float  # fused minus the best other candidate's fused (negative below the top)
    similarity: float  # cosine of the nearest fixed text
    lexical: float  # BM25F evidence, raw
    known: float  # share of the question's words the vocabularies know

    def vector(self) -> list[float]:
        # Cosines of this model crowd into 0.7-0.95: centred and stretched so that one ridge
        # penalty suits every feature.
        return [self.fused, self.lead, (self.similarity - 0.8) * 10, math.log1p(self.lexical),
                self.known]


@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    bias: float
    confident_score: float

    def probability(self, candidate: Candidate) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, candidate.vector(), strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self, note: dict[str, object]) -> str:
        return json.dumps({"features": FEATURES, "weights": self.weights, "bias": self.bias,
                           "confident_score": self.confident_score, **note}, indent=2)


def load_calibration(path: Path = PARAMETERS) -> Calibration:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: fitted for features {data['features']}, not {FEATURES}; "
                         "regenerate it with python -m knowledge.calibrate")
    return Calibration(tuple(data["weights"]), data["bias"], data["confident_score"])


def fit(candidates: Sequence[Candidate], right: Sequence[bool],
        l2: float = 1.0, steps: int = 50) -> tuple[tuple[float, ...], float]:
    """Logistic regression by Newton's method with a small ridge (the features are few and
    the labelled questions a few hundred, so this converges in a handful of steps)."""
    x = np.array([[*c.vector(), 1.0] for c in candidates])
    y = np.array(right, dtype=float)
    w = np.zeros(x.shape[1])
    ridge = np.diag([l2] * (x.shape[1] - 1) + [0.0])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + ridge @ w
        hessian = (x.T * (p * (1 - p))) @ x + ridge
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return tuple(float(v) for v in w[:-1]), float(w[-1])
