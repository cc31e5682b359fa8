"""Wiring for many workspaces (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): slack_sdk's
installation and OAuth state stores on the bot's own database (tables made by the migrations),
the installations Bolt authorizes requests with, and the "Add to Slack" flow. Every OAuth call
goes to SLACK_API_URL, the authorize page is SLACK_AUTHORIZE_URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.state_utils import OAuthStateUtils
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.services import Services
from bot.runtime.settings import Settings
from handlers.kit.installations import Installations
from handlers.workspaces.installing import InstallFlow, install_flow

# How long an "Add to Slack" link works, from the install page to Slack sending the person
# back (slack_sdk's default).
STATE_SECONDS = OAuthStateUtils.default_expiration_seconds


@dataclass(frozen=True)
class ManyWorkspaces:
    installations: Installations
    flow: InstallFlow


def many_workspaces(settings: Settings, services: Services, engine: AsyncEngine,
                    client_for: Callable[[str | None], AsyncWebClient]) -> ManyWorkspaces:
    """The installations and install flow of the app `settings` names, on `engine`;
    `client_for(token)` makes the Web API clients (`client_for(None)`: for OAuth calls)."""
    client_id = settings.slack_client_id or ""
    client_secret = settings.secret("slack_client_secret")
    oauth_client = client_for(None)
    installations = Installations(
        store=AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine),
        rotator=AsyncTokenRotator(client_id=client_id, client_secret=client_secret,
                                  client=oauth_client),
        workspaces=services.workspaces, client_for=client_for,
    )
    flow = install_flow(
        client=oauth_client, client_id=client_id, client_secret=client_secret,
        authorize_url=settings.slack_authorize_url, installations=installations,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS,
                                                   engine=engine),
        workspaces=services.workspaces,
    )
    return ManyWorkspaces(installations, flow)
