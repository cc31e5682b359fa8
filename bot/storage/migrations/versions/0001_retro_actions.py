"""Retro actions, their tags, and per-team action numbers.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_counters",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "retro_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author_id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("auto_tagged", sa.Boolean, nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("permalink", sa.Text, nullable=True),
        sa.Column("request_key", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("team_id", "number", name="uq_retro_actions_team_number"),
        sa.UniqueConstraint("team_id", "request_key", name="uq_retro_actions_team_request"),
    )
    op.create_index("ix_retro_actions_channel", "retro_actions",
                    ["team_id", "channel_id", "status", "created_at"])
    op.create_index("ix_retro_actions_created", "retro_actions", ["team_id", "created_at"])
    op.create_table(
        "retro_action_tags",
        sa.Column("action_id", sa.Integer,
                  sa.ForeignKey("retro_actions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.String(8), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("principle", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_retro_action_tags_principle", "retro_action_tags",
                    ["team_id", "principle"])


def downgrade() -> None:
    op.drop_table("retro_action_tags")
    op.drop_table("retro_actions")
    op.drop_table("team_counters")
