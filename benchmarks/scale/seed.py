"""One team's retro actions, generated and bulk-loaded fast, in growing slices.

The team logs actions at a steady rate (RATE_PER_WEEK, over CHANNELS channels and PEOPLE
people), so a bigger team is a team with a longer history: the newest actions (and so the App
Home's four weeks) look the same at 10,000 actions as at a million. Actions are generated newest
first; a size of N means the newest N are loaded, and growing to the next size loads the older
ones. SQLite gets SQLAlchemy Core executemany in chunks; PostgreSQL gets COPY through asyncpg
(1.7x faster than executemany there: 3.8 s against 6.6 s for 100k actions and their tags).
Both into the migrated schema, indexes in place, then ANALYZE.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.databases import Backend
from benchmarks.retro import ACTION_TEXTS
from bot.storage.models import RetroActionRow, RetroTagRow, TeamCounter
from knowledge.loader import default_knowledge

TEAM = "TSCALE"
CHANNELS = 50
PEOPLE = 300
RATE_PER_WEEK = 1_000
OWNED_SHARE = 0.4  # actions with an owner (other than the author)
OPEN_SHARE = 0.3
SEED = 20240501
LOAD_CHUNK = 10_000
ACTION_COLUMNS = ("id", "team_id", "channel_id", "number", "author_id", "owner_id", "text",
                  "status", "auto_tagged", "due_date", "permalink", "request_key",
                  "created_at", "updated_at", "done_at")
TAG_COLUMNS = ("action_id", "tag", "team_id", "principle", "position")


def channel(n: int) -> str:
    return f"C{n:04d}"


def person(n: int) -> str:
    return f"U{n:04d}"


@dataclass
class Team:
    """The generated actions (tuples in ACTION_COLUMNS order, newest first), their tags, and
    each action's principles (for checking answers)."""

    now: dt.datetime
    actions: list[tuple] = field(default_factory=list)
    tags: list[list[tuple]] = field(default_factory=list)  # per action
    principles: list[frozenset[int]] = field(default_factory=list)
    loaded: int = 0

    @property
    def largest(self) -> int:
        return len(self.actions)


def generate(count: int, now: dt.datetime) -> Team:
    rng = random.Random(SEED)
    practices = [(p.id, p.principle) for p in default_knowledge().practices]
    interval = dt.timedelta(weeks=1) / RATE_PER_WEEK
    team = Team(now)
    for k in range(count):
        number = count - k
        created = now - interval * (k + rng.random())
        author = rng.randrange(PEOPLE)
        owner = person(rng.randrange(PEOPLE)) if rng.random() < OWNED_SHARE else None
        done = rng.random() >= OPEN_SHARE
        team.actions.append((
            number, TEAM, channel(rng.randrange(CHANNELS)), number, person(author), owner,
            ACTION_TEXTS[number % len(ACTION_TEXTS)], "done" if done else "open",
            rng.random() < 0.25, None, None, None, created, created,
            created + dt.timedelta(days=3) if done else None,
        ))
        chosen = rng.sample(practices, rng.randint(1, 3))
        team.tags.append([(number, tag, TEAM, principle, i)
                          for i, (tag, principle) in enumerate(chosen)])
        team.principles.append(frozenset(principle for _, principle in chosen))
    return team


def _slice(team: Team, size: int) -> tuple[list[tuple], list[tuple]]:
    actions = team.actions[team.loaded:size]
    tags = [tag for per_action in team.tags[team.loaded:size] for tag in per_action]
    return actions, tags


def _chunks(rows: list[tuple], columns: tuple[str, ...]) -> Iterator[list[dict]]:
    for i in range(0, len(rows), LOAD_CHUNK):
        yield [dict(zip(columns, row, strict=True)) for row in rows[i:i + LOAD_CHUNK]]


async def _load_by_executemany(engine: AsyncEngine, actions: list[tuple],
                               tags: list[tuple]) -> None:
    async with engine.begin() as connection:
        for chunk in _chunks(actions, ACTION_COLUMNS):
            await connection.execute(insert(RetroActionRow.__table__), chunk)
        for chunk in _chunks(tags, TAG_COLUMNS):
            await connection.execute(insert(RetroTagRow.__table__), chunk)


async def _load_by_copy(url: str, actions: list[tuple], tags: list[tuple]) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await connection.copy_records_to_table("retro_actions", records=actions,
                                                   columns=list(ACTION_COLUMNS))
            await connection.copy_records_to_table("retro_action_tags", records=tags,
                                                   columns=list(TAG_COLUMNS))
    finally:
        await connection.close()


async def _counter_and_statistics(engine: AsyncEngine, team: Team, size: int) -> None:
    """The team counter and the id sequence where the bot would have left them; ANALYZE."""
    async with engine.begin() as connection:
        await connection.execute(TeamCounter.__table__.delete().where(
            TeamCounter.__table__.c.team_id == TEAM))
        await connection.execute(insert(TeamCounter.__table__),
                                 [{"team_id": TEAM, "last_number": team.largest}])
        if connection.dialect.name == "postgresql":  # ids were given; move the sequence on
            await connection.execute(text(
                "SELECT setval(pg_get_serial_sequence('retro_actions', 'id'), :last)"),
                {"last": team.largest})
            await connection.execute(text("ANALYZE retro_actions"))
            await connection.execute(text("ANALYZE retro_action_tags"))
        else:
            await connection.execute(text("ANALYZE"))


async def grow(backend: Backend, engine: AsyncEngine, team: Team, size: int) -> str:
    """Load the team's actions up to `size`; a line saying how long it took."""
    actions, tags = _slice(team, size)
    started = time.perf_counter()
    if backend.is_postgres:
        await _load_by_copy(backend.url, actions, tags)
    else:
        await _load_by_executemany(engine, actions, tags)
    loaded = time.perf_counter() - started
    team.loaded = size
    started = time.perf_counter()
    await _counter_and_statistics(engine, team, size)
    analyzed = time.perf_counter() - started
    rows = len(actions) + len(tags)
    how = "COPY" if backend.is_postgres else "executemany"
    return (f"{backend.name}: +{len(actions):,} actions and {len(tags):,} tags by {how} in "
            f"{loaded:.1f} s ({rows / max(loaded, 1e-9):,.0f} rows/s), ANALYZE {analyzed:.1f} s")
