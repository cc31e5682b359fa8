"""The console's built-in directory: the people you can play (`!as bob`) and mention (`@bob`),
each with a Slack user id and time zone that the Web API stand-in answers users.info with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    name: str
    user_id: str
    real_name: str
    tz: str


DIRECTORY = (
    Person("alex", "U0001", "Alex Morgan", "Europe/London"),
    Person("bob", "U0002", "Bob Okafor", "Europe/Paris"),
    Person("carol", "U0003", "Carol Diaz", "America/New_York"),
    Person("dana", "U0004", "Dana Iyer", "Asia/Kolkata"),
)
CHANNEL_NAMES = {"C0001": "service-team"}
BY_NAME = {person.name: person for person in DIRECTORY}
BY_ID = {person.user_id: person for person in DIRECTORY}
_MENTION = re.compile(r"(?<![\w<@])@([a-z]+)\b", re.IGNORECASE)
_SHOWN_ID = re.compile(r"@([UW][A-Z0-9]+)\b")
_SHOWN_CHANNEL = re.compile(r"#(C[A-Z0-9]+)\b")


def users_info(person: Person) -> dict[str, Any]:
    """The users.info fields the stand-in answers for this person."""
    return {"name": person.name, "real_name": person.real_name, "tz": person.tz,
            "profile": {"display_name": person.name, "real_name": person.real_name}}


def with_mentions(text: str, *, escaped_command: bool) -> str:
    """Typed text as Slack sends it: `&`, `<` and `>` as entities (in commands and messages
    alike), and `@bob` a mention of Bob, as Slack's composer makes it: in a slash command's text
    `<@U0002|bob>` (commands registered with escaping), elsewhere `<@U0002>`. Names not in the
    directory stay as typed."""

    def mention(match: re.Match[str]) -> str:
        person = BY_NAME.get(match[1].lower())
        if person is None:
            return match[0]
        return f"<@{person.user_id}|{person.name}>" if escaped_command else \
            f"<@{person.user_id}>"

    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub(mention, escaped)


def with_names(text: str) -> str:
    """`@U0002` shown as `@bob` for the people of the directory, `#C0001` as the channel's
    name."""
    text = _SHOWN_ID.sub(lambda m: f"@{BY_ID[m[1]].name}" if m[1] in BY_ID else m[0], text)
    return _SHOWN_CHANNEL.sub(lambda m: f"#{CHANNEL_NAMES.get(m[1], m[1])}", text)


def who() -> str:
    return "\n".join(f"  {p.name:<6} {p.real_name:<12} {p.user_id}  {p.tz}" for p in DIRECTORY)
