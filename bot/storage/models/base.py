"""The declarative base every table derives from. Every row carries its Slack team id."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
