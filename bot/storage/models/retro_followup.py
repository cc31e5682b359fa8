"""Tables that follow retro actions up: deleted actions kept a few minutes for Undo, and the
due-date reminders already sent (one per person per local day)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class RetroTrashRow(Base):
    """A deleted action as it was (JSON), so Undo can put it back with its number and tags."""

    __tablename__ = "retro_trash"
    __table_args__ = (Index("ix_retro_trash_deleted", "deleted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)
    deleted_by: Mapped[str] = mapped_column(String(32))
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RetroDueReminderRow(Base):
    """The due-date reminder of a person for a local day, claimed before it is sent."""

    __tablename__ = "retro_due_reminders"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
