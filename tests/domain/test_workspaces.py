"""Workspaces leaving and coming back (bot.domain.workspaces) on SQLite and PostgreSQL: the grace
period, a reinstall keeping the data, org-wide uninstalls, and the purge covering every table
with a team_id, whoever added it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from bot.domain.workspaces import WorkspaceService
from bot.storage.engine import session_factory
from bot.storage.models import KEPT_ON_PURGE, slack_oauth_states
from bot.storage.purge import workspace_data_tables
from tests.utils.clock import START
from tests.utils.tables import fill_for_team, rows_by_table, tables_with_team

GONE, STAYS = "T0GONE", "T0STAYS"
ORG = "E0ORG"
GRACE = dt.timedelta(days=30)


@pytest.fixture
def workspaces(engine, clock) -> WorkspaceService:
    return WorkspaceService(session_factory(engine), clock, GRACE)


async def fill(engine, *teams: str) -> None:
    async with engine.begin() as connection:
        for team in teams:
            await fill_for_team(connection, team)


async def rows(engine, team: str) -> dict[str, int]:
    async with engine.connect() as connection:
        return await rows_by_table(connection, team)


def test_every_table_with_a_team_id_is_data_or_marked_kept():
    data = {table.name for table in workspace_data_tables()}
    kept = {table.name for table in tables_with_team() if table.info.get(KEPT_ON_PURGE)}
    assert data | kept == {table.name for table in tables_with_team()}
    assert kept == {"slack_installations", "slack_bots"}
    assert {"retro_actions", "retro_action_tags", "standup_runs", "standup_ticks",
            "retro_schedules", "slack_deliveries", "team_counters", "workspace_teams"} <= data


async def test_data_is_deleted_when_the_grace_is_over_in_every_table(engine, clock, workspaces):
    await fill(engine, GONE, STAYS)
    everything = await rows(engine, STAYS)
    assert set(everything.values()) == {1}, "every table got a row for each team"

    departure = await workspaces.left(None, GONE)
    assert (departure.left_at, departure.delete_after) == (START, START + GRACE)
    clock.advance(days=29, hours=23)
    assert await workspaces.purge_due() == []
    assert await rows(engine, GONE) == everything

    clock.advance(hours=1)
    [purged] = await workspaces.purge_due()
    assert purged.workspace_id == GONE
    data = {table.name for table in workspace_data_tables()}
    assert purged.deleted == dict.fromkeys(data, 1)
    left = await rows(engine, GONE)
    assert {name for name, count in left.items() if count} == everything.keys() - data
    assert await rows(engine, STAYS) == everything  # the other workspace is untouched
    assert await workspaces.pending() == []
    assert await workspaces.purge_due() == []


async def test_a_reinstall_within_the_grace_keeps_the_data(engine, clock, workspaces):
    await fill(engine, GONE)
    before = await rows(engine, GONE)
    await workspaces.left(None, GONE)
    clock.advance(days=10)
    assert await workspaces.returned(None, GONE) == [GONE]
    clock.advance(days=30)
    assert await workspaces.purge_due() == []
    assert await rows(engine, GONE) == before


async def test_a_repeated_uninstall_keeps_the_first_date(clock, workspaces):
    first = await workspaces.left(None, GONE)
    clock.advance(days=3)
    assert await workspaces.left(None, GONE) == first


async def test_no_grace_deletes_at_once(engine, clock):
    at_once = WorkspaceService(session_factory(engine), clock, dt.timedelta(0))
    await fill(engine, GONE, STAYS)
    departure = await at_once.left(None, GONE)
    assert departure.deleted and sum(departure.deleted.values()) == len(workspace_data_tables())
    assert await at_once.pending() == []
    assert set((await rows(engine, STAYS)).values()) == {1}


async def test_an_org_wide_uninstall_covers_the_orgs_workspaces(engine, clock, workspaces):
    await fill(engine, "T0ORG1", "T0ORG2", STAYS)
    await workspaces.seen(ORG, "T0ORG1")
    await workspaces.seen(ORG, "T0ORG2")
    await workspaces.seen(None, STAYS)
    assert await workspaces.enterprise_of("T0ORG2") == ORG
    assert await workspaces.enterprise_of(STAYS) is None

    departure = await workspaces.left(ORG, None)
    assert departure.org_wide and departure.workspace_id == ORG
    clock.advance(days=30)
    [purged] = await workspaces.purge_due()
    data = {table.name for table in workspace_data_tables()}
    assert purged.deleted == dict.fromkeys(data, 2)
    for team in ("T0ORG1", "T0ORG2"):
        assert not any(count for name, count in (await rows(engine, team)).items()
                       if name in data)
    assert set((await rows(engine, STAYS)).values()) == {1}


async def test_an_org_reinstall_cancels_its_workspaces_deletions(workspaces):
    await workspaces.left(ORG, "T0ORG1")
    await workspaces.left(ORG, None)
    await workspaces.left(None, STAYS)
    assert sorted(await workspaces.returned(ORG, None)) == [ORG, "T0ORG1"]
    assert [d.workspace_id for d in await workspaces.pending()] == [STAYS]


async def test_seen_records_a_workspace_moving_into_an_org(engine, clock):
    first = WorkspaceService(session_factory(engine), clock, GRACE)
    await first.seen(None, "T0MOVES")
    later = WorkspaceService(session_factory(engine), clock, GRACE)  # another process
    await later.seen(ORG, "T0MOVES")
    assert await first.enterprise_of("T0MOVES") == ORG


async def test_an_uninstall_names_a_workspace(workspaces):
    with pytest.raises(ValueError, match="workspace"):
        await workspaces.left(None, None)


async def test_expired_install_links_are_forgotten(engine, clock, workspaces):
    naive = clock.now.replace(tzinfo=None)
    async with engine.begin() as connection:
        await connection.execute(insert(slack_oauth_states), [
            {"state": "spent", "expire_at": naive - dt.timedelta(seconds=1)},
            {"state": "live", "expire_at": naive + dt.timedelta(minutes=9)}])
    assert await workspaces.forget_spent_install_links() == 1
    async with engine.connect() as connection:
        assert list(await connection.scalars(select(slack_oauth_states.c.state))) == ["live"]
