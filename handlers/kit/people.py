"""What the bot looks up about a person in Slack: their time zone, whether they are a bot,
the name to show. Looked up when needed; a lookup that fails falls back, never raises."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from handlers.kit.replies import api_error

logger = logging.getLogger("principlebot")

# Slack's user ids: U or W, then upper-case letters and digits.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")


def is_user_id(value: str | None) -> bool:
    return bool(value) and USER_ID.fullmatch(value or "") is not None


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
