"""Keeps a listener's failure from reaching Slack as a lost ack or a silent error.

slack_bolt finds a listener's arguments by inspecting the unwrapped function, so a wrapper made
with functools.wraps still receives `ack`, `respond`, `body` and the rest by name.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.render import error_text

logger = logging.getLogger("principlebot")

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def guarded(listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Catch and log anything the listener raises; ack if it had not, and tell the user."""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        try:
            await listener(**kwargs)
        except Exception:
            logger.exception("listener %s failed", listener.__name__)
            ack = kwargs.get("ack")
            if ack is not None and getattr(ack, "response", None) is None:
                await ack()
            respond = kwargs.get("respond")
            if respond is not None:
                try:
                    await respond(text=error_text(SORRY), response_type="ephemeral",
                                  replace_original=False)
                except Exception:
                    logger.warning("could not tell the user about the failure", exc_info=True)

    return run
