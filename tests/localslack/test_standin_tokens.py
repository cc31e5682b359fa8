"""The Slack stand-in's tokens and "Add to Slack": each call answered by its token's workspace,
refused tokens, the authorize page, oauth.v2.access (installs, org-wide installs, rotation),
uninstalls, and slow answers."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.localslack.standin import OAuthApp, SlackStandIn

APP = OAuthApp("111.222", "s3cret", redirect_url="https://bot.example.org/slack/oauth_redirect")
SCOPES = "commands,chat:write"


def client(standin: SlackStandIn, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(base_url=standin.api_url, token=token, retry_handlers=[])


async def refused(call) -> str:
    with pytest.raises(SlackApiError) as info:
        await call
    return info.value.response["error"]


async def approve(standin: SlackStandIn, **query: str) -> tuple[int, dict[str, list[str]]]:
    """Open the authorize page as the installing person; (status, the redirect's query)."""
    query = {"client_id": APP.client_id, "scope": SCOPES, "state": "st4te", **query}
    async with aiohttp.ClientSession() as session, session.get(
            standin.authorize_url, params=query, allow_redirects=False) as page:
        location = page.headers.get("Location", "")
        return page.status, parse_qs(urlsplit(location).query)


async def install(standin: SlackStandIn, app: OAuthApp = APP, **query: str) -> dict:
    status, back = await approve(standin, client_id=app.client_id, **query)
    assert status == 302
    return (await client(standin).oauth_v2_access(
        client_id=app.client_id, client_secret=app.client_secret, code=back["code"][0])).data


async def test_a_token_slack_never_issued_is_refused(standin):
    assert await refused(client(standin, "banana").auth_test()) == "invalid_auth"
    standin.refuse("xoxb-old", "token_revoked")
    assert await refused(client(standin, "xoxb-old").auth_test()) == "token_revoked"
    assert (await client(standin, "xoxb-other").auth_test())["team_id"] == "T0001"
    # A refused token is Slack's answer, not a payload Slack would reject.
    assert standin.invalid == []


async def test_app_level_tokens_open_connections_and_nothing_else(standin):
    def open_with(token: str):
        return client(standin).apps_connections_open(app_token=token)

    assert (await open_with("xapp-1-A1-abc"))["url"].startswith("wss://")
    assert await refused(open_with("xoxb-test")) == "not_allowed_token_type"
    assert await refused(client(standin, "xapp-1-A1-abc").auth_test()) == (
        "not_allowed_token_type")
    assert await refused(open_with("banana")) == "invalid_auth"


async def test_installs_give_each_workspace_its_own_token_and_identity(standin):
    standin.register_app(APP)
    second = standin.add_workspace("T0002", name="Tax office")
    status, back = await approve(standin, team="T0002")
    assert status == 302 and back["state"] == ["st4te"]
    installed = (await client(standin).oauth_v2_access(
        client_id=APP.client_id, client_secret=APP.client_secret, code=back["code"][0])).data
    assert installed["team"] == {"id": "T0002", "name": "Tax office"}
    assert installed["scope"] == SCOPES and installed["token_type"] == "bot"
    assert installed["bot_user_id"] == second.bot_user_id and not installed["enterprise"]
    first = await install(standin)
    assert first["team"]["id"] == "T0001" and first["access_token"] != installed["access_token"]

    who = await client(standin, installed["access_token"]).auth_test()
    assert (who["team_id"], who["user_id"]) == ("T0002", second.bot_user_id)
    assert who.headers["X-OAuth-Scopes"] == SCOPES
    posted = await client(standin, installed["access_token"]).chat_postMessage(
        channel="C1", text="hello")
    assert posted["message"]["team"] == "T0002"
    assert standin.tokens.tokens_of("T0002") == [installed["access_token"]]
    assert standin.calls_to("oauth.v2.access")[0].token is None  # client id and secret instead


async def test_a_code_works_once_and_only_with_the_apps_secret(standin):
    standin.register_app(APP)
    _, back = await approve(standin)
    code = back["code"][0]
    wrong = client(standin).oauth_v2_access(client_id=APP.client_id, client_secret="x",
                                            code=code)
    assert await refused(wrong) == "bad_client_secret"
    await client(standin).oauth_v2_access(client_id=APP.client_id,
                                          client_secret=APP.client_secret, code=code)
    again = client(standin).oauth_v2_access(client_id=APP.client_id,
                                            client_secret=APP.client_secret, code=code)
    assert await refused(again) == "invalid_code"


@pytest.mark.parametrize(("query", "error"), [
    ({"client_id": "999.999"}, "invalid_client_id"),
    ({"team": "T9999"}, "invalid_team"),
    ({"scope": ""}, "invalid_scope"),
])
async def test_the_authorize_page_refuses_what_slack_would(standin, query, error):
    standin.register_app(APP)
    async with aiohttp.ClientSession() as session, session.get(
            standin.authorize_url, allow_redirects=False,
            params={"client_id": APP.client_id, "scope": SCOPES, "state": "s", **query}) as page:
        assert page.status == 400
        assert error in await page.text()


async def test_an_org_wide_install_answers_for_the_org(standin):
    standin.register_app(APP)
    standin.add_workspace("E0001", name="Government")
    installed = await install(standin, team="E0001")
    assert installed["is_enterprise_install"] is True and installed["team"] is None
    assert installed["enterprise"]["id"] == "E0001"
    who = await client(standin, installed["access_token"]).auth_test()
    assert who["enterprise_id"] == "E0001" and who["is_enterprise_install"] is True


async def test_rotating_tokens_expire_and_are_refreshed(standin):
    app = standin.register_app(OAuthApp("333.444", "s", APP.redirect_url, token_rotation=True,
                                        token_lifetime=3600))
    installed = await install(standin, app)
    assert installed["access_token"].startswith("xoxe.xoxb-")
    assert 3590 <= installed["expires_in"] <= 3600 and installed["refresh_token"]
    refreshed = (await client(standin).oauth_v2_access(
        client_id=app.client_id, client_secret=app.client_secret, grant_type="refresh_token",
        refresh_token=installed["refresh_token"])).data
    assert refreshed["access_token"] != installed["access_token"]
    [rotation] = standin.tokens.refreshes
    assert rotation.old_token == installed["access_token"] and rotation.seconds_left > 3500
    bogus = client(standin).oauth_v2_access(client_id=app.client_id, client_secret="s",
                                            grant_type="refresh_token", refresh_token="nope")
    assert await refused(bogus) == "invalid_refresh_token"
    standin.tokens.grants[refreshed["access_token"]].expires_at = time.time() - 1
    assert await refused(client(standin, refreshed["access_token"]).auth_test()) == (
        "token_expired")


async def test_an_uninstall_revokes_that_workspaces_tokens_only(standin):
    standin.register_app(APP)
    standin.add_workspace("T0002")
    gone, kept = await install(standin, team="T0002"), await install(standin)
    standin.uninstall("T0002")
    assert await refused(client(standin, gone["access_token"]).auth_test()) == "token_revoked"
    assert (await client(standin, kept["access_token"]).auth_test())["team_id"] == "T0001"


async def test_delay_answers_a_method_late(standin):
    standin.delay("auth.test", 0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client(standin, "xoxb-test").auth_test()
    assert loop.time() - started >= 0.3
    await client(standin, "xoxb-test").users_info(user="U1")  # other methods are not delayed
    standin.delay("auth.test", 0)
