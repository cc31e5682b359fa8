"""The bot token of each workspace the bot is installed in, when it serves many: read from the
installation store for every Slack request (Bolt's authorize) and for background jobs (the
`TeamClients` of handlers.kit.clients), and refreshed before it expires when the app rotates
tokens.

A workspace's own install is preferred; a workspace of an Enterprise Grid org installed
org-wide uses the org's. No `auth.test` per request: the installation holds the bot's ids.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.workspaces import WorkspaceService

logger = logging.getLogger("principlebot")

# Refresh a rotating token this long before it expires (Bolt's default).
REFRESH_MINUTES_BEFORE_EXPIRY = 120


class Installations(AsyncAuthorize):
    """Bolt's authorize for a bot installed in many workspaces, and their clients by team."""

    def __init__(self, store: AsyncInstallationStore, rotator: AsyncTokenRotator,
                 workspaces: WorkspaceService,
                 client_for: Callable[[str], AsyncWebClient]) -> None:
        self.store = store
        self._rotator = rotator
        self._workspaces = workspaces
        self._client_for = client_for
        self._refreshing: dict[tuple[str | None, str | None], asyncio.Lock] = {}

    async def __call__(self, *, context: AsyncBoltContext, enterprise_id: str | None,
                       team_id: str | None, user_id: str | None,
                       **_: str | None) -> AuthorizeResult | None:
        try:
            installation = await self.installation(enterprise_id, team_id)
        except SlackTokenRotationError as error:
            logger.error("could not refresh the token of %s: %s", team_id or enterprise_id,
                         error)
            return None
        if installation is None or not installation.bot_token:
            return None
        await self._workspaces.seen(enterprise_id, team_id)
        return AuthorizeResult(
            enterprise_id=installation.enterprise_id, team_id=installation.team_id,
            team=installation.team_name, bot_user_id=installation.bot_user_id,
            bot_id=installation.bot_id, bot_token=installation.bot_token,
            bot_scopes=installation.bot_scopes, user_id=user_id)

    async def for_team(self, team_id: str) -> AsyncWebClient | None:
        """A client with the workspace's bot token; None when the bot is not installed there.
        Raises SlackTokenRotationError when a due refresh fails."""
        enterprise_id = await self._workspaces.enterprise_of(team_id)
        installation = await self.installation(enterprise_id, team_id)
        if installation is None or not installation.bot_token:
            return None
        return self._client_for(installation.bot_token)

    async def installation(self, enterprise_id: str | None,
                           team_id: str | None) -> Installation | None:
        """The installation serving the workspace, its token refreshed when about to expire."""
        found = await self._find(enterprise_id, team_id)
        if found is None or not _expiring(found):
            return found
        # One refresh at a time per installation in this process (an org's workspaces share
        # one); whoever waited finds the refreshed token and keeps it.
        lock = self._refreshing.setdefault((found.enterprise_id, found.team_id), asyncio.Lock())
        async with lock:
            found = await self._find(enterprise_id, team_id)
            if found is None or not _expiring(found):
                return found
            refreshed = await self._rotator.perform_token_rotation(
                installation=found, minutes_before_expiration=REFRESH_MINUTES_BEFORE_EXPIRY)
            if refreshed is None:
                return found
            await self.store.async_save(refreshed)
            logger.info("refreshed the bot token of %s", team_id or enterprise_id)
            return refreshed

    async def _find(self, enterprise_id: str | None,
                    team_id: str | None) -> Installation | None:
        if team_id:
            own = await self.store.async_find_installation(
                enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False)
            if own is not None:
                return own
        if enterprise_id:
            return await self.store.async_find_installation(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
        return None

    async def forget(self, enterprise_id: str | None, team_id: str | None) -> None:
        """The app was uninstalled: delete the installation and its bot tokens."""
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)


def _expiring(installation: Installation) -> bool:
    expires = installation.bot_token_expires_at
    return expires is not None and expires <= time.time() + REFRESH_MINUTES_BEFORE_EXPIRY * 60
