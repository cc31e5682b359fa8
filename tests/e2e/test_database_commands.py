"""`principlebot migrate` and `principlebot export` as a user runs them, on DATABASE_URL."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.domain.matcher import Matcher
from bot.domain.retro.service import RetroService
from bot.domain.retro.values import Scope
from bot.storage.engine import create_engine, session_factory
from knowledge.index import PracticeIndex
from tests.utils.paths import REPO


def principlebot(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run([sys.executable, "-m", "bot.runtime.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


async def test_migrate_then_export_what_was_logged(tmp_path, index: PracticeIndex):
    database = tmp_path / "bot.db"
    migrated = principlebot("migrate", database=database)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stderr.strip() == "database is up to date"

    engine = create_engine(f"sqlite:///{database}")
    try:
        retro = RetroService(session_factory(engine), Matcher(index))
        await retro.add(Scope("T1", "C1"), "U1", "Publish our code openly", ["#3.4"])
        await retro.add(Scope("T2", "C9"), "U2", "Another team's action", ["#1"])
    finally:
        await engine.dispose()

    as_json = principlebot("export", "--format", "json", "--team", "T1", database=database)
    assert as_json.returncode == 0, as_json.stderr
    [record] = json.loads(as_json.stdout)
    assert (record["team_id"], record["text"], record["tags"]) == (
        "T1", "Publish our code openly", ["3.4"])

    out = tmp_path / "all.csv"
    as_csv = principlebot("export", "-o", str(out), database=database)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["team_id"], r["number"]) for r in rows] == [("T1", "1"), ("T2", "1")]


def test_a_sqlite_file_that_cannot_be_made_is_one_line_not_a_traceback():
    made = principlebot("migrate", database=Path("/proc/nope/x.db"))
    assert made.returncode == 2
    assert "Traceback" not in made.stderr
    [line] = made.stderr.strip().splitlines()
    assert line.startswith("principlebot: DATABASE_URL names a SQLite file in /proc/nope")
