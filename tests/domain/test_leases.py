"""Leases on background jobs (bot.domain.leases) on SQLite and PostgreSQL: one process at a time
holds a job, renews it on each pass, gives it back when it stops; another takes it over once it
has expired or been given back; of processes asking at once, one wins."""

from __future__ import annotations

import asyncio

from bot.domain.leases import Leases
from bot.storage.engine import session_factory

JOB = "due reminder pass"
SECONDS = 90.0


def processes(engine, clock, count: int) -> list[Leases]:
    """Leases as `count` bot processes on one database see them."""
    return [Leases(session_factory(engine), clock, holder=f"process-{n}") for n in range(count)]


async def test_one_process_holds_a_job_and_renews_it_while_the_others_wait(engine, clock):
    first, second = processes(engine, clock, 2)
    assert await first.hold(JOB, SECONDS)
    assert not await second.hold(JOB, SECONDS)
    assert await second.hold("housekeeping", SECONDS)  # each job has its own lease
    for _ in range(5):  # renewed on every pass, it never runs out
        clock.advance(seconds=60)
        assert await first.hold(JOB, SECONDS)
        assert not await second.hold(JOB, SECONDS)


async def test_an_expired_lease_is_taken_over_and_its_old_holder_stops(engine, clock):
    first, second = processes(engine, clock, 2)
    assert await first.hold(JOB, SECONDS)
    clock.advance(seconds=SECONDS - 1)
    assert not await second.hold(JOB, SECONDS)
    clock.advance(seconds=1)  # the first process died without renewing
    assert await second.hold(JOB, SECONDS)
    assert not await first.hold(JOB, SECONDS)  # back again, it finds the job taken


async def test_a_lease_given_back_is_taken_over_at_once(engine, clock):
    first, second = processes(engine, clock, 2)
    assert await first.hold(JOB, SECONDS)
    assert await first.hold("housekeeping", SECONDS)
    await first.release_all()
    assert await second.hold(JOB, SECONDS)
    assert await second.hold("housekeeping", SECONDS)
    await first.release_all()  # gives back only its own
    assert not await first.hold(JOB, SECONDS)


async def test_of_processes_asking_at_once_exactly_one_holds_the_job(engine, clock):
    everyone = processes(engine, clock, 8)
    held = await asyncio.gather(*(leases.hold(JOB, SECONDS) for leases in everyone))
    assert sum(held) == 1
    clock.advance(seconds=SECONDS)
    held = await asyncio.gather(*(leases.hold(JOB, SECONDS) for leases in everyone))
    assert sum(held) == 1
