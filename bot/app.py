"""build_app(settings) -> the slack_bolt AsyncApp with every handler registered.

Request signature verification stays on in every mode; the Web API client talks to
SLACK_API_URL and retries rate-limited (429), failed-connection and 5xx calls with back-off.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from handlers import ask
from knowledge.index import PracticeIndex
from knowledge.loader import default_knowledge

WEB_API_TIMEOUT_SECONDS = 10


def web_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(
        token=settings.secret("slack_bot_token") or None,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(
    settings: Settings, index: PracticeIndex | None = None, *, process_before_response: bool = False
) -> AsyncApp:
    """The bot: one AsyncApp, its Web API client and every feature's listeners.

    `process_before_response` makes a dispatch return only when the listener has finished (the
    console uses it to show every answer right after the line that caused it)."""
    logging.getLogger("principlebot").setLevel(settings.log_level)
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=settings.secret("slack_signing_secret"),
        request_verification_enabled=True,
        process_before_response=process_before_response,
        logger=logging.getLogger("principlebot.bolt"),
    )
    index = index or PracticeIndex(default_knowledge())
    ask.register(app, index)
    return app
