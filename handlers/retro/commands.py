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


MAX_COMMAND = 4000  # longer than any action (2000) with its tags and owner; read no further
NOBODY = frozenset({"none", "nobody", "noone", "no-one"})
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class RetroCommand:
    # add list done reopen delete assign due edit export mydata forget-me help modal schedule
    # unknown
    verb: str
    # For "unknown": what to tell the user, unescaped (quoting what they typed).
    text: str = ""
    tags: tuple[str, ...] = ()
    number: int | None = None
    status: str = "open"
    principle: int | None = None
    user_id: str | None = None
    words: tuple[str, ...] = field(default_factory=tuple)
    unset: bool = False  # assign/due: take the owner or the due date away
    fmt: str = "csv"  # export



def parse_retro_command(raw: str, user_id: str = "") -> RetroCommand:
    """`user_id` is who typed it, for `assign 12 me`."""
    text = raw[:MAX_COMMAND].strip()
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
    if verb in {"assign", "due", "edit"}:
        return _parse_change(verb, rest, user_id)
    if verb == "export":
        fmt = rest.lower() or "csv"
        if fmt not in FORMATS:
            return RetroCommand("unknown", text="`/retro export` takes csv or json, e.g. "
                                "`/retro export json`.")
        return RetroCommand("export", fmt=fmt)
    if verb in {"mydata", "my-data"}:
        return RetroCommand("mydata")
    if verb in {"forget-me", "forgetme"}:
        return RetroCommand("forget-me")
    if verb == "schedule":
        return RetroCommand("schedule", words=tuple(plain_text(rest).split()))
    return RetroCommand("unknown", text=f"I don't know `/retro {plain_text(verb)}`.")


CHANGE_EXAMPLES = {
    "assign": "`/retro assign 12 @person` (or `me`, or `nobody`)",
    "due": "`/retro due 12 friday` (a date, `next week`, `in 3 days`, or `none`)",
    "edit": "`/retro edit 12 the new text`",
}


def _parse_change(verb: str, rest: str, user_id: str) -> RetroCommand:
    first, _, after = rest.partition(" ")
    number, after = _number(first), after.strip()
    usage = f"Type {CHANGE_EXAMPLES[verb]}."
    if number is None or not after:
        return RetroCommand("unknown", text=f"`/retro {verb}` needs an action number and "
                            f"what to change. {usage}")
    if verb == "edit":
        return RetroCommand("edit", number=number, text=plain_text(after))
    if verb == "due":
        unset = after.lower() in NOBODY
        return RetroCommand("due", number=number, text=plain_text(after), unset=unset)
    person = _USER.fullmatch(after)
    if person:
        return RetroCommand("assign", number=number, user_id=person.group(1))
    if after.lower() == "me" and user_id:
        return RetroCommand("assign", number=number, user_id=user_id)
    if after.lower() in NOBODY:
        return RetroCommand("assign", number=number, unset=True)
    return RetroCommand("unknown", text=f"I don't know who `{plain_text(after)[:80]}` is. "
                        f"{usage}")


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
