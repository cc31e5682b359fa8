"""Bolt's listener runner, waiting for a listener's ack instead of polling for it.

Bolt's AsyncApp runs a listener in a task of its own and checks every 10 ms whether it has
acked yet. Each check costs the event loop a timer and a wake-up, and a request that waits for
its ack (a command that answers after its commit, a question queued for the matcher) pays for
every one of them: with 100 `/retro add` at once on SQLite, the checks cost about a seventh of
the server's CPU, and every request was answered up to 10 ms late. This runner wakes when the
listener acks, when it ends without acking (Bolt's error handling may set the answer itself)
or at the ack timeout, and otherwise does what Bolt's does, except that an ack given stands
when the listener fails afterwards (Bolt's runner then answers 404 unless its last check saw
the ack). Lazy listeners and process_before_response (the console) take Bolt's own path.

It replaces the runner AsyncApp built for itself (`PromptListenerRunner.install`): slack-bolt
has no public way to choose one. The end-to-end tests go through it on every request.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.listener.asyncio_runner import AsyncioListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse


class SignallingAck(AsyncAck):
    """Bolt's ack, which also says when it has been given and keeps what it answered: when a
    listener fails after acking, Bolt's error path sets `response` back to None, and the
    answer already given must still be the one Slack gets."""

    def __init__(self) -> None:
        super().__init__()
        self.given = asyncio.Event()
        self.answered: BoltResponse | None = None

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            self.answered = await super().__call__(*args, **kwargs)
            return self.answered
        finally:
            self.given.set()


class PromptListenerRunner(AsyncioListenerRunner):
    @classmethod
    def install(cls, app: AsyncApp) -> None:
        """Put this runner in place of the one `app` built (before app.error() is called,
        which sets the runner's error handler)."""
        built: AsyncioListenerRunner = app._async_listener_runner
        app._async_listener_runner = cls(
            logger=built.logger, process_before_response=built.process_before_response,
            listener_error_handler=built.listener_error_handler,
            listener_start_handler=built.listener_start_handler,
            listener_completion_handler=built.listener_completion_handler,
            lazy_listener_runner=built.lazy_listener_runner)

    async def run(self, request: AsyncBoltRequest, response: BoltResponse,
                  listener_name: str, listener: AsyncListener,
                  starting_time: float | None = None) -> BoltResponse | None:
        if self.process_before_response or request.lazy_only or listener.lazy_functions:
            return await super().run(request, response, listener_name, listener, starting_time)
        starting_time = starting_time if starting_time is not None else time.time()
        ack = request.context.ack
        if not isinstance(ack, SignallingAck) and ack.response is None:
            ack = request.context["ack"] = SignallingAck()
        if listener.auto_acknowledgement:
            await ack()  # events are acknowledged at once
        work = asyncio.ensure_future(self._listen(ack, request, response, listener))
        remaining = listener.ack_timeout - (time.time() - starting_time)
        if ack.response is None and remaining > 0 and isinstance(ack, SignallingAck):
            given = asyncio.ensure_future(ack.given.wait())
            await asyncio.wait({work, given}, timeout=remaining,
                               return_when=asyncio.FIRST_COMPLETED)
            given.cancel()
        answer = ack.response
        if answer is None and isinstance(ack, SignallingAck):
            answer = ack.answered
        if response is None and answer is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None
        return response if response is not None else answer

    async def _listen(self, ack: AsyncAck, request: AsyncBoltRequest,
                      response: BoltResponse | None, listener: AsyncListener) -> None:
        """The listener, its failure handled as Bolt's runner handles it."""
        try:
            await self.listener_start_handler.handle(request=request, response=response)
            await listener.run_ack_function(request=request, response=response)
        except Exception as error:
            if response is None:
                response = BoltResponse(status=500)
            response.status = 500
            if ack.response is not None:  # already acknowledged
                response = None
            await self.listener_error_handler.handle(error=error, request=request,
                                                     response=response)
            ack.response = response
        finally:
            await self.listener_completion_handler.handle(request=request, response=response)
