"""Scores the matcher on a labelled question set (the format of dev_questions.yaml).

A question's label is a practice title, with `also` listing other acceptable practices; an
acceptable practice's principle also counts as the right principle.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.index import PracticeIndex

RANK_DEPTH = 10


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str
    principle: int
    practice: str
    also: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class EvalReport:
    questions: int
    principle_at_1: float
    principle_at_3: float
    practice_at_1: float
    practice_at_3: float
    mrr: float
    latency_p50_ms: float
    latency_p99_ms: float
    misses: tuple[tuple[str, str, str], ...]  # question, expected id, got id


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read a labelled set; any problem is one ValueError line naming the file and the item."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except OSError as exc:
        raise ValueError(f"{path}: cannot read file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from None
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of questions")
    questions = []
    for number, item in enumerate(raw, 1):
        try:
            questions.append(LabelledQuestion.model_validate(item))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or "item"
            problem = f"question {number}, field '{field}': {error['msg']}"
            raise ValueError(f"{path}: {problem}") from None
    return questions


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def evaluate(index: PracticeIndex, questions: list[LabelledQuestion]) -> EvalReport:
    ids_by_title = {pr.title: pr.id for pr in index.knowledge.practices}
    hits = {"p1": 0, "p3": 0, "x1": 0, "x3": 0}
    reciprocal_ranks: list[float] = []
    latencies: list[float] = []
    misses: list[tuple[str, str, str]] = []
    for item in questions:
        accepted = set()
        for title in [item.practice, *item.also]:
            if title not in ids_by_title:
                raise ValueError(f"unknown practice title in labels: {title!r}")
            accepted.add(ids_by_title[title])
        principles = {item.principle} | {int(pid.split(".")[0]) for pid in accepted}
        started = time.perf_counter()
        answer = index.search(item.q, limit=RANK_DEPTH)
        latencies.append((time.perf_counter() - started) * 1000)
        got = [m.practice.id for m in answer.matches]
        got_principles = [m.principle.number for m in answer.matches]
        hits["p1"] += bool(got_principles[:1] and got_principles[0] in principles)
        hits["p3"] += bool(principles & set(got_principles[:3]))
        hits["x1"] += bool(got[:1] and got[0] in accepted)
        hits["x3"] += bool(accepted & set(got[:3]))
        rank = next((i for i, pid in enumerate(got, 1) if pid in accepted), None)
        reciprocal_ranks.append(1 / rank if rank else 0.0)
        if not (got[:1] and got[0] in accepted):
            misses.append((item.q, ids_by_title[item.practice], got[0] if got else "-"))
    n = len(questions) or 1
    return EvalReport(
        len(questions),
        hits["p1"] / n,
        hits["p3"] / n,
        hits["x1"] / n,
        hits["x3"] / n,
        statistics.fmean(reciprocal_ranks) if reciprocal_ranks else 0.0,
        percentile(latencies, 0.5) if latencies else 0.0,
        percentile(latencies, 0.99) if latencies else 0.0,
        tuple(misses),
    )
