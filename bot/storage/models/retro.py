"""Tables of retro actions: the actions, their tags and each team's action counter."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.models.base import Base


class TeamCounter(Base):
    """The next short number (#42) of a team's retro actions."""

    __tablename__ = "team_counters"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class RetroActionRow(Base):
    __tablename__ = "retro_actions"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_retro_actions_team_number"),
        UniqueConstraint("team_id", "request_key", name="uq_retro_actions_team_request"),
        # Read in page order (created_at, number) for a channel, an author, an owner.
        Index("ix_retro_actions_channel", "team_id", "channel_id", "status", "created_at",
              "number"),
        Index("ix_retro_actions_author", "team_id", "author_id", "status", "created_at",
              "number"),
        Index("ix_retro_actions_owner", "team_id", "owner_id", "status", "created_at", "number"),
        # Coverage over a period, of the team or of one channel.
        Index("ix_retro_actions_created", "team_id", "created_at"),
        Index("ix_retro_actions_channel_created", "team_id", "channel_id", "created_at"),
        Index("ix_retro_actions_due", "status", "due_date"),  # due reminders
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="open")
    auto_tagged: Mapped[bool] = mapped_column(Boolean, default=False)
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    permalink: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    tags: Mapped[list[RetroTagRow]] = relationship(
        back_populates="action", cascade="all, delete-orphan", lazy="selectin",
        order_by="RetroTagRow.position",
    )


class RetroTagRow(Base):
    """A tag: a practice id ("4.2") or, when only the principle is known, its number ("4")."""

    __tablename__ = "retro_action_tags"
    __table_args__ = (
        Index("ix_retro_action_tags_principle", "team_id", "principle"),
        # An action's principles from the index alone, for coverage.
        Index("ix_retro_action_tags_action_principle", "action_id", "principle"),
    )

    action_id: Mapped[int] = mapped_column(
        ForeignKey("retro_actions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(8), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    principle: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    action: Mapped[RetroActionRow] = relationship(back_populates="tags")
