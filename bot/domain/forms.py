"""Open forms: a modal's context kept by the bot. Before a modal opens, the bot stores who it
is for, the channel it was opened from (the verified request's) and what it is about, under a
random key the modal carries as its external_id; a submission is judged by that stored row and
the person submitting, never by the modal's private_metadata or anything else a client could
change.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock, utcnow
from bot.domain.deliveries import writing
from bot.domain.errors import DomainError
from bot.storage.dialect import as_utc
from bot.storage.models import OpenFormRow

# A form left open longer than this is answered as expired.
KEEP = dt.timedelta(days=1)


class FormExpired(DomainError):
    """No form of this person with this id is open (expired, or never opened by the bot)."""


@dataclass(frozen=True)
class Form:
    team_id: str
    key: str
    user_id: str
    channel_id: str
    subject: dict[str, str] = field(default_factory=dict)


class FormService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def remember(self, form: Form) -> None:
        async with writing(self._sessions, form.team_id, self._clock) as session:
            session.add(OpenFormRow(team_id=form.team_id, form_key=form.key[:64],
                                    user_id=form.user_id, channel_id=form.channel_id,
                                    subject_json=json.dumps(form.subject),
                                    opened_at=self._clock()))

    async def recall(self, team_id: str, key: str, user_id: str) -> Form:
        """The form of `key` opened for `user_id`; FormExpired when there is none."""
        async with self._sessions() as session:
            row = await session.scalar(select(OpenFormRow).where(
                OpenFormRow.team_id == team_id, OpenFormRow.form_key == key[:64],
                OpenFormRow.user_id == user_id))
        if row is None or as_utc(row.opened_at) < self._clock() - KEEP:
            raise FormExpired("This form has expired. Close it and open it again.")
        return Form(row.team_id, row.form_key, row.user_id, row.channel_id,
                    json.loads(row.subject_json))

    async def forget_older_than(self, moment: dt.datetime) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(OpenFormRow).where(
                OpenFormRow.opened_at < moment))
            return int(result.rowcount or 0)
