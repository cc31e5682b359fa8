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
    # The number of the message's latest drawing: the post is drawing 0, each redraw takes the
    # next number, and a click names the drawing its boxes were on.
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped by every change to the run's answers, in the change's own transaction: a drawing
    # of an older revision is out of date.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # Counts kept with the run by every change (bot.domain.standup.tally).
    responded_count: Mapped[int] = mapped_column(Integer, default=0)
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    blocked_count: Mapped[int] = mapped_column(Integer, default=0)
    # {item id: people who ticked it}, as JSON.
    tick_counts: Mapped[str] = mapped_column(Text, default="{}")
    # Set on scheduled runs only: the channel's local day the run is for.
    scheduled_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # When participants who have not answered are reminded; cleared once claimed.
    remind_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)


class StandupResponseRow(Base):
    """One person's answer to a run. `seen_*` is the checkbox state their last click reported
    for message version `seen_version`, from which the next click's change is worked out."""

    __tablename__ = "standup_responses"
    __table_args__ = (
        Index("ix_standup_responses_order", "run_id", "first_at", "user_id"),
    )

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
