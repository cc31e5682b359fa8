"""Fits `knowledge/calibration.json`: the score calibration and the confidence threshold.

    python -m knowledge.calibrate FILE... [--on-topic-declined 0.02]

Each labelled question's top three candidates become examples (right or wrong); off-topic
items (`principle: 0`) give only wrong ones. The threshold is the highest score that declines
at most the given share of the on-topic questions, so "confident" errs on answering. Questions
answered directly (references, typed titles) are left out: they are never calibrated.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from knowledge.confidence import PARAMETERS, Calibration, Candidate, fit
from knowledge.evaluation import LabelledQuestion, accepted_ids, load_questions
from knowledge.index import PracticeIndex
from knowledge.references import find_references

CANDIDATES = 3


def examples(index: PracticeIndex, questions: Sequence[LabelledQuestion]
             ) -> tuple[list[Candidate], list[bool], list[tuple[int, bool]]]:
    """Candidates with their labels, and per question (first example, on topic)."""
    candidates: list[Candidate] = []
    right: list[bool] = []
    tops: list[tuple[int, bool]] = []
    for item in questions:
        refs = find_references(item.q)
        if refs.practice_ids or refs.principles:
            continue
        accepted = accepted_ids(index.knowledge, item)
        ranking, found = index.signals(item.q)
        tops.append((len(candidates), not item.off_topic))
        for position, candidate in enumerate(found[:CANDIDATES]):
            practice = index.knowledge.practices[int(ranking.order[position])]
            candidates.append(candidate)
            right.append(practice.id in accepted)
    return candidates, right, tops


def threshold(scores_on_topic: Sequence[float], declined_share: float) -> float:
    """The highest score that leaves at most `declined_share` of on-topic tops below it."""
    ordered = sorted(scores_on_topic)
    allowed = int(declined_share * len(ordered))
    return ordered[allowed] if ordered else 0.5


def calibrate(index: PracticeIndex, files: Sequence[Path], declined_share: float
              ) -> tuple[Calibration, dict[str, object]]:
    questions = [q for path in files for q in load_questions(path)]
    candidates, right, tops = examples(index, questions)
    weights, bias = fit(candidates, right)
    unthresholded = Calibration(weights, bias, 0.0)
    top_scores = [(unthresholded.probability(candidates[i]), on) for i, on in tops]
    cut = threshold([s for s, on in top_scores if on], declined_share)
    off = [s for s, on in top_scores if not on]
    note = {"fitted_on": [p.name for p in files], "questions": len(tops),
            "off_topic_declined_in_sample": round(sum(s < cut for s in off) / len(off), 3)
            if off else None,
            "on_topic_declined_target": declined_share}
    return Calibration(weights, bias, round(cut, 4)), note


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--on-topic-declined", type=float, default=0.02)
    parser.add_argument("--output", type=Path, default=PARAMETERS)
    args = parser.parse_args(argv)
    from knowledge.loader import load_knowledge

    # The index's own calibration plays no part in the signals being fitted.
    index = PracticeIndex(load_knowledge(), calibration=Calibration((0.0,) * 5, 0.0, 0.5))
    calibration, note = calibrate(index, args.files, args.on_topic_declined)
    args.output.write_text(calibration.to_json(note) + "\n", encoding="utf-8")
    print(json.dumps({"confident_score": calibration.confident_score, **note}))


if __name__ == "__main__":
    main()
