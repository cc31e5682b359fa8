"""Bringing a database to the newest schema: the Alembic migrations in bot/storage/migrations.

All pending migrations apply in one transaction, under an advisory lock on PostgreSQL, so
replicas starting together never see half a schema.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed 64-bit number; the same in every process of the bot.
MIGRATION_LOCK_KEY = 7_418_220_001
MIGRATION_LOCK_TIMEOUT = "120s"


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
