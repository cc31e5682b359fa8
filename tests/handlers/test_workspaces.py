"""Many workspaces through the real app over HTTP, with the Slack double as Slack: installs
through /slack/install and /slack/oauth_redirect, each workspace answered with its own token
and its data never shown in another, forged and replayed states refused, uninstalls deleting
the installation at once and the data after the grace period (the clock injected), token
rotation, and an Enterprise Grid org-wide install."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from bot.localslack import signed_requests as slack
from bot.localslack.standin import SlackStandIn
from bot.runtime.app import NOT_INSTALLED
from bot.runtime.background import housekeeping
from bot.storage.purge import workspace_data_tables
from handlers.kit.scopes import needed_scopes
from knowledge.index import PracticeIndex
from tests.utils.clock import Clock
from tests.utils.retro import add, everything, posts_to
from tests.utils.slack import ACTOR, serving_bot, shown
from tests.utils.tables import rows_by_table
from tests.utils.workspaces import APP, Distributed, serving_workspaces

T1 = slack.Actor(team_id="T0001", channel_id="C0001", user_id="U0101")
# The same channel id in another workspace: ids are only unique within one.
T2 = slack.Actor(team_id="T0002", channel_id="C0001", user_id="U0201")


@pytest.fixture
async def bot(slack_double: SlackStandIn, index: PracticeIndex, database_url: str,
              clock: Clock):
    slack_double.add_workspace("T0002", name="Tax office")
    async with serving_workspaces(slack_double, index, database_url, clock) as distributed:
        yield distributed


async def standup_token(bot: Distributed, actor: slack.Actor) -> str:
    """Start a stand-up (`/standup new`: another today is fine) in the actor's channel: the
    token its checklist was posted with."""
    before = len(bot.double.calls_to("chat.postMessage"))
    reply, _ = await bot.bot.command("new", "/standup", actor=actor)
    assert reply.status == 200, reply.raw
    posted = (await bot.double.wait_for("chat.postMessage", before + 1))[before]
    return posted.token or ""


async def test_each_workspace_is_answered_with_its_own_token_and_sees_its_own_data(bot):
    started = await bot.start_install()
    assert started.scopes == needed_scopes()  # the manifest's list, checked in test_scopes
    assert "chat:write" in started.page.text  # the install page says what it asks for
    first = await bot.get(await bot.approve(started), cookie=started.cookie)
    second = await bot.install(team="T0002")
    assert first.status == second.status == 200
    assert "principlebot is now in Stand-in Workspace" in first.text
    assert "principlebot is now in Tax office" in second.text
    [token_1] = bot.double.tokens.tokens_of("T0001")
    [token_2] = bot.double.tokens.tokens_of("T0002")
    installs_checked = len(bot.double.calls_to("auth.test"))

    assert await standup_token(bot, T1) == token_1
    assert await standup_token(bot, T2) == token_2
    for actor, token in ((T1, token_1), (T2, token_2)):
        before = len(bot.double.calls_to("chat.postMessage"))
        await bot.bot.event(slack.message_event(actor, "vendor lock-in?", mention="UBOT"),
                            actor=actor)
        answer = (await bot.double.wait_for("chat.postMessage", before + 1))[before]
        assert answer.token == token and "Favouring open standards" in shown(answer.args)

    await add(bot.bot, "Publish our code #3", T1)
    await add(bot.bot, "Ask users only once #10", T2)
    assert [a["text"] for a in await everything(bot.bot, T1)] == ["Publish our code"]
    assert [a["text"] for a in await everything(bot.bot, T2)] == ["Ask users only once"]
    # Requests are authorized from the stored installation: no auth.test per request.
    assert len(bot.double.calls_to("auth.test")) == installs_checked
    assert {(await bot.installations.for_team(team)).token
            for team in ("T0001", "T0002")} == {token_1, token_2}


def logged(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if words in r.getMessage()]


async def until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait for work Bolt runs after the ack (an event's listener) to show its effect."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the listener did not finish in time"
        await asyncio.sleep(0.01)


async def data_rows(bot: Distributed, team: str) -> dict[str, int]:
    async with bot.served.backend.engine.connect() as connection:
        counts = await rows_by_table(connection, team)
    return {table.name: counts[table.name] for table in workspace_data_tables()}


# Bookkeeping that housekeeping forgets after a day whether or not the workspace left.
EXPIRING = frozenset({"slack_deliveries", "open_forms"})


def lasting(rows: dict[str, int]) -> dict[str, int]:
    return {table: count for table, count in rows.items() if table not in EXPIRING}


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


async def test_a_forged_replayed_or_foreign_state_is_refused(bot):
    started = await bot.start_install()
    back = await bot.approve(started)
    # Another browser (no state cookie): refused, and the state is still good for this one.
    foreign = await bot.get(back)
    assert foreign.status == 400 and "another browser" in foreign.text
    # A state the bot never issued, with a cookie to match.
    forged = await bot.get(_with_query(back, state="forged"), cookie="forged")
    assert forged.status == 401 and "already been used" in forged.text

    assert (await bot.get(back, cookie=started.cookie)).status == 200
    replayed = await bot.get(back, cookie=started.cookie)
    assert replayed.status == 401 and "already been used" in replayed.text
    assert len(bot.double.calls_to("oauth.v2.access")) == 1  # only the genuine one
    cancelled = await bot.get(_with_query(back, error="access_denied"), cookie=started.cookie)
    assert "cancelled" in cancelled.text and "/slack/install" in cancelled.text


async def test_an_uninstall_deletes_the_installation_at_once_and_the_data_after_the_grace(
        bot, clock, caplog):
    await bot.install()
    await bot.install(team="T0002")
    await add(bot.bot, "Publish our code #3", T1)
    await add(bot.bot, "Ask users only once #10", T2)
    await standup_token(bot, T2)

    bot.double.uninstall("T0002")
    with caplog.at_level(logging.INFO, logger="principlebot"):
        assert (await bot.bot.send(slack.app_uninstalled(T2))).status == 200
        await until(lambda: logged(caplog, "uninstalled"))  # the listener runs after the ack
    [line] = logged(caplog, "uninstalled")
    assert line == ("uninstalled from T0002: installation and bot token deleted; its data will "
                    "be deleted on 2025-04-02 09:00 UTC unless it installs the app again before")
    assert await bot.installations.for_team("T0002") is None  # background jobs skip it
    calls = len(bot.double.calls)
    reply, url = await bot.bot.command("help", "/retro", actor=T2)
    [told] = await posts_to(bot.bot, url, 1)
    assert reply.status == 200 and told.args["text"] == NOT_INSTALLED
    assert [call.method for call in bot.double.calls[calls:]] == ["response_url"]

    kept = lasting(await data_rows(bot, "T0002"))
    assert kept["retro_actions"] == kept["standup_runs"] == 1
    clock.advance(days=29)
    await housekeeping(bot.served.backend.services)
    assert lasting(await data_rows(bot, "T0002")) == kept
    clock.advance(days=1)
    await housekeeping(bot.served.backend.services)
    assert set((await data_rows(bot, "T0002")).values()) == {0}
    # The other workspace is untouched, and still served.
    assert (await data_rows(bot, "T0001"))["retro_actions"] == 1
    assert [a["text"] for a in await everything(bot.bot, T1)] == ["Publish our code"]


async def test_a_reinstall_within_the_grace_keeps_the_history(bot, clock, caplog):
    await bot.install(team="T0002")
    await add(bot.bot, "Ask users only once #10", T2)
    bot.double.uninstall("T0002")
    with caplog.at_level(logging.INFO, logger="principlebot"):
        await bot.bot.send(slack.tokens_revoked(T2, ["UB0002"]))
        await until(lambda: logged(caplog, "uninstalled from T0002"))
    assert await bot.installations.for_team("T0002") is None

    clock.advance(days=20)
    assert (await bot.install(team="T0002")).status == 200
    clock.advance(days=30)
    await housekeeping(bot.served.backend.services)
    assert [a["text"] for a in await everything(bot.bot, T2)] == ["Ask users only once"]


async def test_a_rotating_token_is_refreshed_before_it_expires(
        slack_double, index, database_url, clock):
    slack_double.add_workspace("T0002")
    # T0002's tokens live an hour: inside the two hours before expiry when they are refreshed.
    slack_double.tokens.lifetimes["T0002"] = 3600
    rotating = dataclasses.replace(APP, token_rotation=True)
    async with serving_workspaces(slack_double, index, database_url, clock,
                                  app=rotating) as bot:
        await bot.install()
        await bot.install(team="T0002")
        [installed_1] = slack_double.tokens.tokens_of("T0001")
        [installed_2] = slack_double.tokens.tokens_of("T0002")
        slack_double.tokens.lifetimes["T0002"] = 12 * 3600  # the refreshed one lives longer

        assert await standup_token(bot, T1) == installed_1  # twelve hours left: kept
        refreshed = await standup_token(bot, T2)
        [rotation] = slack_double.tokens.refreshes
        assert (rotation.old_token, rotation.new_token) == (installed_2, refreshed)
        assert rotation.seconds_left > 3000  # refreshed before it expired
        assert await standup_token(bot, T2) == refreshed  # stored: no second refresh
        assert (await bot.installations.for_team("T0002")).token == refreshed
        assert len(slack_double.tokens.refreshes) == 1


@pytest.mark.parametrize("named", [None, "T0011"], ids=["no-team", "team-named"])
async def test_an_org_wide_install_serves_the_orgs_workspaces_each_with_its_own_data(
        slack_double, index, sqlite_url_copy, clock, caplog, named):
    slack_double.add_workspace("E0001", name="Government")
    slack_double.tokens.org_install_team = named  # as some org-wide installs were seen to
    home_office = slack.Actor(team_id="T0011", user_id="U0011", enterprise_id="E0001",
                              org_install=True)
    tax_office = slack.Actor(team_id="T0012", user_id="U0012", enterprise_id="E0001",
                             org_install=True)
    async with serving_workspaces(slack_double, index, sqlite_url_copy, clock,
                                  grace_days=0) as bot:
        page = await bot.install(team="E0001")
        assert "principlebot is now in Government" in page.text
        assert "manage/organization/apps/profile/ASTANDIN/workspaces/add" in page.text
        [org_token] = slack_double.tokens.tokens_of("E0001")

        assert await standup_token(bot, home_office) == org_token
        assert await standup_token(bot, tax_office) == org_token
        await add(bot.bot, "Publish our code #3", home_office)
        await add(bot.bot, "Ask users only once #10", tax_office)
        assert [a["text"] for a in await everything(bot.bot, tax_office)] == [
            "Ask users only once"]
        # Background jobs find the org's token from the workspace alone.
        assert (await bot.installations.for_team("T0011")).token == org_token

        slack_double.uninstall("E0001")
        with caplog.at_level(logging.INFO, logger="principlebot"):
            await bot.bot.send(slack.app_uninstalled(home_office))
            await until(lambda: logged(caplog, "uninstalled from E0001"))
        assert await bot.installations.for_team("T0011") is None
        for team in ("T0011", "T0012"):  # no grace: both workspaces' data went at once
            assert set((await data_rows(bot, team)).values()) == {0}


async def test_with_one_workspace_an_uninstall_is_one_line_and_deletes_nothing(
        slack_double, index, sqlite_url_copy, caplog):
    async with serving_bot(slack_double, index, sqlite_url_copy) as one:
        await add(one, "Publish our code #3")
        with caplog.at_level(logging.INFO, logger="principlebot"):
            assert (await one.send(slack.app_uninstalled(ACTOR))).status == 200
            await until(lambda: logged(caplog, "uninstalled"))
        assert logged(caplog, "uninstalled") == [
            "uninstalled from T0001: SLACK_BOT_TOKEN no longer works; install the app again "
            "and set its new token"]
        assert logged(caplog, "delet") == []
        assert [a["text"] for a in await everything(one)] == ["Publish our code"]
