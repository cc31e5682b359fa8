"""A workspace removes the app (`app_uninstalled`, or `tokens_revoked` naming the bot's token):
its installation and bot tokens are deleted at once, its data after the grace period
(PRINCIPLEBOT_UNINSTALL_GRACE), unless it installs the app again before. One log line says
which and when.

With one workspace (SLACK_BOT_TOKEN) there is nothing to delete: the line says the token no
longer works.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.domain.workspaces import Departure
from handlers.kit.context import services_of
from handlers.kit.installations import Installations

logger = logging.getLogger("principlebot")

WHEN = "%Y-%m-%d %H:%M UTC"


def register(app: AsyncApp, installations: Installations | None) -> None:
    async def app_uninstalled(context: AsyncBoltContext) -> None:
        await _left(installations, context)

    async def tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        # Only the bot's tokens matter: the app asks for no user tokens.
        if event.get("tokens", {}).get("bot"):
            await _left(installations, context)

    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


async def _left(installations: Installations | None, context: AsyncBoltContext) -> None:
    enterprise_id = context.enterprise_id
    team_id = None if context.is_enterprise_install else context.team_id
    where = team_id or enterprise_id or "the workspace"
    if installations is None:
        logger.warning("uninstalled from %s: SLACK_BOT_TOKEN no longer works; install the app "
                       "again and set its new token", where)
        return
    await installations.forget(enterprise_id, team_id)
    departure = await services_of(context).workspaces.left(enterprise_id, team_id)
    logger.info("uninstalled from %s: installation and bot token deleted; %s", where,
                data_fate(departure))


def data_fate(departure: Departure) -> str:
    """What happens (or happened) to a departed workspace's data, in a few words."""
    if departure.deleted is not None:
        return f"its data deleted ({sum(departure.deleted.values())} rows)"
    return (f"its data will be deleted on {departure.delete_after.strftime(WHEN)} unless it "
            "installs the app again before")
