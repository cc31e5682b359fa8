"""A clock the test moves by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@dataclass
class Clock:
    """The services (and simulated processes sharing one database) call it for every timestamp
    they store or schedule by."""

    now: dt.datetime = field(default=START)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return self.now
