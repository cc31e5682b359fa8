"""Open forms: where each modal was opened and what it is about, for judging its submission.

Revision ID: 0010
Revises: 0040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_forms",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("form_key", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("subject_json", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_open_forms_opened", "open_forms", ["opened_at"])


def downgrade() -> None:
    op.drop_table("open_forms")
