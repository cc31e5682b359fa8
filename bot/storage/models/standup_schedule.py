"""Tables of a channel's stand-up routine: its schedule and skipped days, the people taking
part, and the reminders already sent for a run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class StandupScheduleRow(Base):
    """A channel's stand-up time: weekdays (bit 0 = Monday) and a wall-clock time in a zone."""

    __tablename__ = "standup_schedules"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", name="uq_standup_schedules_channel"),
        Index("ix_standup_schedules_due", "next_run_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    days: Mapped[int] = mapped_column(Integer)
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    checklist_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    remind_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(32))
    next_run_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    paused_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StandupSkipRow(Base):
    """A local day on which the channel's scheduled stand-up is not posted."""

    __tablename__ = "standup_skips"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class StandupParticipantRow(Base):
    """A person who joined a channel's stand-ups, and so is reminded of them."""

    __tablename__ = "standup_participants"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StandupReminderRow(Base):
    """A reminder claimed for a person and a run: at most one each, whichever process sends."""

    __tablename__ = "standup_reminders"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("standup_runs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
