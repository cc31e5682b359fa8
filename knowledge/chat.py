"""Chat markup removed from a message before it is matched, so only the writer's words count.

A message copied from Slack carries mentions (`<@U123>`, `<#C123|general>`, `<!here>`,
`<!subteam^S123>`), links (`<https://…|label>`, bare URLs), emoji shortcodes (`:tada:`), code
(inline spans and fenced blocks), quoted lines (`>` or `&gt;` at the start of a line), "cc …"
lines and the HTML entities Slack escapes (`&amp; &lt; &gt;`). A URL's words ("gov", "uk",
"help") say nothing about the question, so a link keeps its label only; quoted text and code
are someone else's words or a machine's. Pure text in, text out: no Slack payloads here.
"""

from __future__ import annotations

import re

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_QUOTED_LINE = re.compile(r"^[ \t]*(?:>|&gt;).*$", re.M)
# "cc @ana @ben", "cc: <@U1> and <!subteam^S1>", "fyi <@U1>": a line of names, not a question.
# Possessive (`++`, `*+`): a name and the commas after it can be read only one way, so a line of
# commas or at signs is never tried in all its splits (a "cc" and thirty commas took minutes).
_CC_LINE = re.compile(
    r"^[ \t]*+(?:cc\b[ \t:]*+(?:[^\s?,]++[ \t,]*+){0,8}+"
    r"|fyi[ \t:]++(?:(?:<[@!][^>]*+>|@[^\s,]++)[ \t,]*+)++)$",
    re.M | re.I)
# Neither part runs past the next "<": a run of unclosed links is read once, not once per link.
_LABELLED_LINK = re.compile(r"<(?:https?|mailto|tel):[^|<>]*+\|([^<>]*+)>")
_ANGLE_TOKEN = re.compile(r"<[^<>\s][^<>]*>")  # mentions, channels, bare <https://…>
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_PLAIN_MENTION = re.compile(r"(?<![\w@])@[\w.-]+")
_EMOJI = re.compile(r":[a-z0-9_+'-]+(?:::skin-tone-\d)?:", re.I)
_FORMATTING = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([?!.,;:])(?=\s|$)")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'"}


def clean_chat_text(text: str) -> str:
    """The writer's own words of a chat message: markup, mentions, links, code and quotes
    removed; a link's label kept. Text without markup comes back with its words unchanged."""
    if not text:
        return ""
    cleaned = _CODE_BLOCK.sub(" ", text)
    cleaned = _INLINE_CODE.sub(" ", cleaned)
    cleaned = _QUOTED_LINE.sub(" ", cleaned)
    cleaned = _CC_LINE.sub(" ", cleaned)
    cleaned = _LABELLED_LINK.sub(lambda m: f" {m.group(1)} ", cleaned)
    cleaned = _ANGLE_TOKEN.sub(" ", cleaned)
    for entity, char in _ENTITIES.items():
        cleaned = cleaned.replace(entity, char)
    cleaned = _BARE_URL.sub(" ", cleaned)
    cleaned = _PLAIN_MENTION.sub(" ", cleaned)
    cleaned = _EMOJI.sub(" ", cleaned)
    cleaned = _FORMATTING.sub(" ", cleaned)
    # A link or an emoji taken out before a "?" leaves a space the writer never typed.
    lines = (_SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", line)).strip()
             for line in cleaned.splitlines())
    return "\n".join(line for line in lines if line)
