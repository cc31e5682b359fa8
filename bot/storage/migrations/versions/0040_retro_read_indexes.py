"""Indexes that keep a big team's reads flat: a person's actions (as author, as owner), a
channel's page in display order, a channel's period, and an action's principles.

Revision ID: 0040
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0040"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The page order is (created_at, number): with number in the index a page is read in order.
    op.drop_index("ix_retro_actions_channel", table_name="retro_actions")
    op.create_index("ix_retro_actions_channel", "retro_actions",
                    ["team_id", "channel_id", "status", "created_at", "number"])
    op.create_index("ix_retro_actions_channel_created", "retro_actions",
                    ["team_id", "channel_id", "created_at"])
    op.create_index("ix_retro_actions_author", "retro_actions",
                    ["team_id", "author_id", "status", "created_at", "number"])
    op.create_index("ix_retro_actions_owner", "retro_actions",
                    ["team_id", "owner_id", "status", "created_at", "number"])
    # Coverage reaches the tags of the actions in its period: (action, principle) answers it
    # from the index alone.
    op.create_index("ix_retro_action_tags_action_principle", "retro_action_tags",
                    ["action_id", "principle"])


def downgrade() -> None:
    op.drop_index("ix_retro_action_tags_action_principle", table_name="retro_action_tags")
    op.drop_index("ix_retro_actions_owner", table_name="retro_actions")
    op.drop_index("ix_retro_actions_author", table_name="retro_actions")
    op.drop_index("ix_retro_actions_channel_created", table_name="retro_actions")
    op.drop_index("ix_retro_actions_channel", table_name="retro_actions")
    op.create_index("ix_retro_actions_channel", "retro_actions",
                    ["team_id", "channel_id", "status", "created_at"])
