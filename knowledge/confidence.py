"""Scores that mean the same for every question, and when to decline.

A ranking's raw numbers are not comparable across questions (a typo'd single word scores low
and is plainly right; a chatty sentence brushes several vocabulary words and is plainly off
topic). Two logistic models over a few signals (the fused rank score, the lead over the other
candidates, the absolute closeness in meaning of the nearest phrase, the lexical evidence, how
much of the question the vocabularies know at all, and how much closer the question lies to
office chatter than to any practice, by the nearest phrase and by all of them) answer the two
questions a reply needs:

- relevance: is the text a question the principles answer at all? Fitted on labelled
  questions, off-topic ones included. Below `threshold` the answer is declined; the threshold
  is chosen on the same questions so that almost no on-topic question is declined.
- correctness: given that it is, is this candidate the right practice? Fitted on the on-topic
  questions' top candidates.

A match's score is their product, the probability that the match is right: of the answers
whose top score is about s, about a fraction s are right, whatever the question, its language
or its markup. The parameters live in `knowledge/calibration.json`; regenerate them with
`python -m knowledge.calibrate` after changing the matcher or its data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PARAMETERS = Path(__file__).with_name("calibration.json")
FEATURES = ("fused", "lead", "similarity", "lexical", "known", "chatter", "chatter_closeness")


@dataclass(frozen=True)
class Candidate:
    """The signals of one ranked practice for one question."""

    fused: float  # the rank score, [0, 1] within the question
    lead: float  # fused minus the best other candidate's fused (negative below the top)
    similarity: float  # cosine of the nearest fixed text
    lexical: float  # BM25F evidence, raw
    known: float  # share of the question's words the vocabularies know
    chatter: float  # how much closer the nearest chatter phrase is than the nearest practice's
    chatter_closeness: float  # the same, between all chatter and the closest practice's texts

    def vector(self) -> list[float]:
        # Cosines of this model crowd into 0.7-0.95: centred and stretched so that one ridge
        # penalty suits every feature.
        return [self.fused, self.lead, (self.similarity - 0.8) * 10, math.log1p(self.lexical),
                self.known, self.chatter * 10, self.chatter_closeness * 10]


@dataclass(frozen=True)
class Logistic:
    weights: tuple[float, ...]
    bias: float

    def __call__(self, candidate: Candidate) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, candidate.vector(), strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Calibration:
    relevance: Logistic  # P(on topic), from the top candidate's signals
    correctness: Logistic  # P(right | on topic), per candidate
    threshold: float  # relevance below this: declined

    def relevant(self, top: Candidate) -> float:
        return self.relevance(top)

    def probability(self, candidate: Candidate, relevance: float) -> float:
        """The probability that `candidate` is the right practice."""
        return relevance * self.correctness(candidate)

    def to_json(self, note: dict[str, object]) -> str:
        return json.dumps({"features": FEATURES,
                           "relevance": {"weights": self.relevance.weights,
                                         "bias": self.relevance.bias},
                           "correctness": {"weights": self.correctness.weights,
                                           "bias": self.correctness.bias},
                           "threshold": self.threshold, **note}, indent=2)


UNFITTED = Calibration(Logistic((0.0,) * len(FEATURES), 0.0),
                       Logistic((0.0,) * len(FEATURES), 0.0), 0.5)


def load_calibration(path: Path = PARAMETERS) -> Calibration:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: fitted for features {data['features']}, not {FEATURES}; "
                         "regenerate it with python -m knowledge.calibrate")
    return Calibration(
        Logistic(tuple(data["relevance"]["weights"]), data["relevance"]["bias"]),
        Logistic(tuple(data["correctness"]["weights"]), data["correctness"]["bias"]),
        data["threshold"])


def fit(candidates: Sequence[Candidate], right: Sequence[bool],
        l2: float = 0.3, steps: int = 50) -> Logistic:
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
    return Logistic(tuple(float(v) for v in w[:-1]), float(w[-1]))
