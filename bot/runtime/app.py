"""build_app(settings) -> the slack_bolt AsyncApp with every feature's listeners registered.

Request signature verification stays on in every mode; the Web API client talks to
SLACK_API_URL on the process's one HTTP session and retries as handlers.kit.http says (429s
within a ceiling, connections that never reached Slack; not 5xx: a post Slack answered 500 may
have gone through, and posts are not idempotent).

With one workspace, Bolt learns who the bot is from the start-up check of the bot token
(bot.runtime.credentials), so no request waits for `auth.test`; with many, each request is
authorized from the stored installation of its workspace (handlers.kit.installations), and
the app serves "Add to Slack".
"""

from __future__ import annotations

import gc
import logging

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.domain.services import Services
from bot.runtime.acks import PromptListenerRunner
from bot.runtime.credentials import fixed_authorize
from bot.runtime.settings import Settings
from bot.runtime.workspaces import ManyWorkspaces
from handlers.kit.http import HTTP_TIMEOUT_SECONDS, shared_session, web_api_retries

NOT_INSTALLED = ("principlebot is not installed in this workspace any more: a workspace admin "
                 "can add it again.")


class _TokenNoticeFilter(logging.Filter):
    """slack_bolt warns that SLACK_BOT_TOKEN is unused whenever a client is passed, which this
    app always does (to set the base URL and retry handlers), and again when an authorize
    function is given; the authorize result carries the token."""

    NOTICES = frozenset({warning_client_prioritized_and_token_skipped(),
                         warning_token_skipped()})

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.NOTICES


_bolt_logger = logging.getLogger("principlebot.bolt")
_bolt_logger.addFilter(_TokenNoticeFilter())


def web_client(settings: Settings, token: str | None = None,
               session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """A client of SLACK_API_URL with `token` (default: SLACK_BOT_TOKEN, if any), on `session`
    (default: a new one for this process to share)."""
    return AsyncWebClient(
        token=token or settings.secret("slack_bot_token") or None,
        base_url=settings.slack_api_url,
        timeout=HTTP_TIMEOUT_SECONDS,
        session=session or shared_session(),
        retry_handlers=web_api_retries(),
    )


async def close_app(app: AsyncApp) -> None:
    """Close the HTTP session the app's Slack calls share."""
    session = app.client.session
    if session is not None and not session.closed:
        await session.close()


def build_app(settings: Settings, services: Services, *,
              identity: AuthorizeResult | None = None,
              workspaces: ManyWorkspaces | None = None,
              process_before_response: bool = False, socket_mode: bool = False) -> AsyncApp:
    """The bot: one AsyncApp, its Web API client and every feature's listeners. With one
    workspace, `identity` is the start-up check's answer; with many, `workspaces` is given.

    `process_before_response` makes a dispatch return only when the listener has finished (the
    console uses it to show every answer right after the line that caused it)."""
    logging.getLogger("principlebot").setLevel(settings.log_level)
    if not socket_mode:
        # Without a secret every request would verify: refuse rather than serve unsigned.
        settings.require("slack_signing_secret")
    if workspaces is not None:
        authorization = {"authorize": workspaces.installations, "oauth_flow": workspaces.flow,
                         "installation_store": workspaces.installations.store,
                         "user_facing_authorize_error_message": NOT_INSTALLED}
    elif identity is not None:
        authorization = {"authorize": fixed_authorize(identity)}
    else:
        raise TypeError("build_app needs the bot's identity (one workspace) or workspaces")
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=settings.secret("slack_signing_secret"),
        request_verification_enabled=True,
        process_before_response=process_before_response,
        logger=_bolt_logger,
        **authorization,
    )
    PromptListenerRunner.install(app)  # before handlers.register sets the error handler
    handlers.register(app, services, workspaces.installations if workspaces else None)
    return app


def freeze_startup_objects() -> None:
    """Keep what start-up built (index, app, SQLAlchemy metadata) out of garbage collection:
    full collections scanning it paused every request in flight for 45-90 ms under load."""
    gc.collect()
    gc.freeze()
