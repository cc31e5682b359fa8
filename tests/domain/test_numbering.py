"""A new action's number (bot.domain.retro.numbering) on SQLite and PostgreSQL: the counter, the
action and its tags are written together or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.domain.retro.numbering import insert_numbered
from bot.storage.engine import session_factory
from tests.utils.clock import START


def action(team_id: str, request_key: str | None = None) -> dict:
    return {"team_id": team_id, "channel_id": "C1", "author_id": "U1", "owner_id": None,
            "text": "an action", "status": "open", "auto_tagged": False, "due_date": None,
            "permalink": None, "request_key": request_key, "created_at": START,
            "updated_at": START}


async def stored(engine, team_id: str) -> list[tuple[int, str]]:
    async with engine.connect() as connection:
        result = await connection.execute(text(
            "SELECT a.number, coalesce(t.tag, '-') FROM retro_actions a LEFT JOIN "
            "retro_action_tags t ON t.action_id = a.id WHERE a.team_id = :team "
            "ORDER BY a.number, t.position"), {"team": team_id})
        return [(int(number), tag) for number, tag in result]


async def test_numbers_follow_each_team_and_tags_keep_their_order(engine):
    sessions = session_factory(engine)
    assert await insert_numbered(sessions, action("T1"), [("4.2", 4), ("3", 3)]) == 1
    assert await insert_numbered(sessions, action("T1"), []) == 2
    assert await insert_numbered(sessions, action("T2"), [("1", 1)]) == 1
    assert await insert_numbered(sessions, action("T1"), [("7.1", 7)]) == 3
    assert await stored(engine, "T1") == [(1, "4.2"), (1, "3"), (2, "-"), (3, "7.1")]
    assert await stored(engine, "T2") == [(1, "1")]


async def test_a_refused_action_takes_no_number_and_leaves_nothing(engine):
    sessions = session_factory(engine)
    assert await insert_numbered(sessions, action("T1", "request-1"), [("4", 4)]) == 1
    with pytest.raises(IntegrityError):
        await insert_numbered(sessions, action("T1", "request-1"), [("5", 5)])
    assert await insert_numbered(sessions, action("T1", "request-2"), [("6", 6)]) == 2
    assert await stored(engine, "T1") == [(1, "4"), (2, "6")]
