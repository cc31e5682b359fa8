"""What every command parser shares: the text capped at Slack's limit before anything reads it,
the verb split from the rest, and a verb table so a new verb is one more entry.

Parsers here and in the features walk the text once (str.split, anchored or unambiguous
patterns): a person can type up to Slack's limit, and a pattern that backtracks on such a text
would hold the event loop, and with it every other request, for seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from handlers.kit import limits

Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class Invocation:
    """A command's text split once: its verb (lowercase) and the rest as typed, and who typed
    it (for words like `me`)."""

    verb: str
    rest: str
    actor: str = ""


def too_long(text: str) -> str | None:
    """What to tell someone whose command text is over Slack's limit; None when it is not."""
    if len(text) <= limits.COMMAND_TEXT:
        return None
    return (f"That is {len(text):,} characters; Slack allows {limits.COMMAND_TEXT:,} in a "
            "command. Write it shorter.")


def split_verb(text: str, actor: str = "") -> Invocation:
    """The first word (lowercase) and the rest, trimmed; an empty verb for empty text."""
    parts = text.strip().split(None, 1)
    if not parts:
        return Invocation("", "", actor)
    return Invocation(parts[0].lower(), parts[1].strip() if len(parts) > 1 else "", actor)


def by_verb(text: str, table: Mapping[str, Callable[[Invocation], Parsed]],
            otherwise: Callable[[Invocation], Parsed], actor: str = "") -> Parsed:
    """Parse `text` (already capped) with the entry of its verb, else with `otherwise`."""
    invocation = split_verb(text, actor)
    return table.get(invocation.verb, otherwise)(invocation)
