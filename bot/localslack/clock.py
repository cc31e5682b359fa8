"""The console's clock: the real time plus however far `!advance` has moved it, so a person
can watch a schedule fire without waiting. Every service of the console reads it."""

from __future__ import annotations

import datetime as dt
import re

from bot.domain.clock import utcnow

_STEP = re.compile(r"(\d{1,4})\s*(w|d|h|m)")
UNITS = {"w": dt.timedelta(weeks=1), "d": dt.timedelta(days=1), "h": dt.timedelta(hours=1),
         "m": dt.timedelta(minutes=1)}
LONGEST = dt.timedelta(weeks=8)


class MovableClock:
    """With `ticking` false (a script), time moves only when the console moves it, so the
    same script shows the same times every run."""

    def __init__(self, ticking: bool = True) -> None:
        self.offset = dt.timedelta(0)
        self.held: dt.datetime | None = None if ticking else utcnow()
        self.ticking = ticking

    def __call__(self) -> dt.datetime:
        return self.held or utcnow() + self.offset

    def hold(self, moment: dt.datetime) -> None:
        """Stand still at `moment` (while the jobs of one step run, so what they schedule
        lands on the step's own time)."""
        self.held = moment

    def release(self) -> None:
        """Tick on from where it stands (a clock that does not tick stays)."""
        if self.held is not None and self.ticking:
            self.offset, self.held = self.held - utcnow(), None


def parse_step(text: str) -> dt.timedelta | None:
    """`1d`, `2h`, `30m`, `1w`, `1d 2h`: how far to move the clock (at most 8 weeks)."""
    text = text.strip().lower()
    parts = _STEP.findall(text)
    if not parts or _STEP.sub("", text).strip():
        return None
    total = sum((int(n) * UNITS[unit] for n, unit in parts), dt.timedelta(0))
    return total if dt.timedelta(0) < total <= LONGEST else None
