"""What the Slack stand-in received: every call in order, the payloads Slack would have
refused, and waiting until a call arrives or the traffic goes quiet."""

from __future__ import annotations

import asyncio

from bot.localslack.standin.wire import RecordedCall


class Recorder:
    """The stand-in's record of calls and refusals, and the waits tests make on it."""

    def __init__(self) -> None:
        self.calls: list[RecordedCall] = []
        self.invalid: list[tuple[str, str]] = []  # (method, why Slack would refuse it)
        self._changed = asyncio.Condition()
        self._in_flight = 0
        self._last_activity = 0.0

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedCall]:
        """Wait until at least `count` calls of `method` were recorded; return them all."""
        try:
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.calls_to(method)) >= count), timeout
                )
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise AssertionError(
                f"expected {count} call(s) of {method} within {timeout}s, "
                f"got {len(self.calls_to(method))}; recorded: {seen}"
            ) from None
        return self.calls_to(method)

    async def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until no request has arrived or been in progress for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            quiet_left = self._last_activity + quiet - now
            if self._in_flight == 0 and quiet_left <= 0:
                return
            if now >= deadline:
                raise AssertionError(
                    f"Slack stand-in did not go quiet for {quiet}s within {timeout}s "
                    f"({len(self.calls)} calls recorded)"
                )
            await asyncio.sleep(max(0.005, min(quiet_left, deadline - now, quiet)))

    def clear(self) -> None:
        """Forget recorded calls and invalid payloads (users, URLs and pending failures stay)."""
        self.calls.clear()
        self.invalid.clear()

    def _begin(self) -> None:
        self._in_flight += 1
        self._last_activity = asyncio.get_running_loop().time()

    def _end(self) -> None:
        self._in_flight -= 1
        self._last_activity = asyncio.get_running_loop().time()

    async def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
