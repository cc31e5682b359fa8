"""Fits `knowledge/calibration.json`: the score calibration and the decline threshold.

    python -m knowledge.calibrate [FILE...] [--on-topic-declined 0.015]

Without FILEs it fits on the labelled questions it was made with: the development set
(`../shared/eval/dev_questions.yaml`), the tuning halves of the evaluation sets
(`benchmarks/sets/*.tune.yaml`) and the chatter in other languages
(`knowledge/calibration/*.yaml`); never on the held-out halves.

Each question's top candidate is an example of relevance (on topic or not); each on-topic
question's top three candidates are examples of correctness (right or wrong). The threshold is
the highest relevance that declines at most the given share of the on-topic questions of every
file: each kind of text (team questions, Slack messages, formal standards, other languages) is
held to the share on its own, so the kind with the least lexical evidence (another language)
is not the one declined for the pool's sake; declining errs on answering. Questions answered
directly (references, typed titles) are left out: they are never calibrated.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.confidence import PARAMETERS, UNFITTED, Calibration, Candidate, fit
from knowledge.evaluation import LabelledQuestion, accepted_ids, load_questions
from knowledge.index import PracticeIndex
from knowledge.references import find_references

CANDIDATES = 3
REPO = Path(__file__).resolve().parents[1]
CALIBRATION_SETS = Path(__file__).with_name("calibration")


def default_files() -> list[Path]:
    """The development set, the tuning halves and the calibration-only chatter."""
    return [REPO.parent / "shared/eval/dev_questions.yaml",
            *sorted((REPO / "benchmarks/sets").glob("*.tune.yaml")),
            *sorted(CALIBRATION_SETS.glob("*.yaml"))]


@dataclass(frozen=True)
class Examples:
    tops: list[Candidate]  # each question's top candidate
    on_topic: list[bool]
    sources: list[str]  # the file each top comes from
    candidates: list[Candidate]  # the on-topic questions' top candidates
    right: list[bool]


def examples(index: PracticeIndex, questions: Sequence[LabelledQuestion],
             source: str = "") -> Examples:
    found = Examples([], [], [], [], [])
    for item in questions:
        refs = find_references(item.q)
        if refs.practice_ids or refs.principles:
            continue
        accepted = accepted_ids(index.knowledge, item)
        ranking, candidates = index.signals(item.q)
        found.tops.append(candidates[0])
        found.on_topic.append(not item.off_topic)
        found.sources.append(source)
        if item.off_topic:
            continue
        for position, candidate in enumerate(candidates[:CANDIDATES]):
            found.candidates.append(candidate)
            found.right.append(index.knowledge.practices[int(ranking.order[position])].id
                               in accepted)
    return found


def threshold(scores_on_topic: Sequence[float], declined_share: float) -> float:
    """The highest score that leaves at most `declined_share` of on-topic tops below it."""
    ordered = sorted(scores_on_topic)
    allowed = int(declined_share * len(ordered))
    return ordered[allowed] if ordered else 0.5


def calibrate(index: PracticeIndex, files: Sequence[Path], declined_share: float
              ) -> tuple[Calibration, dict[str, object]]:
    found = Examples([], [], [], [], [])
    for path in files:
        part = examples(index, load_questions(path), path.name)
        for name, values in vars(part).items():
            getattr(found, name).extend(values)
    relevance = fit(found.tops, found.on_topic)
    correctness = fit(found.candidates, found.right)
    scores = [relevance(c) for c in found.tops]
    on_topic = {source: [s for s, on, f in zip(scores, found.on_topic, found.sources,
                                                strict=True) if on and f == source]
                for source in dict.fromkeys(found.sources)}
    cut = min((threshold(kept, declined_share) for kept in on_topic.values() if kept),
              default=0.5)
    off = [s for s, on in zip(scores, found.on_topic, strict=True) if not on]
    note = {"fitted_on": [p.name for p in files], "questions": len(found.tops),
            "off_topic_declined_in_sample": round(sum(s < cut for s in off) / len(off), 3)
            if off else None,
            "on_topic_declined_target": declined_share}
    return Calibration(relevance, correctness, round(cut, 4)), note


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--on-topic-declined", type=float, default=0.015)
    parser.add_argument("--output", type=Path, default=PARAMETERS)
    args = parser.parse_args(argv)
    files = args.files or default_files()
    missing = [str(path) for path in files if not path.exists()]
    if missing:
        raise SystemExit("knowledge.calibrate: question file(s) missing: " + ", ".join(missing))
    from knowledge.loader import load_knowledge

    # The index's own calibration plays no part in the signals being fitted.
    index = PracticeIndex(load_knowledge(), calibration=UNFITTED)
    calibration, note = calibrate(index, files, args.on_topic_declined)
    args.output.write_text(calibration.to_json(note) + "\n", encoding="utf-8")
    print(json.dumps({"threshold": calibration.threshold, **note}))


if __name__ == "__main__":
    main()
