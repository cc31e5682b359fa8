"""User text made safe for mrkdwn, and text cut to the field it lands in.

Everything a person typed goes through `escape` before it enters mrkdwn, so nobody can make the
bot ping @channel, mention someone or post a disguised link; stored ids become mentions only
through `mention` and `channel_link`, which check them against Slack's id pattern first.
"""

from __future__ import annotations

from bot.domain.ids import is_channel_id, is_user_id

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


def mention(user_id: str | None) -> str:
    """A person's live mention (`<@U123>`) when `user_id` is a Slack user id; anything else is
    shown as inert text, so a stored value can never become `<!channel>`."""
    return f"<@{user_id}>" if is_user_id(user_id) else escape(str(user_id or "someone"))


def channel_link(channel_id: str) -> str:
    """A link to a channel (`<#C123>`) when `channel_id` is a Slack channel id; else inert."""
    return f"<#{channel_id}>" if is_channel_id(channel_id) else escape(channel_id)
