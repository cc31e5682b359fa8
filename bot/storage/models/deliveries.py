"""The table of Slack deliveries already handled, for recognising retries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class SlackDeliveryRow(Base):
    """A Slack delivery already handled (event id, view id), for recognising retries."""

    __tablename__ = "slack_deliveries"
    __table_args__ = (Index("ix_slack_deliveries_seen", "seen_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
