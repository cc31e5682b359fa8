"""Storage: SQLAlchemy models, the async engine and sessions, and migrations at start-up.

SQLite (aiosqlite, WAL, foreign keys on) by default; PostgreSQL (asyncpg) when several bot
processes share one database. The schema is owned by the Alembic migrations in bot/migrations;
`migrate` applies them, under an advisory lock on PostgreSQL so replicas starting together do
not race. Every row carries the Slack team id.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.errors import SettingsError

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed 64-bit number; the same in every process of the bot.
MIGRATION_LOCK_KEY = 7_418_220_001
MIGRATION_LOCK_TIMEOUT = "120s"
SQLITE_BUSY_TIMEOUT_MS = 30_000
WAL_SWITCH_ATTEMPTS = 100


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def insert_for(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


class TeamCounter(Base):
    """The next short number (#42) of a team's retro actions."""

    __tablename__ = "team_counters"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class RetroActionRow(Base):
    __tablename__ = "retro_actions"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_retro_actions_team_number"),
        UniqueConstraint("team_id", "request_key", name="uq_retro_actions_team_request"),
        Index("ix_retro_actions_channel", "team_id", "channel_id", "status", "created_at"),
        Index("ix_retro_actions_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="open")
    auto_tagged: Mapped[bool] = mapped_column(Boolean, default=False)
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    permalink: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    tags: Mapped[list[RetroTagRow]] = relationship(
        back_populates="action", cascade="all, delete-orphan", lazy="selectin",
        order_by="RetroTagRow.position",
    )


class RetroTagRow(Base):
    """A tag: a practice id ("4.2") or, when only the principle is known, its number ("4")."""

    __tablename__ = "retro_action_tags"
    __table_args__ = (Index("ix_retro_action_tags_principle", "team_id", "principle"),)

    action_id: Mapped[int] = mapped_column(
        ForeignKey("retro_actions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(8), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    principle: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    action: Mapped[RetroActionRow] = relationship(back_populates="tags")


class StandupRunRow(Base):
    __tablename__ = "standup_runs"
    __table_args__ = (Index("ix_standup_runs_channel", "team_id", "channel_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    checklist_name: Mapped[str] = mapped_column(String(64))
    # The checklist as it was when the run started, so later edits don't rewrite history.
    checklist_json: Mapped[str] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class StandupResponseRow(Base):
    """One person's answer to a run. `seen_*` is the checkbox state their last click reported
    for message version `seen_version`, from which the next click's change is worked out."""

    __tablename__ = "standup_responses"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("standup_runs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    share_note: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_version: Mapped[int] = mapped_column(Integer, default=-1)
    seen_selection: Mapped[str] = mapped_column(Text, default="[]")
    first_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StandupTickRow(Base):
    __tablename__ = "standup_ticks"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("standup_runs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))


class RetroScheduleRow(Base):
    """A channel's weekly retro prompt: a weekday and wall-clock time in an IANA zone."""

    __tablename__ = "retro_schedules"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", name="uq_retro_schedules_channel"),
        Index("ix_retro_schedules_due", "next_run_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int] = mapped_column(Integer)
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(32))
    next_run_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    paused_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SlackDeliveryRow(Base):
    """A Slack delivery already handled (event id, view id), for recognising retries."""

    __tablename__ = "slack_deliveries"
    __table_args__ = (Index("ix_slack_deliveries_seen", "seen_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def database_url(raw: str) -> str:
    """Map the URL forms hosting platforms hand out onto the async drivers."""
    if raw.startswith("postgres://"):
        raw = "postgresql+asyncpg://" + raw.removeprefix("postgres://")
    elif raw.startswith("postgresql://"):
        raw = "postgresql+asyncpg://" + raw.removeprefix("postgresql://")
    elif raw.startswith("sqlite://") and not raw.startswith("sqlite+"):
        raw = "sqlite+aiosqlite://" + raw.removeprefix("sqlite://")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            f"DATABASE_URL {raw!r} is not a database URL: use sqlite:///path/to/file.db or "
            "postgresql://user@host/dbname"
        ) from None
    if url.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise SettingsError(
            f"DATABASE_URL uses {url.drivername!r}: use sqlite:///path/to/file.db or "
            "postgresql://user@host/dbname"
        )
    return url.render_as_string(hide_password=False)


def create_engine(raw_url: str) -> AsyncEngine:
    url = make_url(database_url(raw_url))
    if url.drivername.startswith("sqlite"):
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Switching a new file to WAL needs an exclusive lock, and SQLite may refuse it at once
        # rather than wait when several processes open the file together: try again briefly.
        for attempt in range(WAL_SWITCH_ATTEMPTS):
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                break
            except Exception as error:
                if "locked" not in str(error) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                    raise
                time.sleep(0.05)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock at BEGIN: a deferred transaction that later upgrades its lock
        # fails at once with SQLITE_BUSY instead of waiting, which loses concurrent writes.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration."""
    async with engine.connect() as connection:
        await connection.run_sync(_upgrade)
        await connection.commit()


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    # One transaction for the whole upgrade, begun here so Alembic commits nothing itself: a
    # process starting at the same moment sees the old schema or the new one, never a half.
    # On SQLite the begin takes the write lock (BEGIN IMMEDIATE), so starts queue up.
    if not connection.in_transaction():
        connection.begin()
    if connection.dialect.name == "postgresql":
        # A transaction-level lock: released by the commit or rollback that ends the
        # migration, however it ends, so a failed start cannot leave it held.
        connection.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'"))
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": MIGRATION_LOCK_KEY})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def is_reachable(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
