"""The installation and OAuth state tables, made by the bot's migrations, are the ones
slack_sdk's SQLAlchemy stores expect: the same columns, and a save and find on SQLite and
PostgreSQL."""

from __future__ import annotations

import time

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from bot.storage.models import slack_bots, slack_installations, slack_oauth_states


def shape(table: Table) -> tuple[dict, set]:
    columns = {column.name: (type(column.type).__name__, getattr(column.type, "length", None),
                             column.nullable, column.primary_key)
               for column in table.columns}
    return columns, {(index.name, tuple(index.columns.keys())) for index in table.indexes}


@pytest.mark.parametrize(("ours", "theirs"), [
    (slack_installations, AsyncSQLAlchemyInstallationStore.build_installations_table),
    (slack_bots, AsyncSQLAlchemyInstallationStore.build_bots_table),
    (slack_oauth_states, AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table),
], ids=["installations", "bots", "oauth_states"])
def test_the_tables_are_shaped_as_slack_sdk_builds_them(ours, theirs):
    assert shape(ours) == shape(theirs(MetaData(), ours.name))


async def test_slack_sdks_stores_work_on_the_migrated_database(engine):
    store = AsyncSQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    await store.async_save(Installation(
        app_id="A1", enterprise_id=None, team_id="T1", team_name="Tax office", user_id="U1",
        bot_token="xoxe.xoxb-1", bot_id="B1", bot_user_id="UB1", bot_scopes="commands",
        bot_refresh_token="xoxe-1", bot_token_expires_in=3600))
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxe.xoxb-1"
    assert abs(found.bot_token_expires_at - (time.time() + 3600)) < 60
    assert (await store.async_find_bot(enterprise_id=None, team_id="T1")).bot_id == "B1"
    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None

    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
