"""The table of open forms (modals): where each was opened and what it is about, so a
submission is judged by what the bot stored, not by what the submission says."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class OpenFormRow(Base):
    """A modal the bot opened (its key is the view's external_id): for whom, from which
    channel, about what (JSON)."""

    __tablename__ = "open_forms"
    __table_args__ = (Index("ix_open_forms_opened", "opened_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    form_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    subject_json: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
