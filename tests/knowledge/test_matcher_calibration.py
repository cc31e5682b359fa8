"""A score means the same for every question: about a fraction s of answers scored s are right.

Measured on labelled questions the calibration was fitted on (the dev set and two tuning halves
of the benchmark sets: formal standards text and chatter, the two ends of the range); the
held-out halves give the figures that are reported, not tests. Tolerance: within each score
band holding at least 20 answers, the share right is within 0.15 of the mean score; over all
answers, the expected calibration error is at most 0.06.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from knowledge.evaluation import accepted_ids, load_questions
from tests.utils.paths import REPO, SHARED

SETS = [SHARED / "eval/dev_questions.yaml", REPO / "benchmarks/sets/standards.tune.yaml",
        REPO / "benchmarks/sets/offtopic.tune.yaml"]
BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.01)


@pytest.fixture(scope="module")
def outcomes(index) -> list[tuple[float, bool, bool, bool]]:
    """(top score, top is right, answer declined, item on topic) per labelled question.
    About nine seconds, once per run: a share right per score band needs a couple of hundred
    real answers, each embedding its question (about 35 ms); fewer would test noise."""
    files = [path for path in SETS if path.exists()]
    if len(files) < 2:
        pytest.skip("the labelled sets are not available on this machine")
    found = []
    for path in files:
        for item in load_questions(Path(path)):
            answer = index.search(item.q)
            if answer.reason in ("principle", "no_such_principle", "no_such_practice"):
                continue
            right = bool(answer.matches) and not item.off_topic and (
                answer.matches[0].practice.id in accepted_ids(index.knowledge, item))
            score = answer.matches[0].score if answer.matches else 0.0
            found.append((score, right, answer.declined, not item.off_topic))
    return found


def test_the_share_right_tracks_the_score_in_every_band(outcomes):
    for low, high in itertools.pairwise(BANDS):
        band = [(s, r) for s, r, _, _ in outcomes if low <= s < high]
        if len(band) < 20:
            continue
        mean_score = sum(s for s, _ in band) / len(band)
        share_right = sum(r for _, r in band) / len(band)
        assert abs(mean_score - share_right) <= 0.15, (low, high, mean_score, share_right)


def test_the_expected_calibration_error_is_small(outcomes):
    error = 0.0
    for low, high in itertools.pairwise(BANDS):
        band = [(s, r) for s, r, _, _ in outcomes if low <= s < high]
        if band:
            gap = abs(sum(s for s, _ in band) - sum(r for _, r in band)) / len(band)
            error += gap * len(band) / len(outcomes)
    assert error <= 0.06


def test_declines_keep_almost_every_question_and_drop_almost_all_chatter(outcomes):
    on = [declined for _, _, declined, on_topic in outcomes if on_topic]
    off = [declined for _, _, declined, on_topic in outcomes if not on_topic]
    assert sum(on) / len(on) <= 0.04
    if off:
        assert sum(off) / len(off) >= 0.93


def test_higher_scores_are_right_more_often(outcomes):
    ordered = sorted(outcomes, key=lambda o: o[0])
    third = len(ordered) // 3
    low = sum(r for _, r, _, _ in ordered[:third]) / third
    high = sum(r for _, r, _, _ in ordered[-third:]) / third
    assert high >= low + 0.4
