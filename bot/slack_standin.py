"""A local stand-in for Slack's Web API, served over real HTTP on loopback.

The bot's local console runs it in-process, and the end-to-end tests use it as their Slack double:
point slack_sdk's ``AsyncWebClient`` at it with ``base_url=standin.api_url`` and post to the URLs
that ``response_url()`` hands out. It answers the Web API methods the bot uses the way Slack does,
records every request in ``calls``, and checks every Block Kit payload with slack_sdk's models and
Slack's own limits: a payload Slack would reject is answered with Slack's error and listed in
``invalid`` (method, reason), so a test can assert that nothing the bot sent would have failed.

Requests are decoded the way slack_sdk sends them: JSON bodies (chat.*, views.*), form bodies
(``api_call(data=...)``, where ``blocks``/``view``/``attachments`` are JSON strings), query
parameters (auth.test, users.info, ...), and the ``Authorization: Bearer`` header for the token.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

logger = logging.getLogger(__name__)

RESPONSE_URL = "response_url"
"""The pseudo-method under which posts to a response URL are recorded and failed."""

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
RESPONSE_URL_MAX_USES = 5
MESSAGE_TEXT_MAX_LENGTH = 40_000
DEFAULT_TZ = "Europe/London"
JSON_ENCODED_ARGS = ("blocks", "view", "attachments")
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
VIEW_TEXT_FIELDS = ("title", "submit", "close")


@dataclass
class RecordedCall:
    """One request the stand-in received."""

    method: str  # Web API method, e.g. "chat.postMessage"; "response_url" for response URL posts
    args: dict[str, Any]  # decoded arguments; "blocks", "view", "attachments" decoded from JSON
    url: str = ""  # for response_url calls: the full URL posted to
    token: str | None = None


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: int | None


@dataclass
class _Reply:
    """What a method handler answers: a JSON body, or an error Slack would give."""

    body: dict[str, Any]
    status: int = 200
    invalid_reason: str | None = None

    @classmethod
    def reject(cls, error: str, reason: str, status: int = 200) -> _Reply:
        body = {"ok": False, "error": error, "response_metadata": {"messages": [reason]}}
        return cls(body=body, status=status, invalid_reason=reason)


@dataclass
class _ResponseUrl:
    uses: int = 0


class SlackStandIn:
    """Slack's Web API and response URLs, on a loopback port. See the module docstring."""

    def __init__(
        self, *, team_id: str = "T0001", bot_user_id: str = "UBOT", bot_id: str = "BBOT"
    ) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_name = "Stand-in Workspace"
        self.team_url = "https://standin.slack.com/"
        self.calls: list[RecordedCall] = []
        self.invalid: list[tuple[str, str]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._response_ids = itertools.count(1)
        self._ts_counter = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._in_flight = 0
        self._last_activity = 0.0
        self._runner: web.AppRunner | None = None
        self._base = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on host:port; port 0 binds a free ephemeral port."""
        if self._runner is not None:
            raise RuntimeError("SlackStandIn is already started")
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/respond/{rid}", self._handle_response_url)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        self._runner = runner
        self._base = f"http://{bound_host}:{bound_port}"
        self._last_activity = asyncio.get_running_loop().time()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        """The Web API base URL, with a trailing slash, for AsyncWebClient(base_url=...)."""
        return f"{self._started_base()}/api/"

    def response_url(self) -> str:
        """A fresh response URL on this server; like Slack's, it accepts at most 5 posts."""
        rid = str(next(self._response_ids))
        self._response_urls[rid] = _ResponseUrl()
        return f"{self._started_base()}/respond/{rid}"

    def _started_base(self) -> str:
        if not self._base:
            raise RuntimeError("SlackStandIn is not started; await start() first")
        return self._base

    # ------------------------------------------------------------------ test controls

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` (or "response_url") fail.

        With `retry_after`: 429, a Retry-After header and error "ratelimited". With status >= 500:
        that status and a plain-text body. Otherwise: `status` with {"ok": false, "error": error}.
        """
        failure = _Failure(status=status, error=error, retry_after=retry_after)
        self._failures.setdefault(method, deque()).extend([failure] * times)

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedCall]:
        """Wait until at least `count` calls of `method` were recorded; return them all."""
        try:
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.calls_to(method)) >= count), timeout
                )
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise AssertionError(
                f"expected {count} call(s) of {method} within {timeout}s, "
                f"got {len(self.calls_to(method))}; recorded: {seen}"
            ) from None
        return self.calls_to(method)

    async def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until no request has arrived or been in progress for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            quiet_left = self._last_activity + quiet - now
            if self._in_flight == 0 and quiet_left <= 0:
                return
            if now >= deadline:
                raise AssertionError(
                    f"Slack stand-in did not go quiet for {quiet}s within {timeout}s "
                    f"({len(self.calls)} calls recorded)"
                )
            await asyncio.sleep(max(0.005, min(quiet_left, deadline - now, quiet)))

    def clear(self) -> None:
        """Forget recorded calls and invalid payloads (users, URLs and pending failures stay)."""
        self.calls.clear()
        self.invalid.clear()

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self._begin()
        try:
            return await self._serve_api(method, request)
        except Exception as exc:  # a bug here must not look like a dropped connection
            logger.exception("Slack stand-in failed on %s", method)
            return self._internal_error(method, exc)
        finally:
            self._end()

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        self._begin()
        try:
            return await self._serve_response_url(request)
        except Exception as exc:
            logger.exception("Slack stand-in failed on a response_url post")
            return self._internal_error(RESPONSE_URL, exc)
        finally:
            self._end()

    async def _serve_api(self, method: str, request: web.Request) -> web.StreamResponse:
        token = _bearer_token(request.headers.get("Authorization", ""))
        try:
            args = await _read_api_args(request)
        except ValueError as exc:
            await self._record(RecordedCall(method=method, args={}, token=token))
            return self._bad_request(method, f"unreadable request body: {exc}")
        if "token" in args:
            token = str(args.pop("token"))
        format_errors = _decode_json_args(args)
        await self._record(RecordedCall(method=method, args=args, token=token))

        failure = self._take_failure(method)
        if failure is not None:
            return _failure_response(failure)
        if not token:
            return self._answer(method, _Reply.reject("not_authed", "no token was sent"))
        if format_errors:
            error = "invalid_arguments" if method in VIEW_METHODS else "invalid_blocks_format"
            return self._answer(method, _Reply.reject(error, "; ".join(format_errors)))
        return self._answer(method, self._dispatch(method, args))

    async def _serve_response_url(self, request: web.Request) -> web.StreamResponse:
        rid = request.match_info["rid"]
        url = str(request.url)
        raw = await request.read()
        try:
            args = json.loads(raw)
            if not isinstance(args, dict):
                raise ValueError("the body is not a JSON object")
        except ValueError as exc:
            await self._record(RecordedCall(method=RESPONSE_URL, args={}, url=url))
            return self._bad_request(RESPONSE_URL, f"unreadable response_url body: {exc}")
        format_errors = _decode_json_args(args)
        await self._record(RecordedCall(method=RESPONSE_URL, args=args, url=url))

        failure = self._take_failure(RESPONSE_URL)
        if failure is not None:
            return _failure_response(failure)
        target = self._response_urls.get(rid)
        if target is None:
            reply = _Reply.reject("invalid_url", f"unknown response URL {url}", status=404)
            return self._answer(RESPONSE_URL, reply)
        if target.uses >= RESPONSE_URL_MAX_USES:
            reason = f"{url} was already used {RESPONSE_URL_MAX_USES} times"
            return self._answer(RESPONSE_URL, _Reply.reject("used_url", reason, status=404))
        if format_errors:
            reply = _Reply.reject("invalid_blocks_format", "; ".join(format_errors), status=400)
            return self._answer(RESPONSE_URL, reply)
        errors = [] if args.get("delete_original") else _message_errors(args)
        if errors:
            error, reason = errors[0][0], "; ".join(reason for _, reason in errors)
            return self._answer(RESPONSE_URL, _Reply.reject(error, reason, status=400))
        target.uses += 1
        return self._answer(RESPONSE_URL, _Reply(body={"ok": True}))

    # ------------------------------------------------------------------ Web API methods

    def _dispatch(self, method: str, args: dict[str, Any]) -> _Reply:
        if method in MESSAGE_METHODS:
            rejection = _reject_message(method, args)
            if rejection is not None:
                return rejection
        if method in VIEW_METHODS:
            rejection = _reject_view_call(method, args)
            if rejection is not None:
                return rejection
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_show,
            "views.push": self._views_show,
            "views.update": self._views_show,
            "views.publish": self._views_show,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
        }.get(method)
        if handler is None:
            return _Reply(body={"ok": True})
        return handler(args)

    def _auth_test(self, args: dict[str, Any]) -> _Reply:
        return _Reply(body={
            "ok": True,
            "url": self.team_url,
            "team": self.team_name,
            "user": "principlebot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        })

    def _chat_post_message(self, args: dict[str, Any]) -> _Reply:
        channel = _dm_channel(str(args["channel"]))
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "text": args.get("text", ""),
            "ts": ts,
        }
        if "blocks" in args:
            message["blocks"] = args["blocks"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        return _Reply(body={"ok": True, "channel": channel, "ts": ts, "message": message})

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> _Reply:
        return _Reply(body={"ok": True, "message_ts": self._next_ts()})

    def _chat_update(self, args: dict[str, Any]) -> _Reply:
        text = args.get("text", "")
        return _Reply(body={"ok": True, "channel": args["channel"], "ts": args["ts"], "text": text})

    def _chat_delete(self, args: dict[str, Any]) -> _Reply:
        if not args.get("channel"):
            return _Reply.reject("channel_not_found", "chat.delete needs `channel`")
        if not args.get("ts"):
            return _Reply.reject("message_not_found", "chat.delete needs `ts`")
        return _Reply(body={"ok": True, "channel": args["channel"], "ts": args["ts"]})

    def _chat_get_permalink(self, args: dict[str, Any]) -> _Reply:
        channel, ts = args.get("channel"), args.get("message_ts")
        if not channel:
            return _Reply.reject("channel_not_found", "chat.getPermalink needs `channel`")
        if not ts:
            return _Reply.reject("message_not_found", "chat.getPermalink needs `message_ts`")
        permalink = f"{self.team_url}archives/{channel}/p{str(ts).replace('.', '')}"
        return _Reply(body={"ok": True, "channel": channel, "permalink": permalink})

    def _views_show(self, args: dict[str, Any]) -> _Reply:
        view = copy.deepcopy(args["view"])
        n = next(self._view_ids)
        view_id = str(args.get("view_id") or f"V{n:08d}")
        view.setdefault("callback_id", "")
        view.setdefault("private_metadata", "")
        view.setdefault("external_id", str(args.get("external_id") or ""))
        view.update({
            "id": view_id,
            "team_id": self.team_id,
            "bot_id": self.bot_id,
            "app_id": "ASTANDIN",
            "root_view_id": view_id,
            "previous_view_id": None,
            "state": {"values": {}},
            "hash": f"1700000000.{n:08d}",
        })
        return _Reply(body={"ok": True, "view": view})

    def _users_info(self, args: dict[str, Any]) -> _Reply:
        user_id = args.get("user")
        if not user_id:
            return _Reply.reject("user_not_found", "users.info needs `user`")
        return _Reply(body={"ok": True, "user": self._user(str(user_id))})

    def _conversations_open(self, args: dict[str, Any]) -> _Reply:
        if args.get("channel"):
            channel_id = str(args["channel"])
        else:
            users = [u for u in str(args.get("users", "")).split(",") if u]
            if not users:
                return _Reply.reject("users_list_not_supplied", "conversations.open needs `users`")
            channel_id = "D" + users[0] if len(users) == 1 else "G" + "".join(users)
        return _Reply(body={"ok": True, "channel": _channel_object(channel_id)})

    def _conversations_info(self, args: dict[str, Any]) -> _Reply:
        channel_id = args.get("channel")
        if not channel_id:
            return _Reply.reject("channel_not_found", "conversations.info needs `channel`")
        return _Reply(body={"ok": True, "channel": _channel_object(str(channel_id))})

    def _user(self, user_id: str) -> dict[str, Any]:
        """The users.info object: the configured fields over a default user."""
        is_bot = user_id == self.bot_user_id
        name = "principlebot" if is_bot else user_id.lower()
        real_name = "principlebot" if is_bot else f"User {user_id}"
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real_name,
            "deleted": False,
            "is_bot": is_bot,
            "tz": DEFAULT_TZ,
            "profile": {"display_name": name, "real_name": real_name},
        }
        configured = copy.deepcopy(self.users.get(user_id, {}))
        profile = {**user["profile"], **configured.pop("profile", {})}
        user.update(configured)
        user["profile"] = profile
        if "tz_offset" not in configured:
            user["tz_offset"] = _utc_offset_seconds(str(user["tz"]))
        return user

    # ------------------------------------------------------------------ helpers

    def _next_ts(self) -> str:
        n = next(self._ts_counter) * 100
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        return queue.popleft() if queue else None

    def _answer(self, method: str, reply: _Reply) -> web.Response:
        if reply.invalid_reason is not None:
            self.invalid.append((method, reply.invalid_reason))
        return web.json_response(reply.body, status=reply.status)

    def _bad_request(self, method: str, reason: str) -> web.Response:
        self.invalid.append((method, reason))
        return web.json_response({"ok": False, "error": "invalid_request"}, status=400)

    def _internal_error(self, method: str, exc: Exception) -> web.Response:
        self.invalid.append((method, f"stand-in error: {type(exc).__name__}: {exc}"))
        return web.json_response({"ok": False, "error": "internal_error"}, status=500)

    def _begin(self) -> None:
        self._in_flight += 1
        self._last_activity = asyncio.get_running_loop().time()

    def _end(self) -> None:
        self._in_flight -= 1
        self._last_activity = asyncio.get_running_loop().time()

    async def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()


# ---------------------------------------------------------------------- request decoding


def _bearer_token(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


async def _read_api_args(request: web.Request) -> dict[str, Any]:
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


def _decode_json_args(args: dict[str, Any]) -> list[str]:
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


def _failure_response(failure: _Failure) -> web.Response:
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


def _dm_channel(channel: str) -> str:
    """Posting to a user id posts into the app's DM with that user, as Slack does."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


def _channel_object(channel_id: str) -> dict[str, Any]:
    is_im = channel_id.startswith("D")
    return {
        "id": channel_id,
        "name": "" if is_im else channel_id.lower(),
        "is_channel": channel_id.startswith("C"),
        "is_group": channel_id.startswith("G"),
        "is_im": is_im,
        "is_private": not channel_id.startswith("C"),
        "is_member": True,
        "user": channel_id[1:] if is_im else None,
    }


def _utc_offset_seconds(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (KeyError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


# ---------------------------------------------------------------------- validation


def _reject_message(method: str, args: dict[str, Any]) -> _Reply | None:
    """A chat.* call Slack would refuse, answered with Slack's error; None when it is fine."""
    errors = _message_errors(args)
    if not args.get("channel"):
        errors.insert(0, ("channel_not_found", f"{method} needs `channel`"))
    if method == "chat.postEphemeral" and not args.get("user"):
        errors.insert(0, ("invalid_arguments", "chat.postEphemeral needs `user`"))
    if method == "chat.update" and not args.get("ts"):
        errors.insert(0, ("message_not_found", "chat.update needs `ts`"))
    if not errors:
        return None
    return _Reply.reject(errors[0][0], "; ".join(reason for _, reason in errors))


def message_errors(payload: dict[str, Any]) -> list[str]:
    """Why Slack would reject `payload` (text, blocks, attachments) as a message; [] if valid.

    The check the stand-in applies to chat.* calls and response URL posts, for messages that never
    reach it, such as a slash command's answer returned in the ack."""
    return [reason for _, reason in _message_errors(payload)]


def _message_errors(args: dict[str, Any]) -> list[tuple[str, str]]:
    """(Slack error, reason) for a message payload: content present, text length, blocks."""
    errors: list[tuple[str, str]] = []
    text = args.get("text")
    if text is not None and not isinstance(text, str):
        errors.append(("invalid_arguments", "`text` must be a string"))
    elif isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX_LENGTH:
        errors.append(("msg_too_long", f"`text` is over {MESSAGE_TEXT_MAX_LENGTH} characters"))
    has_content = bool(text) or bool(args.get("blocks")) or bool(args.get("attachments"))
    if not has_content:
        errors.append(("no_text", "a message needs `text` or `blocks`"))
    if "blocks" in args:
        errors.extend(("invalid_blocks", reason)
                      for reason in _blocks_errors(args["blocks"], MESSAGE_MAX_BLOCKS))
    return errors


def _reject_view_call(method: str, args: dict[str, Any]) -> _Reply | None:
    errors: list[str] = []
    if method in ("views.open", "views.push") and not (
        args.get("trigger_id") or args.get("interactivity_pointer")
    ):
        errors.append(f"{method} needs `trigger_id`")
    if method == "views.update" and not (args.get("view_id") or args.get("external_id")):
        errors.append("views.update needs `view_id` or `external_id`")
    if method == "views.publish" and not args.get("user_id"):
        errors.append("views.publish needs `user_id`")
    view = args.get("view")
    if not isinstance(view, dict):
        errors.append(f"{method} needs `view`, a JSON object")
    else:
        if method == "views.publish" and view.get("type") != "home":
            errors.append("views.publish takes a view of type home")
        errors.extend(_view_errors(view))
    if not errors:
        return None
    return _Reply.reject("invalid_arguments", "; ".join(errors))


def _view_errors(view: dict[str, Any]) -> list[str]:
    """Reasons Slack would reject a view: slack_sdk's View validators and Slack's own rules."""
    errors = [f"view.{key}: unknown property" for key in view if key not in View.attributes]
    blocks = view.get("blocks")
    if blocks is None:
        errors.append("view.blocks is required")
    else:
        errors.extend(f"view.{reason}" for reason in _blocks_errors(blocks, VIEW_MAX_BLOCKS))
    if view.get("type") == "modal":
        if not view.get("title"):
            errors.append("view.title is required in a modal")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and not view.get("submit"):
            errors.append("view.submit is required in a modal with input blocks")
    for key in VIEW_TEXT_FIELDS:
        value = view.get(key)
        if value is None:
            continue
        if not isinstance(value, dict) or value.get("type") != "plain_text":
            errors.append(f"view.{key} must be a plain_text object")
        elif not isinstance(value.get("text"), str) or not value["text"]:
            errors.append(f"view.{key}.text must be a non-empty string")
    if errors:
        return errors
    try:
        View(**copy.deepcopy(view)).validate_json()
    except Exception as exc:
        errors.append(f"view: {exc}")
    return errors


def _blocks_errors(blocks: Any, max_blocks: int) -> list[str]:
    """Reasons Slack would reject a list of blocks; empty when it is valid."""
    if not isinstance(blocks, list):
        return ["blocks must be a JSON array"]
    errors = []
    if len(blocks) > max_blocks:
        errors.append(f"blocks: {len(blocks)} blocks, at most {max_blocks} are allowed")
    block_ids: set[str] = set()
    for i, given in enumerate(blocks):
        where = f"blocks[{i}]"
        if not isinstance(given, dict):
            errors.append(f"{where}: must be a JSON object")
            continue
        where = f"{where} ({given.get('type', 'no type')})"
        block_id = given.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                errors.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        errors.extend(f"{where}: {reason}" for reason in _block_errors(given))
    return errors


def _block_errors(given: dict[str, Any]) -> list[str]:
    """One block through slack_sdk's models: parse, run every validator (to_dict recurses)."""
    try:
        block = Block.parse(copy.deepcopy(given))
        if block is None:
            return [f"unknown block type {given.get('type')!r}"]
        block.validate_json()
        produced = block.to_dict()
    except Exception as exc:  # SlackObjectFormationError, or TypeError/KeyError from a bad shape
        return [f"{exc}" or type(exc).__name__]
    return _dropped_properties(given, produced, "")


def _dropped_properties(given: Any, produced: Any, path: str) -> list[str]:
    """What slack_sdk's models dropped or reshaped: properties Slack itself does not accept."""
    if isinstance(given, dict) and isinstance(produced, dict):
        errors = []
        for key, value in given.items():
            if value is None:
                continue
            if key not in produced:
                errors.append(f"{path}{key}: unknown or misplaced property")
            else:
                errors.extend(_dropped_properties(value, produced[key], f"{path}{key}."))
        return errors
    if isinstance(given, list) and isinstance(produced, list) and len(given) == len(produced):
        errors = []
        for i, (g, p) in enumerate(zip(given, produced, strict=True)):
            errors.extend(_dropped_properties(g, p, f"{path.rstrip('.')}[{i}]."))
        return errors
    if isinstance(given, str) and isinstance(produced, dict):
        return [f"{path.rstrip('.')}: must be an object, not a string"]
    return []
