"""Parses the text of `/retro ...` into a command. Pure: no Slack calls, no storage.

The command is registered with escaping on, so users arrive as `<@U123|name>`; tags are the
`#` words at the end of an action (`/retro add fix the form #4 #security`). Every verb has one
entry in `VERBS`; each reads the text once, word by word (see handlers.kit.parsing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.kit.markup import plain_text
from handlers.kit.parsing import Invocation, by_verb, too_long
from handlers.kit.words import HELP_WORDS

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
# How many words a mention's label may span (`<@U123|Ann Lee>` arrives as two words).
LABEL_WORDS = 8
_TAG = re.compile(r"#[\w.\-]+")
_PRINCIPLE_FILTER = re.compile(r"#(\d{1,3})(?:\.\d{1,3})?")
_NUMBER = re.compile(r"#?(\d{1,9})")
LIST_FORMS = "`/retro list [open|done|all] [#4] [@person]`"
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
    refusal = too_long(raw)
    if refusal:
        return RetroCommand("unknown", text=refusal)
    return by_verb(raw, VERBS, _unknown, actor=user_id)


def _unknown(call: Invocation) -> RetroCommand:
    if not call.verb:
        return RetroCommand("modal")
    return RetroCommand("unknown", text=f"I don't know `/retro {plain_text(call.verb)}`.")


def _numbered(call: Invocation) -> RetroCommand:
    match = _NUMBER.fullmatch(call.rest)
    if match is None:
        return RetroCommand("unknown", text=f"`/retro {call.verb}` needs an action number, "
                            f"e.g. `/retro {call.verb} 42`.")
    return RetroCommand(call.verb, number=int(match[1]))


CHANGE_EXAMPLES = {
    "assign": "`/retro assign 12 @person` (or `me`, or `nobody`)",
    "due": "`/retro due 12 friday` (a date, `next week`, `in 3 days`, or `none`)",
    "edit": "`/retro edit 12 the new text`",
}


def _parse_change(call: Invocation) -> RetroCommand:
    verb = call.verb
    first, _, after = call.rest.partition(" ")
    match, after = _NUMBER.fullmatch(first.strip()), after.strip()
    usage = f"Type {CHANGE_EXAMPLES[verb]}."
    if match is None or not after:
        return RetroCommand("unknown", text=f"`/retro {verb}` needs an action number and "
                            f"what to change. {usage}")
    number = int(match[1])
    if verb == "edit":
        return RetroCommand("edit", number=number, text=plain_text(after))
    if verb == "due":
        unset = after.lower() in NOBODY
        return RetroCommand("due", number=number, text=plain_text(after), unset=unset)
    person = _USER.fullmatch(after)
    if person:
        return RetroCommand("assign", number=number, user_id=person.group(1))
    if after.lower() == "me" and call.actor:
        return RetroCommand("assign", number=number, user_id=call.actor)
    if after.lower() in NOBODY:
        return RetroCommand("assign", number=number, unset=True)
    return RetroCommand("unknown", text=f"I don't know who `{plain_text(after)[:80]}` is. "
                        f"{usage}")


def _export(call: Invocation) -> RetroCommand:
    fmt = call.rest.lower() or "csv"
    if fmt not in FORMATS:
        return RetroCommand("unknown", text="`/retro export` takes csv or json, e.g. "
                            "`/retro export json`.")
    return RetroCommand("export", fmt=fmt)


def words(text: str) -> list[str]:
    """The words of `text`, a mention whose label has spaces kept whole."""
    found: list[str] = []
    pieces = text.split()
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.startswith("<@") and ">" not in piece:
            for j in range(i + 1, min(i + LABEL_WORDS, len(pieces))):
                if ">" in pieces[j]:
                    joined = " ".join(pieces[i:j + 1])
                    if _USER.fullmatch(joined):
                        piece, i = joined, j
                    break
        found.append(piece)
        i += 1
    return found


def _parse_add(call: Invocation) -> RetroCommand:
    """Text, then tags and at most one owner in any order at the end."""
    typed = words(call.rest)
    tags: list[str] = []
    owner = None
    kept = len(typed)
    while kept:
        word = typed[kept - 1]
        user = _USER.fullmatch(word) if owner is None else None
        if _TAG.fullmatch(word):
            tags.append(word)
        elif user:
            owner = user.group(1)
        else:
            break
        kept -= 1
    return RetroCommand("add", text=plain_text(" ".join(typed[:kept])),
                        tags=tuple(reversed(tags)), user_id=owner)


def _parse_list(call: Invocation) -> RetroCommand:
    status, principle, user = "open", None, None
    for word in words(call.rest):
        lowered = word.lower()
        named_user = _USER.fullmatch(word)
        named_principle = _PRINCIPLE_FILTER.fullmatch(word)
        if lowered in {"open", "done", "all"}:
            status = lowered
        elif named_principle:
            principle = int(named_principle[1])
        elif named_user:
            user = named_user.group(1)
        else:
            return RetroCommand("unknown", text=(
                f"I don't understand `{plain_text(word)}` in `/retro list`. Try {LIST_FORMS}."))
    return RetroCommand("list", status=status, principle=principle, user_id=user)


def _schedule(call: Invocation) -> RetroCommand:
    return RetroCommand("schedule", words=tuple(plain_text(call.rest).split()))


def _fixed(verb: str) -> Callable[[Invocation], RetroCommand]:
    """A verb that takes nothing after it."""
    return lambda _: RetroCommand(verb)


VERBS: dict[str, Callable[[Invocation], RetroCommand]] = {
    **dict.fromkeys(HELP_WORDS, _fixed("help")),
    "add": _parse_add,
    "list": _parse_list,
    "done": _numbered, "reopen": _numbered, "delete": _numbered,
    "assign": _parse_change, "due": _parse_change, "edit": _parse_change,
    "export": _export,
    "mydata": _fixed("mydata"), "my-data": _fixed("mydata"),
    "forget-me": _fixed("forget-me"), "forgetme": _fixed("forget-me"),
    "schedule": _schedule,
}
