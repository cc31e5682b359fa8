"""Parses the text of `/retro ...` into a command. Pure: no Slack calls, no storage.

The command is registered with escaping on, so users arrive as `<@U123|name>`; tags are the
`#` words at the end of an action (`/retro add fix the form #4 #security`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from handlers.kit.markup import plain_text
from handlers.kit.words import HELP_WORDS

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TRAILING_TAGS = re.compile(r"(?:\s+#[\w.\-]+)+\s*$")


@dataclass(frozen=True)
class RetroCommand:
    verb: str  # add list done reopen delete mydata forget-me help modal schedule unknown
    # For "unknown": what to tell the user, unescaped (quoting what they typed).
    text: str = ""
    tags: tuple[str, ...] = ()
    number: int | None = None
    status: str = "open"
    principle: int | None = None
    user_id: str | None = None
    words: tuple[str, ...] = field(default_factory=tuple)



def parse_retro_command(raw: str) -> RetroCommand:
    text = raw.strip()
    if not text:
        return RetroCommand("modal")
    verb, *more = text.split(None, 1)
    verb = verb.lower()
    rest = more[0].strip() if more else ""
    if verb in HELP_WORDS:
        return RetroCommand("help")
    if verb == "add":
        return _parse_add(rest)
    if verb == "list":
        return _parse_list(rest)
    if verb in {"done", "reopen", "delete"}:
        number = _number(rest)
        if number is None:
            return RetroCommand("unknown", text=f"`/retro {verb}` needs an action number, "
                                f"e.g. `/retro {verb} 42`.")
        return RetroCommand(verb, number=number)
    if verb in {"mydata", "my-data"}:
        return RetroCommand("mydata")
    if verb in {"forget-me", "forgetme"}:
        return RetroCommand("forget-me")
    if verb == "schedule":
        return RetroCommand("schedule", words=tuple(plain_text(rest).split()))
    return RetroCommand("unknown", text=f"I don't know `/retro {plain_text(verb)}`.")


def _number(text: str) -> int | None:
    match = re.fullmatch(r"#?(\d{1,9})", text.strip())
    return int(match[1]) if match else None


def _parse_add(rest: str) -> RetroCommand:
    owner = None
    owner_match = re.search(rf"(?:^|\s){_USER.pattern}\s*$", rest)
    tags: tuple[str, ...] = ()
    # Tags and an owner may come in either order at the end.
    # A leading space lets a text made only of tags (`/retro add #4`) lose them all and be
    # refused as empty, rather than logged with "#4" as its text.
    rest = " " + rest
    for _ in range(2):
        tag_match = _TRAILING_TAGS.search(rest)
        if tag_match:
            tags = tuple(tag_match.group().split()) + tags
            rest = rest[: tag_match.start()]
        owner_match = re.search(rf"\s{_USER.pattern}\s*$", rest)
        if owner_match and owner is None:
            owner = owner_match.group(1)
            rest = rest[: owner_match.start()]
    return RetroCommand("add", text=plain_text(rest), tags=tags, user_id=owner)


def _parse_list(rest: str) -> RetroCommand:
    status, principle, user = "open", None, None
    for word in rest.split():
        lowered = word.lower()
        if lowered in {"open", "done", "all"}:
            status = lowered
        elif re.fullmatch(r"#\d+(?:\.\d+)?", word):
            principle = int(word[1:].split(".")[0])
        elif _USER.fullmatch(word):
            user = _USER.fullmatch(word).group(1)  # type: ignore[union-attr]
        else:
            return RetroCommand("unknown", text=(
                f"I don't understand `{plain_text(word)}` in `/retro list`. Try "
                "`/retro list [open|done|all] [#4] [@person]`."))
    return RetroCommand("list", status=status, principle=principle, user_id=user)
