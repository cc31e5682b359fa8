"""Serialising the redraws of one stand-up message within this process, so the last redraw
shows the last committed state."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class RedrawLocks:
    """One lock per run, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def for_run(self, run_id: int) -> AsyncIterator[None]:
        self._users[run_id] = self._users.get(run_id, 0) + 1
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            self._users[run_id] -= 1
            if not self._users[run_id]:
                del self._users[run_id], self._locks[run_id]
