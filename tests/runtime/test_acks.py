"""The listener runner: a request is answered the moment its listener acks, with nothing
polling while it waits, and Bolt's answers for listeners that fail or never ack still hold."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.localslack.signed_requests import Actor, slash_command
from bot.runtime.acks import PromptListenerRunner
from bot.runtime.credentials import fixed_authorize

SECRET = secrets.token_hex(16)
IDENTITY = AuthorizeResult(enterprise_id=None, team_id="T0001", bot_user_id="UBOT",
                           bot_id="BBOT", bot_token="xoxb-test")
WAIT = 0.3


def app_with(listener: Callable[..., Any], *, installed: bool = True) -> AsyncApp:
    app = AsyncApp(signing_secret=SECRET, authorize=fixed_authorize(IDENTITY))
    if installed:
        PromptListenerRunner.install(app)

    @app.error
    async def failed(error: Exception, response: BoltResponse | None) -> BoltResponse | None:
        # Bolt gives no response to answer with once the listener has acked.
        return None if response is None else BoltResponse(status=200, body="it failed")

    app.command("/try")(listener)
    return app


async def dispatch(app: AsyncApp) -> BoltResponse:
    request = slash_command(Actor(), "/try", "now", "https://hooks.slack.invalid/r")
    return await app.async_dispatch(AsyncBoltRequest(body=request.body,
                                                     headers=request.headers(SECRET)))


async def acks_late(ack) -> None:
    await asyncio.sleep(WAIT)
    await ack(text="done")


def timers_while(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays of every timer the event loop is asked for from now on."""
    loop = asyncio.get_running_loop()
    delays: list[float] = []
    call_later = loop.call_later

    def counting(delay: float, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        delays.append(delay)
        return call_later(delay, *args, **kwargs)

    monkeypatch.setattr(loop, "call_later", counting)
    return delays


@pytest.mark.parametrize("installed", [True, False], ids=["this runner", "bolt's runner"])
async def test_a_late_ack_is_awaited_without_polling(monkeypatch, installed):
    app = app_with(acks_late, installed=installed)
    delays = timers_while(monkeypatch)
    response = await dispatch(app)
    assert response.status == 200 and "done" in response.body
    polls = [d for d in delays if d < WAIT]
    if installed:
        assert polls == []
    else:  # what this runner saves: a timer every 10 ms while the listener works
        assert len(polls) >= WAIT / 0.01 / 2


async def test_a_listener_that_never_acks_is_not_waited_for_past_its_end():
    async def forgets(ack) -> None:
        return None

    started = time.monotonic()
    response = await dispatch(app_with(forgets))
    assert response.status == 404 and time.monotonic() - started < 1.0  # Bolt's waits 3 s


@pytest.mark.parametrize("installed", [True, False], ids=["this runner", "bolt's runner"])
async def test_a_listener_that_fails_before_acking_is_answered_by_the_error_handler(installed):
    async def breaks(ack) -> None:
        raise RuntimeError("broken")

    response = await dispatch(app_with(breaks, installed=installed))
    assert (response.status, response.body) == (200, "it failed")


async def test_an_ack_given_stands_when_the_listener_then_fails():
    async def acks_then_breaks(ack) -> None:
        await ack(text="done")
        raise RuntimeError("broken after the ack")

    # Bolt's runner answers 404 here: the failure clears the ack before its next check.
    response = await dispatch(app_with(acks_then_breaks))
    assert response.status == 200 and "done" in response.body
