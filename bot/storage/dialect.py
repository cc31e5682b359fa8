"""What differs between SQLite and PostgreSQL in the queries the domain writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return insert_of(session.bind.dialect.name)


def insert_of(dialect: str) -> Callable[..., Any]:
    """The INSERT of the dialect named `dialect` (for statements built once per dialect)."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
