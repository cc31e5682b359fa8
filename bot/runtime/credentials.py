"""Credentials checked once at start-up, when the bot serves one workspace: the bot token with
`auth.test`, and in Socket Mode the app-level token with `apps.connections.open`.

A token Slack refuses stops the bot with one line naming the variable (exit 2). A Slack that
cannot be reached (no connection, 5xx, 429) is tried again with back-off, one warning line per
attempt. `auth.test`'s answer says who the bot is; Bolt gets it through `fixed_authorize`, so
no request waits for `auth.test` (or fails with it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.runtime.errors import SettingsError
from bot.runtime.settings import Settings

logger = logging.getLogger("principlebot")

TIMEOUT_SECONDS = 10
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
# Errors Slack answers when it, not the token, is the trouble.
TRANSIENT_ERRORS = {"fatal_error", "internal_error", "service_unavailable", "request_timeout",
                    "ratelimited"}
WHAT_TO_DO = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & "
                       "Permissions page",
    "SLACK_APP_TOKEN": "copy an app-level token (xapp-…, scope connections:write) from the "
                       "app's Basic Information page",
}

Sleep = Callable[[float], Awaitable[None]]
Authorize = Callable[..., Awaitable[AuthorizeResult]]


class CredentialsError(SettingsError):
    """Slack refused a token from the environment."""


async def check_bot_token(settings: Settings, sleep: Sleep = asyncio.sleep) -> AuthorizeResult:
    """Who the bot is, as `auth.test` answers for SLACK_BOT_TOKEN."""
    token = settings.secret("slack_bot_token")
    client = _client(settings, token)
    answer = await _until_answered(client.auth_test, "SLACK_BOT_TOKEN", settings, sleep)
    return AuthorizeResult.from_auth_test_response(
        auth_test_response=answer, bot_token=token,
        bot_scopes=answer.headers.get("x-oauth-scopes"))


async def check_app_token(settings: Settings, sleep: Sleep = asyncio.sleep) -> None:
    """SLACK_APP_TOKEN may open Socket Mode connections (the address it gets is not used)."""
    token = settings.secret("slack_app_token")
    client = _client(settings, token)
    await _until_answered(lambda: client.apps_connections_open(app_token=token),
                          "SLACK_APP_TOKEN", settings, sleep)


def fixed_authorize(identity: AuthorizeResult) -> Authorize:
    """Bolt's authorize for the one workspace: the start-up check's answer, for every request."""

    async def authorize(user_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=identity.enterprise_id, team_id=identity.team_id, team=identity.team,
            url=identity.url, bot_id=identity.bot_id, bot_user_id=identity.bot_user_id,
            bot_token=identity.bot_token, bot_scopes=identity.bot_scopes, user_id=user_id)

    return authorize


def _client(settings: Settings, token: str) -> AsyncWebClient:
    # No retry handlers: each attempt is one call and one line.
    return AsyncWebClient(token=token, base_url=settings.slack_api_url,
                          timeout=TIMEOUT_SECONDS, retry_handlers=[])


async def _until_answered(call: Callable[[], Awaitable[AsyncSlackResponse]], variable: str,
                          settings: Settings, sleep: Sleep) -> AsyncSlackResponse:
    attempt = 0
    while True:
        attempt += 1
        wait = min(FIRST_RETRY_SECONDS * 2 ** (attempt - 1), MAX_RETRY_SECONDS)
        try:
            return await call()
        except SlackApiError as error:
            response = error.response
            code = response.get("error") if isinstance(response.data, dict) else None
            if response.status_code < 500 and response.status_code != 429 and (
                    code not in TRANSIENT_ERRORS):
                raise CredentialsError(f"{variable} was refused by Slack ({code}): "
                                       f"{WHAT_TO_DO[variable]}") from None
            reason = code or f"HTTP {response.status_code}"
            wait = max(wait, _retry_after(response))
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            reason = str(error) or type(error).__name__
        logger.warning("cannot reach Slack at %s to check %s (%s); trying again in %.1f s "
                       "(attempt %d)", settings.slack_api_url, variable, reason, wait, attempt)
        await sleep(wait)


def _retry_after(response: AsyncSlackResponse) -> float:
    try:
        return float(response.headers.get("Retry-After", 0))
    except (TypeError, ValueError):
        return 0.0
