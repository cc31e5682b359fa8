"""Scores the matcher on a labelled question set (the format of dev_questions.yaml).

A question's label is a practice title, with `also` listing other acceptable practices; an
acceptable practice's principle also counts as the right principle. `principle: 0` marks an
off-topic item (no practice): it counts as right at every rank when the answer is declined,
wrong otherwise. Optional group fields (`style`, `source`, `lang`, `markup`)
give figures per group as well as overall.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:  # only annotations: any matcher's answers will do (the benchmark compares)
    from knowledge.answer import Answer
    from knowledge.models import KnowledgeBase

RANK_DEPTH = 10
GROUP_FIELDS = ("style", "source", "lang", "markup")


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str
    principle: int = Field(ge=0)
    practice: str | None = None
    also: list[str] = Field(default_factory=list)
    style: str | None = None
    source: str | None = None
    lang: str | None = None
    markup: str | bool | None = None

    @model_validator(mode="after")
    def _practice_unless_off_topic(self) -> LabelledQuestion:
        if self.principle and not self.practice:
            raise ValueError("an on-topic item (principle 1 or more) needs a practice")
        if not self.principle and self.practice:
            raise ValueError("an off-topic item (principle 0) has no practice")
        return self

    @property
    def off_topic(self) -> bool:
        return self.principle == 0

    def groups(self) -> list[str]:
        return [f"{name}={value}".lower() for name in GROUP_FIELDS
                if (value := getattr(self, name)) is not None]


@dataclass(frozen=True)
class Scores:
    questions: int
    on_topic: int
    principle_at_1: float
    principle_at_3: float
    practice_at_1: float
    practice_at_3: float
    mrr: float
    off_topic_declined: float | None  # share of off-topic items declined; None without any
    on_topic_declined: float | None  # share of on-topic items wrongly declined


@dataclass(frozen=True)
class EvalReport(Scores):
    latency_p50_ms: float
    latency_p99_ms: float
    misses: tuple[tuple[str, str, str], ...]  # question, expected id, got id
    groups: dict[str, Scores]


@dataclass(frozen=True)
class _Outcome:
    off_topic: bool
    declined: bool
    hits: tuple[bool, bool, bool, bool]  # principle@1, principle@3, practice@1, practice@3
    reciprocal_rank: float


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
            message = error["msg"].removeprefix("Value error, ")
            raise ValueError(f"{path}: question {number}, field '{field}': {message}") from None
    return questions


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def accepted_ids(knowledge: KnowledgeBase, item: LabelledQuestion) -> set[str]:
    """The practice ids that answer `item` (empty for an off-topic item)."""
    ids_by_title = {pr.title: pr.id for pr in knowledge.practices}
    accepted = set()
    for title in [t for t in [item.practice, *item.also] if t]:
        if title not in ids_by_title:
            raise ValueError(f"unknown practice title in labels: {title!r}")
        accepted.add(ids_by_title[title])
    return accepted


def _outcome(knowledge: KnowledgeBase, item: LabelledQuestion, answer: Answer) -> _Outcome:
    declined = answer.declined
    if item.off_topic:
        return _Outcome(True, declined, (declined,) * 4, float(declined))
    accepted = accepted_ids(knowledge, item)
    principles = {item.principle} | {int(pid.split(".")[0]) for pid in accepted}
    got = [m.practice.id for m in answer.matches]
    got_principles = [m.principle.number for m in answer.matches]
    hits = (bool(got_principles[:1] and got_principles[0] in principles),
            bool(principles & set(got_principles[:3])),
            bool(got[:1] and got[0] in accepted), bool(accepted & set(got[:3])))
    rank = next((i for i, pid in enumerate(got, 1) if pid in accepted), None)
    return _Outcome(False, declined, hits, 1 / rank if rank else 0.0)


def _scores(outcomes: Sequence[_Outcome]) -> Scores:
    n = len(outcomes) or 1
    rate = [sum(o.hits[i] for o in outcomes) / n for i in range(4)]
    off = [o for o in outcomes if o.off_topic]
    on = [o for o in outcomes if not o.off_topic]
    return Scores(
        len(outcomes), len(on), rate[0], rate[1], rate[2], rate[3],
        statistics.fmean(o.reciprocal_rank for o in outcomes) if outcomes else 0.0,
        sum(o.declined for o in off) / len(off) if off else None,
        sum(o.declined for o in on) / len(on) if on else None,
    )


def evaluate(search: Callable[[str, int], Answer], knowledge: KnowledgeBase,
             questions: list[LabelledQuestion]) -> EvalReport:
    """Figures overall and per group for `search(text, limit)` on the labelled questions."""
    latencies: list[float] = []
    misses: list[tuple[str, str, str]] = []
    outcomes: list[_Outcome] = []
    by_group: dict[str, list[_Outcome]] = {}
    for item in questions:
        started = time.perf_counter()
        answer = search(item.q, RANK_DEPTH)
        latencies.append((time.perf_counter() - started) * 1000)
        outcome = _outcome(knowledge, item, answer)
        outcomes.append(outcome)
        for group in item.groups():
            by_group.setdefault(group, []).append(outcome)
        if not outcome.hits[2]:
            expected = "off" if item.off_topic else next(
                pr.id for pr in knowledge.practices if pr.title == item.practice)
            got = answer.matches[0].practice.id if answer.matches else "-"
            misses.append((item.q, expected, got if answer.confident else f"({got})"))
    overall = _scores(outcomes)
    return EvalReport(
        **overall.__dict__,
        latency_p50_ms=percentile(latencies, 0.5) if latencies else 0.0,
        latency_p99_ms=percentile(latencies, 0.99) if latencies else 0.0,
        misses=tuple(misses),
        groups={name: _scores(group) for name, group in sorted(by_group.items())},
    )
