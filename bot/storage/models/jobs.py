"""The table of background jobs that one bot process at a time runs: who runs each, until when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class JobLeaseRow(Base):
    """The lease on a job: `holder` (a bot process) runs it until `expires_at` unless it
    renews the lease; after that any process may take it."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
