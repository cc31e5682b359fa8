"""Stand-up runs, each person's ticks, and each person's response (done, blocked, note).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standup_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("checklist_name", sa.String(64), nullable=False),
        sa.Column("checklist_json", sa.Text, nullable=False),
        sa.Column("started_by", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_standup_runs_channel", "standup_runs",
                    ["team_id", "channel_id", "started_at"])
    op.create_table(
        "standup_responses",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("standup_runs.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("blocked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("share_note", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("seen_version", sa.Integer, nullable=False, server_default="-1"),
        sa.Column("seen_selection", sa.Text, nullable=False, server_default="[]"),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "standup_ticks",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("standup_runs.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("item_id", sa.String(40), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("standup_ticks")
    op.drop_table("standup_responses")
    op.drop_table("standup_runs")
