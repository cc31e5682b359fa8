"""The background jobs of one bot process: the weekly-prompt runner, scheduled stand-ups,
stand-up reminders, due-date reminders and hourly housekeeping. Each job repeats on its own
interval; a failed pass is logged and the next one runs. Every job reaches a team through
its own client (`TeamClients.for_team`) and claims its work in the shared database, so any
number of processes may run them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.domain.deliveries import KEEP
from bot.domain.forms import KEEP as FORMS_KEEP
from bot.domain.services import Services
from handlers.kit.clients import OneWorkspace, TeamClients
from handlers.prompts.delivery import make_runner
from handlers.retro.reminding import make_due_reminders
from handlers.standup.scheduled import make_reminders, make_standup_runner

logger = logging.getLogger("principlebot")

PROMPT_INTERVAL_SECONDS = 30.0
HOUSEKEEPING_SECONDS = 3600.0

Job = Callable[[], Awaitable[object]]


async def repeat(name: str, job: Job, interval: float) -> None:
    """Run `job` every `interval` seconds until cancelled; a failed pass does not stop it."""
    while True:
        await run_logged(name, job)
        await asyncio.sleep(interval)


async def run_logged(name: str, job: Job) -> None:
    try:
        await job()
    except Exception:
        logger.exception("%s failed", name)


@dataclass(frozen=True)
class Jobs:
    """The process's scheduled work, by name, with how often each runs."""

    every: dict[str, tuple[Job, float]]

    async def run_once(self, hourly: bool = True) -> None:
        """One pass of every job, in order (the console runs this when its clock moves);
        without the hourly ones when `hourly` is false."""
        for name, (job, interval) in self.every.items():
            if hourly or interval < HOUSEKEEPING_SECONDS:
                await run_logged(name, job)


def jobs_for(clients: TeamClients, services: Services) -> Jobs:
    async def housekeeping() -> None:
        now = services.clock()
        await services.deliveries.forget_older_than(now - KEEP)
        await services.forms.forget_older_than(now - FORMS_KEEP)
        await services.retro_edits.purge_trash(now)

    return Jobs({
        "weekly prompt pass": (make_runner(clients, services).run_once,
                               PROMPT_INTERVAL_SECONDS),
        "scheduled stand-up pass": (make_standup_runner(clients, services).run_once,
                                    PROMPT_INTERVAL_SECONDS),
        "stand-up reminder pass": (make_reminders(clients, services), PROMPT_INTERVAL_SECONDS),
        "due reminder pass": (make_due_reminders(clients, services), PROMPT_INTERVAL_SECONDS),
        "housekeeping": (housekeeping, HOUSEKEEPING_SECONDS),
    })


@contextlib.asynccontextmanager
async def background_tasks(app: AsyncApp, services: Services) -> AsyncIterator[Jobs]:
    """While the bot is up: this process's jobs, each on its interval."""
    clients = OneWorkspace(app.client)
    jobs = jobs_for(clients, services)
    tasks = [asyncio.create_task(repeat(name, job, interval))
             for name, (job, interval) in jobs.every.items()]
    try:
        yield jobs
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
