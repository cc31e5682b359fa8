"""What the bot looks up about a person in Slack: their time zone, whether they are a bot,
the name to show. Looked up when needed; a lookup that fails falls back, never raises."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.ids import is_user_id
from handlers.kit.replies import api_error

logger = logging.getLogger("principlebot")

__all__ = ["display_name", "is_user_id", "user_info", "user_zone"]


async def user_info(client: AsyncWebClient, user: str) -> dict[str, Any] | None:
    """users.info's `user`, or None when Slack would not say."""
    if not is_user_id(user):
        return None
    try:
        info = await client.users_info(user=user)
        return dict(info["user"])
    except SlackApiError as error:
        logger.info("users.info %s failed: %s", user, api_error(error))
        return None
    except (TimeoutError, aiohttp.ClientError) as error:
        logger.info("users.info %s did not answer: %r", user, error)
        return None


async def user_zone(client: AsyncWebClient, user: str) -> str:
    """The person's Slack time zone (UTC when unknown), the default for what they schedule
    and the day their dates are read in."""
    info = await user_info(client, user)
    return str((info or {}).get("tz") or "UTC")


def display_name(info: dict[str, Any] | None) -> str:
    if not info:
        return ""
    profile = info.get("profile") or {}
    return str(profile.get("display_name") or profile.get("real_name") or info.get("name")
               or info.get("real_name") or "")
