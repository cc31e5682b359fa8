"""The faults the Slack stand-in can be told to inject, per method (or "response_url"):
a refusal (an error, a 5xx, a 429 with Retry-After), an answer that comes late (after the
call has been carried out, so a client that gives up first leaves it done but unconfirmed), and
a connection cut after the call was carried out (Slack did it; the client never hears)."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from aiohttp import web

from bot.localslack.standin.wire import Failure


@dataclass(frozen=True)
class Late:
    seconds: float


class Faults:
    def __init__(self) -> None:
        self._failures: dict[str, deque[Failure]] = {}
        self._after: dict[str, deque[Late | None]] = {}  # None: cut the connection

    def fail(self, method: str, failure: Failure, times: int) -> None:
        self._failures.setdefault(method, deque()).extend([failure] * times)

    def delay(self, method: str, seconds: float, times: int) -> None:
        self._after.setdefault(method, deque()).extend([Late(seconds)] * times)

    def cut(self, method: str, times: int) -> None:
        self._after.setdefault(method, deque()).extend([None] * times)

    def failure(self, method: str) -> Failure | None:
        """The refusal the next call of `method` gets, if one was asked for."""
        queue = self._failures.get(method)
        return queue.popleft() if queue else None

    async def after_carrying_out(self, method: str, request: web.Request) -> bool:
        """Hold the answer back, or cut the connection, as asked for this call; True when the
        connection was cut (there is nobody left to answer)."""
        queue = self._after.get(method)
        if not queue:
            return False
        fault = queue.popleft()
        if fault is None:
            if request.transport is not None:
                request.transport.abort()
            return True
        await asyncio.sleep(fault.seconds)
        return False
