"""Getting the bot ready for Slack's requests, the same way for `serve`, `socket`, the console
and the tests: with one workspace the tokens are checked first (bot.runtime.credentials); with
many, the installations and the "Add to Slack" flow are opened on the bot's database. Either
way the result is the app and the clients background jobs reach each team with.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.app import build_app, web_client
from bot.runtime.backend import Backend
from bot.runtime.credentials import Sleep, check_app_token, check_bot_token
from bot.runtime.settings import Settings
from bot.runtime.workspaces import many_workspaces
from handlers.kit.clients import OneWorkspace, TeamClients


@dataclass(frozen=True)
class ReadyBot:
    app: AsyncApp
    clients: TeamClients


async def ready_bot(settings: Settings, backend: Backend, *, socket_mode: bool = False,
                    process_before_response: bool = False,
                    sleep: Sleep = asyncio.sleep) -> ReadyBot:
    """The app for `settings` on the prepared `backend`; raises CredentialsError when Slack
    refuses a token, and waits (retrying) while Slack cannot be reached."""
    services = backend.services
    if settings.many_workspaces:
        app: AsyncApp | None = None

        def client_for(token: str) -> AsyncWebClient:
            # Each workspace's client shares the app's session: one pool of connections to
            # Slack, closed once with the app.
            return web_client(settings, token, session=app.client.session if app else None)

        many = many_workspaces(settings, services, backend.engine, client_for)
        app = build_app(settings, services, workspaces=many, socket_mode=socket_mode,
                        process_before_response=process_before_response)
        return ReadyBot(app, many.installations)
    identity = await check_bot_token(settings, sleep)
    if socket_mode:
        await check_app_token(settings, sleep)
    app = build_app(settings, services, identity=identity, socket_mode=socket_mode,
                    process_before_response=process_before_response)
    return ReadyBot(app, OneWorkspace(app.client))
