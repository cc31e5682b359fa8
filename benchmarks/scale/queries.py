"""The reads a big team makes, timed through the domain services as the handlers call them, and
each answer checked against the generated data; and the query plans the database chose.

App Home runs two queries (a person's open actions, the team's coverage over four weeks); the
list page is `/retro list` in one channel (open, and open with a principle filter).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.scale.seed import TEAM, Team, channel, person
from bot.domain.retro.values import Scope
from bot.domain.services import Services
from handlers.home.listeners import COVERAGE_PERIOD
from handlers.home.views import HOME_ACTIONS
from handlers.retro.views import LIST_PAGE_SIZE

PERSON = person(7)
CHANNEL = channel(7)
PRINCIPLE = 4
ROUNDS = 3
CALLS = 10
WARMUP = 2

Call = Callable[[Services, Team], Awaitable[Any]]
Check = Callable[[Any, Team], "str | None"]


# ---------------------------------------------------------------------- the reads


def _window(team: Team) -> tuple[dt.datetime, dt.datetime]:
    return team.now - COVERAGE_PERIOD, team.now


async def home_actions(services: Services, team: Team) -> Any:
    return await services.retro.for_person(TEAM, PERSON, status="open", limit=HOME_ACTIONS)


async def home_coverage(services: Services, team: Team) -> Any:
    since, until = _window(team)
    return await services.retro.coverage(TEAM, since=since, until=until)


async def home(services: Services, team: Team) -> Any:
    return await home_actions(services, team), await home_coverage(services, team)


async def channel_coverage(services: Services, team: Team) -> Any:
    since, until = _window(team)
    return await services.retro.coverage(TEAM, channel_id=CHANNEL, since=since, until=until)


async def list_open(services: Services, team: Team) -> Any:
    return await services.retro.list_actions(Scope(TEAM, CHANNEL), status="open",
                                             limit=LIST_PAGE_SIZE)


async def list_principle(services: Services, team: Team) -> Any:
    return await services.retro.list_actions(Scope(TEAM, CHANNEL), status="open",
                                             principle=PRINCIPLE, limit=LIST_PAGE_SIZE)


# ---------------------------------------------------------------------- expected answers


def _loaded(team: Team) -> range:
    return range(team.loaded)


def _page_problem(page: Any, expected: list[int], limit: int) -> str | None:
    numbers = [a.number for a in page.actions]
    if numbers != expected[:limit]:
        return f"page {numbers[:5]}..., expected {expected[:5]}..."
    if page.has_more != (len(expected) > limit):
        return f"has_more {page.has_more} with {len(expected)} matching actions"
    return None


def check_home_actions(page: Any, team: Team) -> str | None:
    expected = [team.actions[i][3] for i in _loaded(team)
                if team.actions[i][7] == "open" and PERSON in team.actions[i][4:6]]
    return _page_problem(page, expected, HOME_ACTIONS)


def _coverage_problem(coverage: Any, team: Team, channel_id: str | None) -> str | None:
    since, until = _window(team)
    total, counts = 0, Counter[int]()
    for i in _loaded(team):
        row = team.actions[i]
        if since <= row[12] < until and channel_id in (None, row[2]):
            total += 1
            counts.update(team.principles[i])
    if coverage.total != total or any(coverage.counts[p] != counts.get(p, 0)
                                      for p in coverage.counts):
        return f"coverage total {coverage.total}, expected {total}"
    return None


def check_home_coverage(coverage: Any, team: Team) -> str | None:
    return _coverage_problem(coverage, team, None)


def check_home(result: Any, team: Team) -> str | None:
    return check_home_actions(result[0], team) or check_home_coverage(result[1], team)


def check_channel_coverage(coverage: Any, team: Team) -> str | None:
    return _coverage_problem(coverage, team, CHANNEL)


def check_list_open(page: Any, team: Team) -> str | None:
    expected = [team.actions[i][3] for i in _loaded(team)
                if team.actions[i][7] == "open" and team.actions[i][2] == CHANNEL]
    return _page_problem(page, expected, LIST_PAGE_SIZE)


def check_list_principle(page: Any, team: Team) -> str | None:
    expected = [team.actions[i][3] for i in _loaded(team)
                if team.actions[i][7] == "open" and team.actions[i][2] == CHANNEL
                and PRINCIPLE in team.principles[i]]
    return _page_problem(page, expected, LIST_PAGE_SIZE)


@dataclass(frozen=True)
class Read:
    key: str
    label: str
    call: Call
    check: Check
    budget_ms: float | None = None


READS = (
    Read("home", "App Home, both queries", home, check_home, 50),
    Read("home_actions", "  a person's open actions", home_actions, check_home_actions),
    Read("home_coverage", "  coverage, team, 4 weeks", home_coverage, check_home_coverage, 30),
    Read("coverage_channel", "coverage, one channel", channel_coverage, check_channel_coverage,
         30),
    Read("list_open", "list page, open", list_open, check_list_open, 20),
    Read("list_principle", f"list page, open #{PRINCIPLE}", list_principle, check_list_principle,
         20),
)


async def time_read(read: Read, services: Services, team: Team) -> tuple[float, str | None]:
    """Median over ROUNDS of each round's median of CALLS calls (ms), and what is wrong with
    the answer, if anything."""
    result = None
    for _ in range(WARMUP):
        result = await read.call(services, team)
    problem = read.check(result, team)
    medians = []
    for _ in range(ROUNDS):
        latencies = []
        for _ in range(CALLS):
            started = time.perf_counter()
            await read.call(services, team)
            latencies.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(latencies))
    return statistics.median(medians), problem


# ---------------------------------------------------------------------- plans


@contextlib.asynccontextmanager
async def captured(engine: AsyncEngine) -> AsyncIterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) run on `engine` meanwhile."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def plans(read: Read, services: Services, team: Team, engine: AsyncEngine) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite, of every SELECT
    the read runs, with the parameters it ran them with."""
    async with captured(engine) as statements:
        await read.call(services, team)
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    out = []
    async with engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH", "(")):
                continue
            rows = (await connection.exec_driver_sql(prefix + statement, parameters)).all()
            shown = [row[0] for row in rows] if postgres else [
                f"{'  ' * _depth(rows, row)}{row[-1]}" for row in rows]
            out.append(_abridged(statement))
            out.extend(f"    {line}" for line in shown)
    return out


def _abridged(statement: str) -> str:
    """The statement on one line, a long select list shown as `…`."""
    return re.sub(r"SELECT (?:(?!\bFROM\b).){80,}? FROM ", "SELECT … FROM ",
                  " ".join(statement.split()))


def _depth(rows: list[Any], row: Any) -> int:
    """Nesting depth of an EXPLAIN QUERY PLAN row (id, parent, notused, detail)."""
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent:
        depth, parent = depth + 1, parents.get(parent, 0)
    return depth
