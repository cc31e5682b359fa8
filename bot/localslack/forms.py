"""What Slack sends for a modal's input when the console's person fills it in with text:
`!submit fix the form | U0002 | 2026-12-24 | 4.2` (a user id, a date, option values)."""

from __future__ import annotations

from typing import Any

from bot.localslack import people


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    groups = element.get("option_groups") or [{"options": element.get("options", [])}]
    return [option for group in groups for option in group["options"]]


def input_value(element: dict[str, Any], answer: str) -> dict[str, Any]:
    kind = element.get("type")
    wanted = {a.strip() for a in answer.split(",") if a.strip()}
    if kind == "static_select":
        chosen = next((o for o in _options(element) if o["value"] == answer), None)
        return {"type": kind, "selected_option": chosen}
    if kind == "multi_static_select":
        return {"type": kind,
                "selected_options": [o for o in _options(element) if o["value"] in wanted]}
    if kind == "checkboxes":
        return {"type": kind,
                "selected_options": [o for o in element.get("options", [])
                                     if o["value"] in wanted]}
    if kind == "users_select":
        person = people.BY_NAME.get(answer.lower().lstrip("@"))
        return {"type": kind, "selected_user": person.user_id if person else answer or None}
    if kind == "datepicker":
        return {"type": kind, "selected_date": answer or None}
    return {"type": kind or "plain_text_input", "value": answer or None}
