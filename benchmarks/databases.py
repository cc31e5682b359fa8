"""The databases a benchmark runs on: a fresh SQLite file, and PostgreSQL when a URL is given
(its schema public dropped and recreated first). A PostgreSQL that was asked for but cannot be
used stops the benchmark with the reason, rather than printing a table without it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.storage.engine import create_engine, database_url
from bot.storage.migrate import MIGRATION_LOCK_KEY

POSTGRES_HELP = ("PostgreSQL URL (default $TEST_DATABASE_URL); its schema public is dropped and "
                 "recreated")


def default_postgres() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def postgres_note(url: str | None) -> str | None:
    """A line saying PostgreSQL is left out, when it is."""
    if url:
        return None
    return "PostgreSQL: not asked for (no --postgres URL and TEST_DATABASE_URL is not set)"


@dataclass
class Backend:
    name: str
    url: str  # normalised to the async driver

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def shown(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


class Unavailable(SystemExit):
    """The database that was asked for cannot be used; the message says why."""


async def reset_postgres(url: str) -> None:
    """Drop and recreate schema public, so every run starts from an empty database. Holds the
    bot's migration lock meanwhile; if another session holds it (a bot starting, or one stuck),
    the bot's migrations would wait for it, so the database is reported unavailable."""
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL lock_timeout = '15s'"))
            locked = await connection.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                             {"key": MIGRATION_LOCK_KEY})
            if not locked:
                raise Unavailable(f"PostgreSQL {shown}: another session holds the bot's "
                                  f"migration lock ({MIGRATION_LOCK_KEY})")
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    except (OSError, DBAPIError) as error:
        raise Unavailable(f"PostgreSQL {shown} was asked for but cannot be used: "
                          f"{str(error).splitlines()[0]}") from None
    finally:
        await engine.dispose()


def fresh_backends(tmp: Path, postgres: str | None, tag: str) -> list[Backend]:
    backends = [Backend("SQLite", database_url(f"sqlite:///{tmp / f'{tag}.db'}"))]
    if postgres:
        backends.append(Backend("PostgreSQL", database_url(postgres)))
    return backends


async def prepare_database(backend: Backend) -> None:
    if backend.is_postgres:
        await reset_postgres(backend.url)
