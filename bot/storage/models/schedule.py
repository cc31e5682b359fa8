"""The table of weekly retro prompt schedules, one per channel."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class RetroScheduleRow(Base):
    """A channel's weekly retro prompt: a weekday and wall-clock time in an IANA zone."""

    __tablename__ = "retro_schedules"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", name="uq_retro_schedules_channel"),
        Index("ix_retro_schedules_due", "next_run_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int] = mapped_column(Integer)
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(32))
    next_run_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    paused_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
