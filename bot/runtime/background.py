"""The background jobs of one bot process: the weekly-prompt runner, scheduled stand-ups,
stand-up reminders, due-date reminders and hourly housekeeping (old deliveries and trash, and
the data of workspaces whose uninstall grace is over). Each job repeats on its own interval; a
failed pass is logged and the next one runs. Every job reaches a team through its own client
(`TeamClients.for_team`: the app's client with one workspace, the workspace's installed token
with many, None once it uninstalled) and claims its work in the shared database, so any number
of processes may run them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
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
from handlers.workspaces.listeners import data_fate

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


async def housekeeping(services: Services) -> None:
    """One hourly pass: forget old deliveries, open forms, trash and expired install links,
    delete departed workspaces' data when their grace is over."""
    now = services.clock()
    await services.deliveries.forget_older_than(now - KEEP)
    await services.forms.forget_older_than(now - FORMS_KEEP)
    await services.retro_edits.purge_trash(now)
    await services.workspaces.forget_spent_install_links()
    for departure in await services.workspaces.purge_due():
        if departure.deleted is not None:
            logger.info("%s left on %s: %s", departure.workspace_id,
                        departure.left_at.date().isoformat(), data_fate(departure))


def jobs_for(clients: TeamClients, services: Services) -> Jobs:
    return Jobs({
        "weekly prompt pass": (make_runner(clients, services).run_once,
                               PROMPT_INTERVAL_SECONDS),
        "scheduled stand-up pass": (make_standup_runner(clients, services).run_once,
                                    PROMPT_INTERVAL_SECONDS),
        "stand-up reminder pass": (make_reminders(clients, services), PROMPT_INTERVAL_SECONDS),
        "due reminder pass": (make_due_reminders(clients, services), PROMPT_INTERVAL_SECONDS),
        "housekeeping": (functools.partial(housekeeping, services), HOUSEKEEPING_SECONDS),
    })


@contextlib.asynccontextmanager
async def background_tasks(app: AsyncApp, services: Services,
                           clients: TeamClients | None = None) -> AsyncIterator[Jobs]:
    """While the bot is up: this process's jobs, each on its interval. `clients` reach each
    team (default: the app's own client, one workspace)."""
    jobs = jobs_for(clients or OneWorkspace(app.client), services)
    tasks = [asyncio.create_task(repeat(name, job, interval))
             for name, (job, interval) in jobs.every.items()]
    try:
        yield jobs
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
