"""User text made safe for mrkdwn, and text cut to the field it lands in.

Everything a person typed goes through `escape` before it enters mrkdwn, so nobody can make the
bot ping @channel, mention someone or post a disguised link.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"
ECHO_LIMIT = 500


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: no mentions (<!channel>, <@U1>) and no disguised links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def quote_user_text(text: str, limit: int = ECHO_LIMIT) -> str:
    """User text for mrkdwn: cut first (so an entity is never split), then escaped, single line."""
    return escape(truncate(" ".join(text.split()), limit))
