"""What travels between the bot and the Slack stand-in: recorded calls, replies, injected
failures, and request bodies decoded the way slack_sdk sends them (JSON bodies, form bodies with
JSON-encoded blocks/view/attachments, query parameters, the Authorization header)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

RESPONSE_URL = "response_url"
"""The pseudo-method under which posts to a response URL are recorded and failed."""

UPLOAD_URL = "upload_url"
"""The pseudo-method under which a file's bytes posted to its upload URL are recorded."""

JSON_ENCODED_ARGS = ("blocks", "view", "attachments")


@dataclass
class RecordedCall:
    """One request the stand-in received."""

    method: str  # Web API method, e.g. "chat.postMessage"; "response_url" for response URL posts
    args: dict[str, Any]  # decoded arguments; "blocks", "view", "attachments" decoded from JSON
    url: str = ""  # for response_url calls: the full URL posted to
    token: str | None = None
    peer: str = ""  # the caller's address:port, the same for calls on one connection
    # What the stand-in answered (for views.open: the view with the id Slack would give it).
    response: dict[str, Any] | None = None


@dataclass
class Failure:
    status: int
    error: str | None
    retry_after: int | None


@dataclass
class Reply:
    """What a method handler answers: a JSON body, or an error Slack would give."""

    body: dict[str, Any]
    status: int = 200
    invalid_reason: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def reject(cls, error: str, reason: str, status: int = 200) -> Reply:
        body = {"ok": False, "error": error, "response_metadata": {"messages": [reason]}}
        return cls(body=body, status=status, invalid_reason=reason)


def bearer_token(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(client_id, client_secret) of an `Authorization: Basic` header, as oauth.v2.access
    takes them from slack_sdk."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password


async def read_api_args(request: web.Request) -> dict[str, Any]:
    """Query parameters overlaid with the body (JSON or form). ValueError if unreadable."""
    args: dict[str, Any] = dict(request.query)
    raw = await request.read()
    if not raw:
        return args
    if request.content_type == "application/json":
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"invalid JSON ({exc})") from None
        if not isinstance(body, dict):
            raise ValueError("the JSON body is not an object")
        args.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        args.update({key: value for key, value in form.items() if isinstance(value, str)})
    else:
        raise ValueError(f"unsupported content type {request.content_type!r}")
    return args


def decode_json_args(args: dict[str, Any]) -> list[str]:
    """Decode blocks/view/attachments sent as JSON strings, in place; return format errors."""
    errors = []
    for key in JSON_ENCODED_ARGS:
        value = args.get(key)
        if isinstance(value, str):
            try:
                args[key] = json.loads(value)
            except ValueError as exc:
                errors.append(f"`{key}` is not valid JSON: {exc}")
    return errors


def failure_response(failure: Failure) -> web.Response:
    if failure.retry_after is not None:
        return web.json_response(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(failure.retry_after)},
        )
    if failure.status >= 500:
        return web.Response(
            text=f"stand-in failure ({failure.status})", status=failure.status,
            content_type="text/plain",
        )
    return web.json_response(
        {"ok": False, "error": failure.error or "fatal_error"}, status=failure.status
    )
