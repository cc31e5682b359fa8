"""Stand-up runs keep their counts (people who responded, are done, are blocked; ticks per
item) and a revision bumped by every change, so drawing the message reads one row and a few
names instead of every response; responses in order of first response come from an index.
Existing runs are counted from their rows.

Revision ID: 0050
Revises: 0030
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("standup_runs") as table:
        table.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
        table.add_column(sa.Column("responded_count", sa.Integer, nullable=False,
                                   server_default="0"))
        table.add_column(sa.Column("done_count", sa.Integer, nullable=False,
                                   server_default="0"))
        table.add_column(sa.Column("blocked_count", sa.Integer, nullable=False,
                                   server_default="0"))
        table.add_column(sa.Column("tick_counts", sa.Text, nullable=False,
                                   server_default="{}"))
    op.create_index("ix_standup_responses_order", "standup_responses",
                    ["run_id", "first_at", "user_id"])
    _count_existing_runs()


def _count_existing_runs() -> None:
    connection = op.get_bind()
    counts: dict[int, dict[str, object]] = {}
    for run_id, responded, done, blocked in connection.execute(sa.text(
            "SELECT run_id, count(*), "
            "sum(CASE WHEN done THEN 1 ELSE 0 END), sum(CASE WHEN blocked THEN 1 ELSE 0 END) "
            "FROM standup_responses GROUP BY run_id")):
        counts[run_id] = {"responded": responded, "done": done or 0, "blocked": blocked or 0,
                          "ticks": {}}
    for run_id, item_id, ticked in connection.execute(sa.text(
            "SELECT run_id, item_id, count(*) FROM standup_ticks GROUP BY run_id, item_id")):
        counts.setdefault(run_id, {"responded": 0, "done": 0, "blocked": 0, "ticks": {}})
        counts[run_id]["ticks"][item_id] = ticked  # type: ignore[index]
    if counts:
        connection.execute(sa.text(
            "UPDATE standup_runs SET responded_count = :responded, done_count = :done, "
            "blocked_count = :blocked, tick_counts = :ticks WHERE id = :run_id"),
            [{"run_id": run_id, "responded": c["responded"], "done": c["done"],
              "blocked": c["blocked"], "ticks": json.dumps(c["ticks"], sort_keys=True)}
             for run_id, c in counts.items()])


def downgrade() -> None:
    op.drop_index("ix_standup_responses_order", table_name="standup_responses")
    with op.batch_alter_table("standup_runs") as table:
        for column in ("tick_counts", "blocked_count", "done_count", "responded_count",
                       "revision"):
            table.drop_column(column)
