"""Two `principlebot serve` processes on one database (SQLite file, PostgreSQL): the jobs that
one process at a time runs (due reminders, housekeeping) run in one of them, the others in both;
a process that stops gives its leases back."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.retro.values import Scope
from bot.runtime.backend import build_backend
from bot.runtime.background import DUE_REMINDERS, HOUSEKEEPING
from bot.runtime.settings import Settings
from bot.storage.dialect import as_utc
from bot.storage.models import JobLeaseRow
from tests.utils.processes import serving

PEOPLE = ("U0JOBA", "U0JOBB", "U0JOBC")
# Zones from UTC-10 to UTC+14: in one of them it is always between 09:00 and 22:59.
ZONES = ("Pacific/Honolulu", "America/New_York", "Europe/London", "Asia/Kolkata",
         "Asia/Tokyo", "Pacific/Kiritimati")


def past_nine() -> str:
    """A zone where today's 09:00 due reminders are under way now."""
    now = dt.datetime.now(dt.UTC)
    return next(zone for zone in ZONES if 9 <= now.astimezone(ZoneInfo(zone)).hour < 23)


async def overdue_actions(database_url: str, index, team_id: str) -> None:
    backend = build_backend(Settings(database_url=database_url), index)
    try:
        await backend.prepare()
        overdue = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)
        for user in PEOPLE:
            await backend.services.retro.add(Scope(team_id, "C0JOBS"), user,
                                             f"an overdue action of {user}", ["#1"],
                                             due_date=overdue)
    finally:
        await backend.close()


async def leases(database_url: str, index) -> dict[str, tuple[str, dt.datetime]]:
    backend = build_backend(Settings(database_url=database_url), index)
    try:
        async with backend.engine.connect() as connection:
            rows = await connection.execute(select(JobLeaseRow.__table__))
            return {row.name: (row.holder, as_utc(row.expires_at)) for row in rows}
    finally:
        await backend.close()


async def test_two_processes_run_due_reminders_and_housekeeping_in_one_of_them(
        tmp_path, slack_double, database_url, index):
    # About 3 s: two real processes start and stop (what is tested), each migrating first.
    for user in PEOPLE:
        slack_double.users[user] = {"tz": past_nine()}
    await overdue_actions(database_url, index, slack_double.team_id)
    settings = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": secrets.token_hex(16),
                "SLACK_API_URL": slack_double.api_url, "DATABASE_URL": database_url,
                "LOG_LEVEL": "INFO"}
    async with serving(tmp_path, "first", **settings), serving(tmp_path, "second", **settings):
        # Both processes are up, so both have made their first pass of every job.
        await slack_double.wait_for("chat.postMessage", len(PEOPLE), timeout=30)
        await slack_double.settle(quiet=0.5, timeout=30)
        held = await leases(database_url, index)
    logs = {name: (tmp_path / f"{name}.stderr").read_text() for name in ("first", "second")}

    # One process looked each person's time zone up and sent each one DM: the other never ran
    # the pass (run in both, each would have asked Slack for every zone).
    assert sorted(c.args["user"] for c in slack_double.calls_to("users.info")) == list(PEOPLE)
    assert sorted(c.args["channel"] for c in slack_double.calls_to("chat.postMessage")) == list(
        PEOPLE)
    for job in (DUE_REMINDERS, HOUSEKEEPING):
        runners = [name for name, log in logs.items() if f"{job}: runs in this process" in log]
        assert len(runners) == 1, (job, logs)
        assert held[job][1] > dt.datetime.now(dt.UTC)
    # Stopped, each process gave back what it held: another would take over at once.
    for job, (_, expires_at) in (await leases(database_url, index)).items():
        assert expires_at <= dt.datetime.now(dt.UTC), job
