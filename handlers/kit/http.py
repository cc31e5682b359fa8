"""How the bot talks HTTP to Slack: one shared session for the Web API and response URLs, and
when a call is tried again.

Retried: a 429 after its Retry-After, and (response URLs only) a 5xx after a short back-off,
while the waits add up to at most RETRY_CEILING_SECONDS; a connection that never reached
Slack. Never retried: a Web API call Slack answered 5xx, or one whose connection broke after it
was sent: Slack may have posted the message, and a second post would say it twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slack_sdk.webhook.webhook_response import WebhookResponse

logger = logging.getLogger("principlebot")

HTTP_TIMEOUT_SECONDS = 10
RETRY_CEILING_SECONDS = 30.0
SERVER_ERROR_BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0)
# When a 429 carries no readable Retry-After.
DEFAULT_RETRY_AFTER_SECONDS = 1.0
_WAITED = "principlebot_waited"


def retry_after(response: HttpResponse) -> float:
    """Seconds a 429 asks to wait (Slack sends whole seconds)."""
    for name, values in (response.headers or {}).items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) and values else values
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER_SECONDS


class PatientRetry(AsyncRetryHandler):
    """Waits out 429s (and, with `server_errors`, 5xx) within a ceiling on the total wait."""

    def __init__(self, *, server_errors: bool,
                 ceiling: float = RETRY_CEILING_SECONDS) -> None:
        super().__init__(max_retry_count=10)
        self._server_errors = server_errors
        self._ceiling = ceiling

    def _wait(self, state: RetryState, response: HttpResponse) -> float | None:
        if response.status_code == 429:
            return retry_after(response)
        if self._server_errors and response.status_code >= 500:
            steps = SERVER_ERROR_BACKOFF_SECONDS
            return steps[min(state.current_attempt, len(steps) - 1)]
        return None

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        if response is None:
            return False
        wait = self._wait(state, response)
        if wait is None:
            return False
        waited = (state.custom_values or {}).get(_WAITED, 0.0)
        if waited + wait > self._ceiling:
            logger.warning("giving up on %s after %.0f s of waiting: HTTP %s", _where(request),
                           waited, response.status_code)
            return False
        return True

    async def prepare_for_next_attempt_async(self, *, state: RetryState, request: HttpRequest,
                                             response: HttpResponse | None = None,
                                             error: Exception | None = None) -> None:
        wait = self._wait(state, response) if response is not None else 0.0
        state.custom_values = {**(state.custom_values or {}),
                               _WAITED: (state.custom_values or {}).get(_WAITED, 0.0) + wait}
        state.next_attempt_requested = True
        await asyncio.sleep(wait or 0.0)
        state.increment_current_attempt()


class UnsentRetry(AsyncRetryHandler):
    """Tries again a call whose connection could not be made: Slack never saw it."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=2)

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        return isinstance(error, aiohttp.ClientConnectorError)


def web_api_retries() -> list[AsyncRetryHandler]:
    return [PatientRetry(server_errors=False), UnsentRetry()]


def response_url_retries() -> list[AsyncRetryHandler]:
    return [PatientRetry(server_errors=True), UnsentRetry()]


def shared_session() -> aiohttp.ClientSession | None:
    """The session every Slack call of this process shares (a session per post cost ~1 ms);
    None outside a running event loop, where each call then opens its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS))


class Respond(AsyncRespond):
    """`respond` on the shared session, retrying as above, logging a refusal (expired, used
    five times, still failing at the ceiling): response URLs answer failures, they don't
    raise them."""

    def __init__(self, *, response_url: str, session: aiohttp.ClientSession | None) -> None:
        super().__init__(response_url=response_url)
        self._session = session

    async def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> WebhookResponse:
        message = (_build_message(**text) if isinstance(text, dict)
                   else _build_message(text=text, **fields))
        client = AsyncWebhookClient(url=self.response_url or "", session=self._session,
                                    timeout=HTTP_TIMEOUT_SECONDS,
                                    retry_handlers=response_url_retries())
        response = await client.send_dict(message)
        if response.status_code != 200:
            logger.warning("response URL refused the message: HTTP %s %s",
                           response.status_code, str(response.body)[:200])
        return response


def _where(request: HttpRequest) -> str:
    """A call's method name, or "a response URL" (its address is a credential)."""
    url = str(request.url)
    return url.rsplit("/api/", 1)[1] if "/api/" in url else "a response URL"
