"""Tables of the workspaces the bot is installed in, when it serves many (SLACK_CLIENT_ID):
Slack's installation records and OAuth states, shaped exactly as slack_sdk's SQLAlchemy stores
read and write them (a test compares), the Enterprise Grid org each workspace belongs to, and
the uninstalls waiting out their grace period before the workspace's data is deleted.

A table whose rows are a workspace's data has a `team_id` column, and is emptied of that
workspace's rows when its grace period ends (bot.storage.purge). The installation tables have
one too, but the uninstall deletes their rows at once: they are marked `KEPT_ON_PURGE`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base

KEPT_ON_PURGE = "kept_on_purge"
"""Table.info flag: rows with a team_id that are not the workspace's data to purge."""



def _bot_columns() -> list[Column]:
    """The bot's token and ids, in both of slack_sdk's installation tables."""
    return [
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


# slack_sdk's AsyncSQLAlchemyInstallationStore: naive UTC DateTime columns, as it writes them.
slack_installations = Table(
    "slack_installations", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id",
          "installed_at"),
    info={KEPT_ON_PURGE: True},
)

slack_bots = Table(
    "slack_bots", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
    info={KEPT_ON_PURGE: True},
)

# slack_sdk's AsyncSQLAlchemyOAuthStateStore: one row per "Add to Slack" started, used once.
slack_oauth_states = Table(
    "slack_oauth_states", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


class WorkspaceTeamRow(Base):
    """A workspace the bot has heard from, and the Enterprise Grid org it is part of: what a
    background job needs to find an org-wide install's token, and an org's uninstall to find
    the workspaces whose data goes."""

    __tablename__ = "workspace_teams"
    __table_args__ = (Index("ix_workspace_teams_enterprise", "enterprise_id"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DepartureRow(Base):
    """An uninstall: the workspace (or, org-wide, the org) whose data is deleted at
    `delete_after` unless it is installed again before."""

    __tablename__ = "workspace_departures"
    __table_args__ = (Index("ix_workspace_departures_due", "delete_after"),)

    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # T… or, org: E…
    enterprise_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    org_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    left_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    delete_after: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
