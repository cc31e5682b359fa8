"""Retro follow-up: deleted actions kept for Undo, due-date reminders sent per person and day,
and an index to find open actions by due date.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retro_trash",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("deleted_by", sa.String(32), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_retro_trash_deleted", "retro_trash", ["deleted_at"])
    op.create_table(
        "retro_due_reminders",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_retro_actions_due", "retro_actions", ["status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_retro_actions_due", "retro_actions")
    op.drop_table("retro_due_reminders")
    op.drop_table("retro_trash")
