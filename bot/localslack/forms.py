"""What Slack sends for a modal's input when the console's person fills it in with text:
`!submit fix the form | bob | friday | 4.2, 7` (a person, a date in words or 2026-12-24,
option values). Slack's pickers send a user id and an ISO date; so does this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.schedule.datewords import DateInputError, parse_date
from bot.localslack import people


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    groups = element.get("option_groups") or [{"options": element.get("options", [])}]
    return [option for group in groups for option in group["options"]]


def _date(answer: str, today: dt.date) -> str | None:
    try:
        return parse_date(answer, today).isoformat() if answer else None
    except DateInputError:
        return answer  # sent as typed: the bot says what is wrong with it


def input_value(element: dict[str, Any], answer: str, today: dt.date) -> dict[str, Any]:
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
        return {"type": kind, "selected_date": _date(answer, today)}
    return {"type": kind or "plain_text_input", "value": answer or None}
