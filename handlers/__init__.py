"""The Slack layer: one package per feature (listeners, views, command parsing) and the kit
they share. `register` attaches everything to a Bolt app."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.domain.services import Services
from handlers.ask import listeners as ask
from handlers.home import listeners as home
from handlers.kit.context import provide
from handlers.kit.failures import on_listener_error
from handlers.kit.installations import Installations
from handlers.kit.screen import screen
from handlers.retro import listeners as retro
from handlers.standup import listeners as standup
from handlers.workspaces import listeners as workspaces


def register(app: AsyncApp, services: Services,
             installations: Installations | None = None) -> None:
    """Give every request the bot's services, answer every failure, attach every feature;
    `installations` when the bot serves many workspaces."""
    app.use(screen)
    app.use(provide(services))
    app.error(on_listener_error)
    for feature in (ask, retro, home, standup):
        feature.register(app)
    workspaces.register(app, installations)
