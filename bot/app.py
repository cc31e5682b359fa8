"""build_app(settings) -> the slack_bolt AsyncApp with every handler registered.

Request signature verification stays on in every mode; the Web API client talks to
SLACK_API_URL and retries rate-limited (429) and failed-connection calls with back-off (not
5xx: a post Slack answered 500 may have gone through, and posts are not idempotent).
`Services` holds what the handlers share: the matcher's index, the database and the domain
services built on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.db import create_engine, is_reachable, migrate, session_factory, utcnow
from bot.dedupe import KEEP, DeliveryLog
from bot.errors import StartupError
from bot.retro import RetroService
from bot.schedule import ScheduleService
from bot.standup import StandupService
from handlers import ask, home, retro, standup
from handlers.prompts import make_runner
from knowledge.index import PracticeIndex
from knowledge.loader import default_knowledge

WEB_API_TIMEOUT_SECONDS = 10


class _TokenNoticeFilter(logging.Filter):
    """slack_bolt warns that SLACK_BOT_TOKEN is unused whenever a client is passed, which this
    app always does (to set the base URL and retry handlers); the client carries the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_bolt_logger = logging.getLogger("principlebot.bolt")
_bolt_logger.addFilter(_TokenNoticeFilter())


@dataclass
class Services:
    index: PracticeIndex
    engine: AsyncEngine
    retro: RetroService
    standups: StandupService
    schedules: ScheduleService
    deliveries: DeliveryLog
    clock: Callable[[], dt.datetime]

    async def prepare(self) -> None:
        """Apply migrations; one line naming the database when it cannot be reached."""
        where = self.engine.url.render_as_string(hide_password=True)
        try:
            await migrate(self.engine)
        except (OSError, ConnectionError) as error:
            raise StartupError(f"cannot reach the database ({where}): {error}") from None
        except DBAPIError as error:
            first_line = str(error.orig or error).splitlines()[0]
            raise StartupError(f"cannot migrate the database ({where}): {first_line}") from None

    async def health(self) -> dict[str, object]:
        return {"database": "reachable" if await is_reachable(self.engine) else "unreachable"}

    async def close(self) -> None:
        await self.engine.dispose()


def build_services(settings: Settings, index: PracticeIndex | None = None,
                   clock: Callable[[], dt.datetime] = utcnow) -> Services:
    index = index or PracticeIndex(default_knowledge())
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    return Services(index, engine, RetroService(sessions, index, clock),
                    StandupService(sessions, clock), ScheduleService(sessions, clock),
                    DeliveryLog(sessions, clock), clock)


def web_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(
        token=settings.secret("slack_bot_token") or None,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(
    settings: Settings, index: PracticeIndex | None = None, *,
    services: Services | None = None, process_before_response: bool = False,
    socket_mode: bool = False,
) -> AsyncApp:
    """The bot: one AsyncApp, its Web API client and every feature's listeners.

    `process_before_response` makes a dispatch return only when the listener has finished (the
    console uses it to show every answer right after the line that caused it)."""
    logging.getLogger("principlebot").setLevel(settings.log_level)
    if not socket_mode:
        # Without a secret every request would verify: refuse rather than serve unsigned.
        settings.require("slack_signing_secret")
    services = services or build_services(settings, index)
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=settings.secret("slack_signing_secret"),
        request_verification_enabled=True,
        process_before_response=process_before_response,
        logger=_bolt_logger,
    )
    ask.register(app, services.index, services.deliveries)
    retro.register(app, services)
    home.register(app, services)
    standup.register(app, services)
    return app


HOUSEKEEPING_SECONDS = 3600


def freeze_startup_objects() -> None:
    """Keep what start-up built (index, app, SQLAlchemy metadata) out of garbage collection:
    full collections scanning it paused every request in flight for 45-90 ms under load."""
    gc.collect()
    gc.freeze()


@contextlib.asynccontextmanager
async def background_tasks(app: AsyncApp, services: Services) -> AsyncIterator[None]:
    """While the bot is up: this process's weekly-prompt runner, and hourly housekeeping."""
    tasks = [asyncio.create_task(make_runner(app.client, services).run_forever()),
             asyncio.create_task(_housekeeping(services))]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _housekeeping(services: Services) -> None:
    while True:
        try:
            await services.deliveries.forget_older_than(services.clock() - KEEP)
        except Exception:
            logging.getLogger("principlebot").exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_SECONDS)
