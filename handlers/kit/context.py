"""What a listener reads from Bolt's context: the services of this bot, and who acts where.

The runtime installs `provide(services)` as a global middleware; listeners take `context` and
never import the wiring. It also makes the request's key (handlers.kit.replay) the key every
change the listener makes is claimed with.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.domain.deliveries import carrying_out
from bot.domain.services import Services
from handlers.kit.http import Respond
from handlers.kit.replay import request_key

SERVICES = "principlebot_services"

Middleware = Callable[..., Awaitable[None]]


def provide(services: Services) -> Middleware:
    """A middleware putting `services` on every request's context, and a `respond` on the
    Web API client's session that retries within a ceiling and logs a refusal."""

    async def middleware(body: dict[str, Any], context: AsyncBoltContext,
                         next: Callable[[], Awaitable[None]]) -> None:
        carrying_out(request_key(body))
        context[SERVICES] = services
        if context.response_url:
            session = context.client.session if context.client else None
            context["respond"] = Respond(response_url=context.response_url, session=session)
        await next()

    return middleware


def services_of(context: AsyncBoltContext) -> Services:
    return context[SERVICES]


def team_of(context: AsyncBoltContext) -> str:
    """The workspace the request comes from (Bolt reads it from any kind of payload)."""
    return context.team_id or context.enterprise_id or ""


def user_of(context: AsyncBoltContext) -> str:
    return context.user_id or ""


def channel_of(context: AsyncBoltContext) -> str:
    """The channel the request was made in, as Slack says (never a button's value)."""
    return context.channel_id or ""
