"""The one key of every request, from what Slack sends once per thing a person does: an event's
id; a view submission's view id (a form does its one thing once, however often it is
submitted); otherwise the request's trigger id (commands, clicks, shortcuts).

The kit's middleware makes it the current request's key (bot.domain.deliveries), so every
change a listener makes through the domain is claimed with it, and a replay of any request (a
signed request posted again within Slack's five minutes, a retried delivery) changes nothing.
"""

from __future__ import annotations

from typing import Any


def request_key(body: dict[str, Any]) -> str | None:
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    view = body.get("view") if body.get("type") == "view_submission" else None
    if isinstance(view, dict) and view.get("id"):
        return f"view:{view['id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None
