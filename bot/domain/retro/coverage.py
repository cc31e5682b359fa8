"""How a team's actions spread over the principles, and which practice to put to the team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from knowledge.models import KnowledgeBase, Practice


@dataclass(frozen=True)
class Coverage:
    """Actions per principle over a period; `counts` has every principle, zeros included."""

    counts: dict[int, int]
    total: int
    since: dt.datetime
    until: dt.datetime

    @property
    def least_covered(self) -> int | None:
        if not self.counts:
            return None
        return min(self.counts, key=lambda number: (self.counts[number], number))


def practice_of_the_week(knowledge: KnowledgeBase, principle_number: int | None,
                         now: dt.datetime) -> Practice | None:
    """A practice of a (neglected) principle to put to the team, a different one each week."""
    principle = knowledge.principle(principle_number or 0)
    if principle is None or not principle.practices:
        return None
    return principle.practices[now.isocalendar().week % len(principle.practices)]
