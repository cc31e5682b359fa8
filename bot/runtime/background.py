"""The background jobs of one bot process: the weekly-prompt runner and hourly housekeeping.
Each job repeats on its own interval; a failed pass is logged and the next one runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from slack_bolt.async_app import AsyncApp

from bot.domain.deliveries import KEEP
from bot.domain.services import Services
from handlers.kit.clients import OneWorkspace
from handlers.prompts.delivery import make_runner

logger = logging.getLogger("principlebot")

PROMPT_INTERVAL_SECONDS = 30.0
HOUSEKEEPING_SECONDS = 3600.0


async def repeat(name: str, job: Callable[[], Awaitable[object]], interval: float) -> None:
    """Run `job` every `interval` seconds until cancelled; a failed pass does not stop it."""
    while True:
        try:
            await job()
        except Exception:
            logger.exception("%s failed", name)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def background_tasks(app: AsyncApp, services: Services) -> AsyncIterator[None]:
    """While the bot is up: this process's weekly-prompt runner, and hourly housekeeping."""
    runner = make_runner(OneWorkspace(app.client), services)

    async def forget_old_deliveries() -> None:
        await services.deliveries.forget_older_than(services.clock() - KEEP)

    tasks = [
        asyncio.create_task(repeat("weekly prompt pass", runner.run_once,
                                   PROMPT_INTERVAL_SECONDS)),
        asyncio.create_task(repeat("housekeeping", forget_old_deliveries,
                                   HOUSEKEEPING_SECONDS)),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
