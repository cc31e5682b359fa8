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


def plain_text(slack_text: str, *, drop_user: str | None = None) -> str:
    """Plain text of a formatted message; mentions of `drop_user` (the bot) are removed."""
    if drop_user:
        slack_text = re.sub(rf"<@{re.escape(drop_user)}(\|[^>]*)?>", " ", slack_text)
    text = _MARKUP.sub(lambda m: _plain(m.group(1)), slack_text)
    return " ".join(unescape(text).split())
