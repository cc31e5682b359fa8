"""Block Kit shown as readable text, for the local console.

Interactive elements (buttons, checkboxes) are numbered so a person can "click" one by typing
its number; a `Clickable` keeps what Slack would send back for that click.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

WIDTH = 100


@dataclass(frozen=True)
class Clickable:
    label: str
    action: dict[str, Any]  # the action as it appears in a block_actions payload
    source: dict[str, Any]  # the message or view it belongs to
    in_view: bool = False


@dataclass
class Rendering:
    lines: list[str] = field(default_factory=list)
    clickables: list[Clickable] = field(default_factory=list)


def shown_text(obj: dict[str, Any] | None) -> str:
    """A text object as Slack would display it: entities decoded, mentions as @id."""
    if not obj:
        return ""
    value = re.sub(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", r"@\1", obj.get("text", ""))
    value = re.sub(r"<#([A-Z0-9]+)(?:\|[^>]*)?>", r"#\1", value)
    value = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", value)
    return html.unescape(value)


def _wrap(text: str, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, WIDTH, initial_indent=indent, subsequent_indent=indent) or [""]
    return out


def _checkbox_actions(element: dict[str, Any], block_id: str) -> list[tuple[str, bool, dict]]:
    """For each option: its label, whether it is ticked, and the action that toggles it."""
    ticked = element.get("initial_options", [])
    ticked_values = {o["value"] for o in ticked}
    result = []
    for option in element.get("options", []):
        on = option["value"] in ticked_values
        after = ([o for o in ticked if o["value"] != option["value"]] if on
                 else [*ticked, option])
        action = {"type": "checkboxes", "action_id": element["action_id"],
                  "block_id": block_id, "selected_options": after}
        label = shown_text(option.get("text"))
        if option.get("description"):
            label += f"  ({shown_text(option['description'])})"
        result.append((label, on, action))
    return result


def render_blocks(blocks: list[dict[str, Any]], source: dict[str, Any], into: Rendering,
                  *, in_view: bool = False) -> None:
    """Append the text of `blocks` to `into`, numbering interactive elements after the ones
    already there."""

    def add_clickable(label: str, action: dict[str, Any], line: str) -> None:
        into.clickables.append(Clickable(label, action, source, in_view))
        into.lines.append(f"  [{len(into.clickables)}] {line}")

    def element(item: dict[str, Any], block_id: str) -> None:
        kind = item.get("type")
        if kind == "button":
            label = shown_text(item.get("text"))
            if item.get("confirm"):
                label += " (asks you to confirm first)"
            action = {"type": "button", "action_id": item["action_id"], "block_id": block_id,
                      "value": item.get("value", ""), "text": item.get("text")}
            add_clickable(label, action, label)
        elif kind == "checkboxes":
            for label, on, action in _checkbox_actions(item, block_id):
                add_clickable(label, action, f"[{'x' if on else ' '}] {label}")
        else:
            into.lines.append(f"  ({kind})")

    for block in blocks:
        kind = block.get("type")
        block_id = block.get("block_id", "")
        if kind == "header":
            into.lines.append(shown_text(block.get("text")).upper())
        elif kind == "section":
            if block.get("text"):
                into.lines += _wrap(shown_text(block["text"]), "")
            for item in block.get("fields", []):
                into.lines += _wrap(shown_text(item))
            if block.get("accessory"):
                element(block["accessory"], block_id)
        elif kind == "context":
            for item in block.get("elements", []):
                into.lines += _wrap(shown_text(item), "  ~ ")
        elif kind == "divider":
            into.lines.append("  " + "-" * 40)
        elif kind == "actions":
            for item in block.get("elements", []):
                element(item, block_id)
        elif kind == "input":
            into.lines.append(f"  <input> {shown_text(block.get('label'))}")
        else:
            into.lines.append(f"  ({kind})")
