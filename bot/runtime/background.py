"""The background jobs of one bot process: the weekly-prompt runner, scheduled stand-ups,
stand-up reminders, due-date reminders and hourly housekeeping (old deliveries and trash, and
the data of workspaces whose uninstall grace is over). Each job repeats on its own interval; a
failed pass is logged and the next one runs. Every job reaches a team through its own client
(`TeamClients.for_team`: the app's client with one workspace, the workspace's installed token
with many, None once it uninstalled) and claims its work in the shared database, so any number
of processes may run them.

Which run in every process was decided by measuring one pass of each (`python -m
benchmarks.jobs`). The prompt, scheduled stand-up and stand-up reminder passes cost one indexed
query (about 1-4 ms) when nothing is due and claim each item they post: they run everywhere, so
a process that stops costs nothing. The due reminder pass reads every open action that is due,
with its tags, and tries a claim per person, every 30 s: for a team of 100k actions (6,000 open
and due, 300 people) about a second and 300 statements per pass, growing with the team, plus
a Slack lookup of each person's time zone once an hour per process. Housekeeping is cheap when
there is nothing to delete, but deletes whole sets of rows (a day of deliveries, a departed
workspace's data), which processes running it together would fight over. These two are
ONE_AT_A_TIME: they run in the one process that holds the job's lease (bot.domain.leases),
renewed on every pass; a process that stops gives its leases back, and if it dies another takes
over within LEASE_INTERVALS passes.
"""

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
from bot.domain.leases import Leases
from bot.domain.services import Services
from handlers.kit.clients import OneWorkspace, TeamClients
from handlers.prompts.delivery import make_runner
from handlers.retro.reminding import make_due_reminders
from handlers.standup.scheduled import make_reminders, make_standup_runner
from handlers.workspaces.listeners import data_fate

logger = logging.getLogger("principlebot")

PROMPT_INTERVAL_SECONDS = 30.0
HOUSEKEEPING_SECONDS = 3600.0
DUE_REMINDERS = "due reminder pass"
HOUSEKEEPING = "housekeeping"
ONE_AT_A_TIME = frozenset({DUE_REMINDERS, HOUSEKEEPING})
# A lease lasts this many of its job's intervals: renewed every pass, it outlives a slow pass.
LEASE_INTERVALS = 3

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


def one_at_a_time(leases: Leases, name: str, job: Job, interval: float) -> Job:
    """`job`, run only while this process holds its lease (taken or renewed first)."""

    async def run() -> object:
        if not await leases.hold(name, LEASE_INTERVALS * interval):
            return None
        return await job()

    return run


def jobs_for(clients: TeamClients, services: Services, *, shared: bool = True) -> Jobs:
    """The jobs and their intervals; with `shared` (other bot processes may use the
    database), those of ONE_AT_A_TIME run under a lease."""
    every: dict[str, tuple[Job, float]] = {
        "weekly prompt pass": (make_runner(clients, services).run_once,
                               PROMPT_INTERVAL_SECONDS),
        "scheduled stand-up pass": (make_standup_runner(clients, services).run_once,
                                    PROMPT_INTERVAL_SECONDS),
        "stand-up reminder pass": (make_reminders(clients, services), PROMPT_INTERVAL_SECONDS),
        DUE_REMINDERS: (make_due_reminders(clients, services), PROMPT_INTERVAL_SECONDS),
        HOUSEKEEPING: (functools.partial(housekeeping, services), HOUSEKEEPING_SECONDS),
    }
    if shared:
        every.update({name: (one_at_a_time(services.leases, name, job, interval), interval)
                      for name, (job, interval) in every.items() if name in ONE_AT_A_TIME})
    return Jobs(every)


@contextlib.asynccontextmanager
async def background_tasks(app: AsyncApp, services: Services,
                           clients: TeamClients | None = None, *,
                           shared: bool = True) -> AsyncIterator[Jobs]:
    """While the bot is up: this process's jobs, each on its interval. `clients` reach each
    team (default: the app's own client, one workspace); `shared` as for `jobs_for`. At the
    end the leases this process holds are given back, so another process takes those jobs
    over on its next pass."""
    jobs = jobs_for(clients or OneWorkspace(app.client), services, shared=shared)
    tasks = [asyncio.create_task(repeat(name, job, interval))
             for name, (job, interval) in jobs.every.items()]
    try:
        yield jobs
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        try:
            await services.leases.release_all()
        except Exception as error:  # the database is gone: the leases run out by themselves
            logger.warning("could not give back the job leases (%s); they expire within %d "
                           "passes", type(error).__name__, LEASE_INTERVALS)
