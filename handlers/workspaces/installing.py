""""Add to Slack": Bolt's OAuth v2 flow with the bot's own pages.

`GET /slack/install` shows the install page and sets the state cookie; Slack sends the person
back to `GET /slack/oauth_redirect`, where the state is checked (this browser's cookie, issued
here, unexpired, used once), the code exchanged for the workspace's bot token at
`oauth.v2.access`, the installation saved, and a page says what happened and what to do next.
An install of a workspace that left within its grace period cancels the deletion of its data.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.workspaces import WorkspaceService
from handlers.kit.installations import Installations
from handlers.kit.scopes import SCOPE_REASONS, needed_scopes
from handlers.workspaces import pages

logger = logging.getLogger("principlebot")

HTML = "text/html; charset=utf-8"


class InstallFlow(AsyncOAuthFlow):
    """Bolt's flow, showing the bot's install page."""

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return pages.install_page(url, {scope: SCOPE_REASONS[scope]
                                        for scope in self.settings.scopes or []})

    async def store_installation(self, request: AsyncBoltRequest,
                                 installation: Installation) -> None:
        # An org-wide install is found by its org alone (team None): should Slack name the
        # workspace it was started from, storing it would hide the install from every lookup.
        if installation.is_enterprise_install:
            installation.team_id = None
        await super().store_installation(request, installation)

    async def build_authorize_url(self, state: str, request: AsyncBoltRequest) -> str:
        # `?team=` preselects the workspace; quoted, so it cannot add parameters of its own.
        team = (request.query.get("team") or [None])[0]
        return self.settings.authorize_url_generator.generate(
            state=state, team=quote(team, safe="") if team else None)


def install_flow(*, client: AsyncWebClient, client_id: str, client_secret: str,
                 authorize_url: str, installations: Installations,
                 state_store: AsyncOAuthStateStore, workspaces: WorkspaceService
                 ) -> InstallFlow:
    """The flow asking for exactly the scopes the code needs (handlers.kit.scopes)."""

    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        found: Installation = args.installation
        team_id = None if found.is_enterprise_install else found.team_id
        kept = await workspaces.returned(found.enterprise_id, team_id)
        await workspaces.seen(found.enterprise_id, team_id)
        where = team_id or found.enterprise_id
        logger.info("installed in %s (%s)%s", where, found.team_name or found.enterprise_name,
                    "; its data is kept" if kept else "")
        org_admin = (f"{found.enterprise_url}manage/organization/apps/profile/{found.app_id}/"
                     "workspaces/add" if found.is_enterprise_install and found.enterprise_url
                     else None)
        page = pages.success_page(found.team_name or found.enterprise_name or "your workspace",
                                  f"slack://app?team={where}&id={found.app_id}", org_admin)
        return _page(args.settings, 200, page)

    async def refused(args: AsyncFailureArgs) -> BoltResponse:
        logger.warning("an install failed: %s%s", args.reason,
                       f" ({args.error})" if args.error else "")
        return _page(args.settings, args.suggested_status_code, pages.failure_page(args.reason))

    settings = AsyncOAuthSettings(
        client_id=client_id, client_secret=client_secret, scopes=needed_scopes(),
        user_scopes=[], authorization_url=authorize_url, installation_store=installations.store,
        state_store=state_store, callback_options=AsyncCallbackOptions(installed, refused),
        install_path=pages.INSTALL_PATH, redirect_uri_path="/slack/oauth_redirect",
        logger=logger,
    )
    return InstallFlow(client=client, logger=logger, settings=settings)


def _page(settings: AsyncOAuthSettings, status: int, html: str) -> BoltResponse:
    """A page that also clears the state cookie: it is spent either way."""
    return BoltResponse(status=status, body=html, headers={
        "Content-Type": HTML, "Set-Cookie": settings.state_utils.build_set_cookie_for_deletion()})
