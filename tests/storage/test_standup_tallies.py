"""Migration 0050 on SQLite and PostgreSQL: stand-up runs answered before it keep their counts
(people, done, blocked, ticks per item), read from their rows, so their messages and reports
are drawn as before."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection

from bot.domain.standup.rows import checklist_json
from bot.domain.standup.service import StandupService
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrate import MIGRATIONS, migrate
from knowledge.models import Checklist, ChecklistItem

BEFORE_TALLIES = "0030"
CHECKLIST = Checklist("test", "Test", "", (ChecklistItem("a", "A?", "1.1"),
                                           ChecklistItem("b", "B?", "2.3")))


MOMENT = bindparam("at", type_=DateTime(timezone=True))


def at(hh_mm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2026-01-05T{hh_mm}:00+00:00")


def _upgrade_to(connection: Connection, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, target)


async def test_runs_answered_before_the_counts_existed_are_counted(empty_database_url):
    engine = create_engine(empty_database_url, migrating=True)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to, BEFORE_TALLIES)
            for run_id in (1, 2):
                await connection.execute(text(
                    "INSERT INTO standup_runs (id, team_id, channel_id, checklist_name, "
                    "checklist_json, started_by, started_at, message_ts, version) VALUES "
                    "(:id, 'T1', 'C1', 'test', :checklist, 'U0', :at, '1.0', 3)"
                ).bindparams(MOMENT), {"id": run_id, "checklist": checklist_json(CHECKLIST),
                                      "at": at("09:00")})
            for user, done, blocked, hh_mm in [("U1", True, False, "09:01"),
                                            ("U2", False, True, "09:02"),
                                            ("U3", True, True, "09:03")]:
                await connection.execute(text(
                    "INSERT INTO standup_responses (run_id, user_id, team_id, done, blocked, "
                    "note, share_note, seen_version, seen_selection, first_at, updated_at) "
                    "VALUES (1, :user, 'T1', :done, :blocked, 'a note', :blocked, 3, '[]', "
                    ":at, :at)").bindparams(MOMENT),
                    {"user": user, "done": done, "blocked": blocked, "at": at(hh_mm)})
            for user, item in [("U1", "a"), ("U1", "b"), ("U3", "a")]:
                await connection.execute(text(
                    "INSERT INTO standup_ticks (run_id, user_id, item_id, team_id) "
                    "VALUES (1, :user, :item, 'T1')"), {"user": user, "item": item})
        await migrate(engine)

        service = StandupService(session_factory(engine))
        answered = await service.summary("T1", 1)
        assert (answered.responded, answered.done, answered.blocked) == (3, 2, 2)
        assert (answered.count("a"), answered.count("b")) == (2, 1)
        assert answered.first_responders == ("U1", "U2", "U3")
        assert [b.user_id for b in answered.first_blocked] == ["U2", "U3"]
        unanswered = await service.summary("T1", 2)
        assert (unanswered.responded, unanswered.ticked) == (0, {})
        # A change after the migration counts on from there.
        await service.tick("T1", 1, "U2", None, ["b"])
        assert (await service.summary("T1", 1)).count("b") == 2
    finally:
        await engine.dispose()
