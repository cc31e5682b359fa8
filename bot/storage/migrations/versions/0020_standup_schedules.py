"""Stand-ups on a schedule: the schedule and skipped days of a channel, its participants, the
reminders sent per run, and on each run the local day it was scheduled for and when to remind.

Revision ID: 0020
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standup_schedules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("minute", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("checklist_name", sa.String(64), nullable=True),
        sa.Column("remind_minutes", sa.Integer, nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_reason", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "channel_id", name="uq_standup_schedules_channel"),
    )
    op.create_index("ix_standup_schedules_due", "standup_schedules", ["next_run_at"])
    op.create_table(
        "standup_skips",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
    )
    op.create_table(
        "standup_participants",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "standup_reminders",
        sa.Column("run_id", sa.Integer,
                  sa.ForeignKey("standup_runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("standup_runs") as table:
        table.add_column(sa.Column("scheduled_day", sa.Date, nullable=True))
        table.add_column(sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("uq_standup_runs_scheduled_day", "standup_runs",
                    ["team_id", "channel_id", "scheduled_day"], unique=True)
    op.create_index("ix_standup_runs_remind", "standup_runs", ["remind_at"])


def downgrade() -> None:
    op.drop_index("ix_standup_runs_remind", "standup_runs")
    op.drop_index("uq_standup_runs_scheduled_day", "standup_runs")
    with op.batch_alter_table("standup_runs") as table:
        table.drop_column("remind_at")
        table.drop_column("scheduled_day")
    for name in ("standup_reminders", "standup_participants", "standup_skips",
                 "standup_schedules"):
        op.drop_table(name)
