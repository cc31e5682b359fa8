"""Tables of stand-up runs: the run (with its checklist as it was), responses and ticks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class StandupRunRow(Base):
    __tablename__ = "standup_runs"
    __table_args__ = (
        Index("ix_standup_runs_channel", "team_id", "channel_id", "started_at"),
        # One scheduled run per channel and local day, whichever process posts it.
        Index("uq_standup_runs_scheduled_day", "team_id", "channel_id", "scheduled_day",
              unique=True),
        Index("ix_standup_runs_remind", "remind_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    checklist_name: Mapped[str] = mapped_column(String(64))
    # The checklist as it was when the run started, so later edits don't rewrite history.
    checklist_json: Mapped[str] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Set on scheduled runs only: the channel's local day the run is for.
    scheduled_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # When participants who have not answered are reminded; cleared once claimed.
    remind_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)


class StandupResponseRow(Base):
    """One person's answer to a run. `seen_*` is the checkbox state their last click reported
    for message version `seen_version`, from which the next click's change is worked out."""

    __tablename__ = "standup_responses"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("standup_runs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    share_note: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_version: Mapped[int] = mapped_column(Integer, default=-1)
    seen_selection: Mapped[str] = mapped_column(Text, default="[]")
    first_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StandupTickRow(Base):
    __tablename__ = "standup_ticks"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("standup_runs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
