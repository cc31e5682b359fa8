"""Many workspaces in tests: the bot serving "Add to Slack" with the Slack double as Slack, and
a browser that installs it the way a workspace admin does (install page, Slack's authorize
page, back to the bot with the state cookie)."""

from __future__ import annotations

import contextlib
import dataclasses
import html
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import aiohttp

from bot.domain.clock import Clock
from bot.localslack.standin import OAuthApp, SlackStandIn
from bot.runtime.server import EVENTS_PATH
from bot.runtime.settings import Settings
from handlers.kit.installations import Installations
from knowledge.index import PracticeIndex
from tests.utils.slack import BotClient, Served, serving

APP = OAuthApp(client_id="111.222", client_secret="oauth-s3cret")
STATE_COOKIE = "slack-app-oauth-state"


@dataclass
class Page:
    status: int
    text: str
    headers: dict[str, str]


@dataclass
class Started:
    """An install begun on the install page: its Add to Slack link and the state cookie."""

    page: Page
    link: str
    cookie: str

    @property
    def scopes(self) -> list[str]:
        return parse_qs(urlsplit(self.link).query)["scope"][0].split(",")


@dataclass
class Browser:
    """A workspace admin's browser, installing the bot served at `base`."""

    session: aiohttp.ClientSession
    base: str

    async def get(self, url: str, *, cookie: str | None = None) -> Page:
        headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
        async with self.session.get(url, headers=headers, allow_redirects=False) as response:
            return Page(response.status, await response.text(), dict(response.headers))

    async def start_install(self, team: str | None = None) -> Started:
        page = await self.get(f"{self.base}/slack/install" + (f"?team={team}" if team else ""))
        assert page.status == 200, page.text
        [link] = re.findall(r'href="([^"]+)">Add to Slack', page.text)
        cookie = SimpleCookie(page.headers["Set-Cookie"])[STATE_COOKIE].value
        return Started(page, html.unescape(link), cookie)

    async def approve(self, started: Started) -> str:
        """Allow the install on Slack's page: where Slack sends the browser back to."""
        slack_page = await self.get(started.link)
        assert slack_page.status == 302, slack_page.text
        return slack_page.headers["Location"]

    async def install(self, team: str | None = None) -> Page:
        """The whole install, as a workspace admin does it; the page they end on."""
        started = await self.start_install(team)
        return await self.get(await self.approve(started), cookie=started.cookie)


@dataclass
class Distributed(Browser):
    """The bot serving many workspaces, Slack's side of it, and an admin's browser."""

    served: Served
    bot: BotClient

    @property
    def double(self) -> SlackStandIn:
        return self.bot.double

    @property
    def installations(self) -> Installations:
        clients = self.served.ready.clients
        assert isinstance(clients, Installations)
        return clients


@contextlib.asynccontextmanager
async def serving_workspaces(double: SlackStandIn, index: PracticeIndex, database_url: str,
                             clock: Clock, *, grace_days: float = 30,
                             app: OAuthApp = APP) -> AsyncIterator[Distributed]:
    """The bot as `principlebot serve` runs it with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET,
    the double registered as Slack's record of the app (its redirect URL the bot's)."""
    secret = secrets.token_hex(16)
    settings = Settings(slack_client_id=app.client_id, slack_client_secret=app.client_secret,
                        slack_signing_secret=secret, slack_api_url=double.api_url,
                        slack_authorize_url=double.authorize_url, database_url=database_url,
                        principlebot_uninstall_grace=grace_days)
    async with serving(settings, index, clock) as served, aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar()) as session:
        double.register_app(dataclasses.replace(
            app, redirect_url=f"{served.base}/slack/oauth_redirect"))
        bot = BotClient(served.base + EVENTS_PATH, secret, double, session)
        yield Distributed(session, served.base, served, bot)
        await double.settle()
