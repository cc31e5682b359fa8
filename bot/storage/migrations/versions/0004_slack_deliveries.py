"""Keys of handled Slack deliveries, so retries are recognised by every process.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_deliveries",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("delivery_key", sa.String(255), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_slack_deliveries_seen", "slack_deliveries", ["seen_at"])


def downgrade() -> None:
    op.drop_table("slack_deliveries")
