"""Firing due schedules (weekly retro prompts, scheduled stand-ups): claim each once, post it
less than a day late, retry Slack's refusals with back-off, pause where the bot cannot post.

The claim is made before posting, so a runner that dies between claim and post loses that
run rather than risk a second post (at most once; see `Runner.run_once`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from bot.domain.clock import Clock, utcnow

logger = logging.getLogger("principlebot")

CATCH_UP_LIMIT = dt.timedelta(hours=24)
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)


class Outcome(enum.Enum):
    POSTED = "posted"
    # Slack's answer never came (a timeout, a 5xx): the post may have gone through, so it is
    # not repeated.
    UNCERTAIN = "uncertain"
    RETRY = "retry"  # rate limited or Slack unavailable: try again shortly
    PAUSE = "pause"  # the bot cannot post there until someone acts


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    reason: str = ""
    retry_after: float | None = None  # seconds Slack asked us to wait (429)


class Due(Protocol):
    """What a runner needs of a stored schedule."""

    @property
    def id(self) -> int: ...
    @property
    def channel_id(self) -> str: ...
    @property
    def next_run_at(self) -> dt.datetime: ...
    def latest_occurrence(self, now: dt.datetime) -> dt.datetime: ...


S = TypeVar("S", bound=Due)


class Store(Protocol[S]):
    """The stored schedules of one kind, claimed as `bot.domain.schedule.claims` does."""

    async def due(self, now: dt.datetime) -> list[S]: ...
    async def claim(self, schedule: S, now: dt.datetime) -> dt.datetime | None: ...
    async def release(self, schedule: S, claimed_next: dt.datetime) -> None: ...
    async def pause(self, schedule_id: int, reason: str) -> None: ...


class Runner(Generic[S]):
    """Finds due schedules and fires each once. One per process and kind; safe with several
    processes."""

    def __init__(self, schedules: Store[S], deliver: Callable[[S, dt.datetime],
                                                              Awaitable[Delivery]],
                 notify_paused: Callable[[S, str], Awaitable[None]], clock: Clock = utcnow,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._schedules = schedules
        self._deliver = deliver
        self._notify_paused = notify_paused
        self._clock = clock
        self._sleep = sleep

    async def run_once(self) -> list[S]:
        """One pass: claim every due schedule, post those less than a day late, skip the rest.
        Returns the schedules this runner posted for."""
        now = self._clock()
        posted = []
        for schedule in await self._schedules.due(now):
            claimed_next = await self._schedules.claim(schedule, now)
            if claimed_next is None:
                continue  # another runner has it
            # Lateness counts from the latest missed occurrence: after weeks of downtime the
            # prompt due two hours ago still fires (once), the older ones do not.
            late = now - schedule.latest_occurrence(now)
            if late >= CATCH_UP_LIMIT:
                logger.info("skipped a prompt for %s: %s late", schedule.channel_id, late)
                continue
            if await self._post(schedule, now, claimed_next):
                posted.append(schedule)
        return posted

    async def _post(self, schedule: S, now: dt.datetime,
                    claimed_next: dt.datetime) -> bool:
        for delay in (*RETRY_DELAYS, None):
            try:
                delivery = await self._deliver(schedule, now)
            except Exception:
                # Building the prompt failed (the database, say): try again like a 5xx.
                logger.exception("weekly prompt for %s failed", schedule.channel_id)
                delivery = Delivery(Outcome.RETRY, "error")
            if delivery.outcome is Outcome.POSTED:
                return True
            if delivery.outcome is Outcome.UNCERTAIN:
                logger.warning("%s: Slack did not answer; not posting again",
                               schedule.channel_id)
                return False
            if delivery.outcome is Outcome.PAUSE:
                await self._schedules.pause(schedule.id, delivery.reason)
                await self._notify_paused(schedule, delivery.reason)
                return False
            if delay is None:
                break
            await self._sleep(max(delay, delivery.retry_after or 0.0))
        # Slack kept refusing (429/5xx): hand the prompt back for a later pass, which posts it
        # while it is less than a day late.
        logger.warning("prompt for %s not posted yet; will retry", schedule.channel_id)
        await self._schedules.release(schedule, claimed_next)
        return False
