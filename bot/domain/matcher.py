"""The matcher as a running bot uses it: answers worked out off the event loop.

Ranking a question embeds it with a neural model: tens of milliseconds of CPU. On the event
loop that would hold up every other request (acks, clicks, the health check) for as long, so
the work runs on one worker thread instead. The model's C engine gives up the interpreter lock
while it computes, and it already spreads one question over both cores, so one thread is
enough: two questions at once would only take turns on the same cores.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from knowledge.index import Answer, PracticeIndex
from knowledge.models import KnowledgeBase


@cache
def _worker() -> ThreadPoolExecutor:
    """The process's one matcher thread, shared by every Matcher (the model is shared too)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="matcher")


class Matcher:
    """Asynchronous search and focus over one PracticeIndex (see PracticeIndex for what
    they answer)."""

    def __init__(self, index: PracticeIndex) -> None:
        self.index = index

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.index.knowledge

    async def search(self, text: str, limit: int = 3) -> Answer:
        return await asyncio.get_running_loop().run_in_executor(
            _worker(), self.index.search, text, limit)

    async def focus(self, text: str, practice_id: str, limit: int = 3) -> Answer:
        return await asyncio.get_running_loop().run_in_executor(
            _worker(), self.index.focus, text, practice_id, limit)
