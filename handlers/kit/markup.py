"""Slack's message markup turned back into what the person typed, before it is searched or shown.

Event text arrives formatted: `<@U123>` for a mention, `<!channel>`, `<https://x|label>`, with
`&`, `<`, `>` as entities. Echoing it verbatim would replay live mentions and links, so it is made
plain here and escaped again (handlers.kit.text.escape) when shown.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")


def _plain(token: str) -> str:
    target, _, label = token.partition("|")
    if target.startswith(("@U", "@W")):
        return f"@{label or target[1:]}"
    if target.startswith("#C"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        return f"@{label or target[1:].split('^')[0]}"
    return label or target


def unescape(slack_text: str) -> str:
    """Slack sends `&`, `<`, `>` of any text as entities; this is the text as typed.
    For commands registered without escaping, which carry no other markup."""
    return slack_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def without_mention(slack_text: str, user: str | None) -> str:
    """A formatted message without its mentions of `user` (the bot), otherwise as it came:
    markup, entities and line breaks kept for the matcher, which reads past them."""
    if not user:
        return slack_text.strip()
    return re.sub(rf"<@{re.escape(user)}(\|[^>]*)?>", " ", slack_text).strip()


def plain_text(slack_text: str, *, drop_user: str | None = None) -> str:
    """Plain text of a formatted message; mentions of `drop_user` (the bot) are removed."""
    text = _MARKUP.sub(lambda m: _plain(m.group(1)), without_mention(slack_text, drop_user))
    return " ".join(unescape(text).split())
