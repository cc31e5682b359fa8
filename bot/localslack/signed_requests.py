"""Requests as Slack sends them to the bot, signed with the signing secret.

The local console plays Slack with these, and the end-to-end tests and benchmarks use them to
drive the real app over HTTP; they follow Slack's payload formats and its v0 signature scheme.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

_counter = itertools.count(1)


@dataclass(frozen=True)
class SlackRequest:
    body: str
    content_type: str

    def headers(self, signing_secret: str, *, timestamp: int | None = None,
                retry_num: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        base = f"v0:{stamp}:{self.body}".encode()
        signature = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": self.content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return headers


@dataclass(frozen=True)
class Actor:
    """Who is acting where: the workspace, the channel and the person. `enterprise_id` for a
    workspace of an Enterprise Grid org, `org_install` when the app is installed org-wide."""

    team_id: str = "T0001"
    channel_id: str = "C0001"
    user_id: str = "U0001"
    user_name: str = "alex"
    channel_name: str = "service-team"
    enterprise_id: str | None = None
    org_install: bool = False

    def enterprise_fields(self) -> dict[str, Any]:
        """What Slack adds to a request from a workspace of an Enterprise Grid org."""
        if not self.enterprise_id:
            return {}
        return {"enterprise_id": self.enterprise_id, "is_enterprise_install": self.org_install}

    def authorizations(self, bot_user: str) -> list[dict[str, Any]]:
        return [{"enterprise_id": self.enterprise_id, "team_id": self.team_id,
                 "user_id": bot_user, "is_bot": True,
                 "is_enterprise_install": self.org_install}]


def _form(fields: dict[str, str]) -> SlackRequest:
    return SlackRequest(urlencode(fields), "application/x-www-form-urlencoded")


def _interactive(payload: dict[str, Any]) -> SlackRequest:
    return _form({"payload": json.dumps(payload)})


def unique_id(prefix: str) -> str:
    """Ids unique across runs too, like Slack's: the bot remembers handled deliveries in its
    database, so a counter restarting at 1 would make a new event look like a retry."""
    return prefix + uuid.uuid4().hex[:16].upper()


def trigger_id() -> str:
    return f"{next(_counter)}.1.trigger"


def slash_command(actor: Actor, command: str, text: str, response_url: str) -> SlackRequest:
    fields = {
        "token": "unused", "team_id": actor.team_id, "team_domain": "example",
        "channel_id": actor.channel_id, "channel_name": actor.channel_name,
        "user_id": actor.user_id, "user_name": actor.user_name, "command": command,
        "text": text, "api_app_id": "A0001", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id(),
    }
    if actor.enterprise_id:
        fields.update(enterprise_id=actor.enterprise_id,
                      is_enterprise_install=str(actor.org_install).lower())
    return _form(fields)


def event_callback(actor: Actor, event: dict[str, Any], event_id: str | None = None, *,
                   bot_user: str = "UBOT") -> SlackRequest:
    envelope = {
        "token": "unused", "team_id": actor.team_id, "api_app_id": "A0001",
        **actor.enterprise_fields(),
        "event": {"event_ts": event.get("ts", ""), **event},
        "type": "event_callback", "event_id": event_id or unique_id("Ev"),
        "event_time": int(time.time()),
        "authorizations": actor.authorizations(bot_user),
    }
    return SlackRequest(json.dumps(envelope), "application/json")


def app_uninstalled(actor: Actor) -> SlackRequest:
    """The app was removed from the actor's workspace (from the org, for an org-wide install:
    then Slack names no workspace)."""
    return _uninstall_event(actor, {"type": "app_uninstalled"})


def tokens_revoked(actor: Actor, bot_users: list[str]) -> SlackRequest:
    """The bot's tokens were revoked in the actor's workspace."""
    return _uninstall_event(actor, {"type": "tokens_revoked",
                                    "tokens": {"oauth": [], "bot": bot_users}})


def _uninstall_event(actor: Actor, event: dict[str, Any]) -> SlackRequest:
    envelope = json.loads(event_callback(actor, event).body)
    if actor.org_install:
        envelope["team_id"] = actor.enterprise_id
        envelope["authorizations"][0]["team_id"] = None
    return SlackRequest(json.dumps(envelope), "application/json")


def message_event(actor: Actor, text: str, *, channel_type: str = "channel",
                  mention: str | None = None, **extra: Any) -> dict[str, Any]:
    """A message or app_mention event (`mention` is the bot user id to mention)."""
    ts = f"{int(time.time())}.{next(_counter):06d}"
    body = f"<@{mention}> {text}" if mention else text
    return {
        "type": "app_mention" if mention else "message", "user": actor.user_id, "text": body,
        "ts": ts, "channel": actor.channel_id, "channel_type": channel_type,
        "team": actor.team_id, **extra,
    }


def block_actions(actor: Actor, action: dict[str, Any], *, response_url: str,
                  message: dict[str, Any] | None = None, is_ephemeral: bool = True,
                  view: dict[str, Any] | None = None) -> SlackRequest:
    """A click on a button (or another interactive element) in a message or a view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": actor.user_id, "username": actor.user_name, "team_id": actor.team_id},
        "api_app_id": "A0001", "token": "unused", "trigger_id": trigger_id(),
        "team": {"id": actor.team_id, "domain": "example"},
        "actions": [{"action_ts": f"{time.time():.6f}", **action}],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        payload["view"] = view
    else:
        payload["container"] = {"type": "message", "channel_id": actor.channel_id,
                                "is_ephemeral": is_ephemeral,
                                "message_ts": (message or {}).get("ts", "0")}
        payload["channel"] = {"id": actor.channel_id, "name": actor.channel_name}
        payload["response_url"] = response_url
        if message is not None:
            payload["message"] = message
    return _interactive(payload)


def global_shortcut(actor: Actor, callback_id: str) -> SlackRequest:
    return _interactive({
        "type": "shortcut", "callback_id": callback_id, "trigger_id": trigger_id(),
        "user": {"id": actor.user_id, "username": actor.user_name, "team_id": actor.team_id},
        "team": {"id": actor.team_id, "domain": "example"}, "token": "unused",
        "action_ts": f"{time.time():.6f}",
    })


def message_shortcut(actor: Actor, callback_id: str, message: dict[str, Any],
                     response_url: str) -> SlackRequest:
    return _interactive({
        "type": "message_action", "callback_id": callback_id, "trigger_id": trigger_id(),
        "user": {"id": actor.user_id, "name": actor.user_name, "team_id": actor.team_id},
        "team": {"id": actor.team_id, "domain": "example"},
        "channel": {"id": actor.channel_id, "name": actor.channel_name},
        "message": message, "message_ts": message.get("ts", ""),
        "response_url": response_url, "token": "unused", "action_ts": f"{time.time():.6f}",
    })


def view_submission(actor: Actor, view: dict[str, Any],
                    values: dict[str, dict[str, dict[str, Any]]]) -> SlackRequest:
    """Submitting a modal: `view` as opened (callback_id, private_metadata, id, hash)."""
    submitted = {**view, "state": {"values": values}}
    submitted.setdefault("id", unique_id("V"))
    submitted.setdefault("hash", f"{next(_counter)}.hash")
    return _interactive({
        "type": "view_submission",
        "user": {"id": actor.user_id, "username": actor.user_name, "team_id": actor.team_id},
        "team": {"id": actor.team_id, "domain": "example"}, "api_app_id": "A0001",
        "token": "unused", "trigger_id": trigger_id(), "view": submitted,
        "response_urls": [],
    })
