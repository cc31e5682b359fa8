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
Each call is answered by the workspace its token belongs to (see `tokens`), which also plays
"Add to Slack": the authorize page at ``authorize_url`` and ``oauth.v2.access``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any

from aiohttp import web

from bot.localslack.standin.faults import Faults
from bot.localslack.standin.recorder import Recorder
from bot.localslack.standin.response_urls import ResponseUrls
from bot.localslack.standin.tokens import OAuthApp, TokenBook
from bot.localslack.standin.wire import (
    RESPONSE_URL,
    UPLOAD_URL,
    Failure,
    RecordedCall,
    Reply,
    basic_credentials,
    bearer_token,
    decode_json_args,
    failure_response,
    read_api_args,
)
from bot.localslack.standin.workspace import VIEW_METHODS, Workspace

logger = logging.getLogger(__name__)


class SlackStandIn(Recorder):
    """Slack's Web API and response URLs, on a loopback port. See the module docstring."""

    def __init__(
        self, *, team_id: str = "T0001", bot_user_id: str = "UBOT", bot_id: str = "BBOT"
    ) -> None:
        self.workspace = Workspace(team_id, bot_user_id, bot_id)
        self.tokens = TokenBook(self.workspace)
        super().__init__()
        self.faults = Faults()
        self._delays: dict[str, float] = {}
        self._jitter: dict[str, float] = {}
        self._response_urls = ResponseUrls()
        self._runner: web.AppRunner | None = None
        self._base = ""

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def team_url(self) -> str:
        return self.workspace.team_url

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        """users.info fields to answer for a user id, over the defaults."""
        return self.workspace.users

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on host:port; port 0 binds a free ephemeral port."""
        if self._runner is not None:
            raise RuntimeError("SlackStandIn is already started")
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_get("/oauth/v2/authorize", self._handle_authorize)
        app.router.add_post("/respond/{rid}", self._handle_response_url)
        app.router.add_post("/upload/{team_id}/{file_id}", self._handle_upload)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        self._runner = runner
        self._base = f"http://{bound_host}:{bound_port}"
        self.tokens.serve_uploads_at(f"{self._base}/upload/")
        self._last_activity = asyncio.get_running_loop().time()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        """The Web API base URL, with a trailing slash, for AsyncWebClient(base_url=...)."""
        return f"{self._started_base()}/api/"

    @property
    def authorize_url(self) -> str:
        """Slack's "Add to Slack" page, for AsyncOAuthSettings(authorization_url=...)."""
        return f"{self._started_base()}/oauth/v2/authorize"

    def response_url(self) -> str:
        """A fresh response URL on this server; like Slack's, it accepts at most 5 posts."""
        return f"{self._started_base()}/respond/{self._response_urls.new()}"

    def _started_base(self) -> str:
        if not self._base:
            raise RuntimeError("SlackStandIn is not started; await start() first")
        return self._base

    # ------------------------------------------------------------------ test controls

    def fail_next(self, method: str, *, status: int = 200, error: str | None = None,
                  retry_after: int | None = None, times: int = 1) -> None:
        """Make the next `times` calls of `method` (or "response_url") fail.

        With `retry_after`: 429, a Retry-After header and error "ratelimited". With status >= 500:
        that status and a plain-text body. Otherwise: `status` with {"ok": false, "error": error}.
        """
        self.faults.fail(method, Failure(status=status, error=error, retry_after=retry_after),
                         times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` `seconds` late, having carried them out."""
        self.faults.delay(method, seconds, times)

    def cut_next(self, method: str, *, times: int = 1) -> None:
        """Carry out the next `times` calls of `method`, then drop the connection unanswered."""
        self.faults.cut(method, times)

    def delay(self, method: str, seconds: float) -> None:
        """Answer every later call of `method` only after `seconds` (0: at once again)."""
        self._delays[method] = seconds

    def jitter(self, method: str, seconds: float) -> None:
        """Carry out every later call of `method` after a random wait of up to `seconds` (0:
        at once again): calls that arrive together are carried out in no particular order,
        as on Slack's many servers."""
        self._jitter[method] = seconds

    def register_app(self, app: OAuthApp) -> OAuthApp:
        """An app that can be installed through the authorize page and oauth.v2.access."""
        self.tokens.apps[app.client_id] = app
        return app

    def add_workspace(self, team_id: str, *, enterprise_id: str | None = None,
                      name: str | None = None) -> Workspace:
        """Another workspace to install to; an id starting with E is an Enterprise Grid org."""
        return self.tokens.add_workspace(team_id, enterprise_id=enterprise_id, name=name)

    def uninstall(self, team_id: str) -> None:
        """The workspace (or org) removes the app: every token issued to it stops working."""
        self.tokens.uninstall(team_id)

    def refuse(self, token: str, error: str = "token_revoked") -> None:
        """Refuse every call made with `token` from now on with `error`."""
        self.tokens.revoked[token] = error

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

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """A file's bytes posted to the URL files.getUploadURLExternal handed out."""
        self._begin()
        try:
            content = await request.read()
            await self._record(RecordedCall(method=UPLOAD_URL, args={}, url=str(request.url)))
            workspace = self.tokens.workspaces.get(request.match_info["team_id"])
            if workspace is None or not workspace.receive_upload(request.match_info["file_id"],
                                                                 content):
                return web.Response(status=404, text="unknown upload URL")
            return web.Response(text=f"OK - {len(content)}")
        finally:
            self._end()

    async def _serve_api(self, method: str, request: web.Request) -> web.StreamResponse:
        token = bearer_token(request.headers.get("Authorization", ""))
        try:
            args = await read_api_args(request)
        except ValueError as exc:
            await self._record(RecordedCall(method=method, args={}, token=token,
                                            peer=_peer(request)))
            return self._bad_request(method, f"unreadable request body: {exc}")
        if "token" in args:
            token = str(args.pop("token"))
        format_errors = decode_json_args(args)
        if self._jitter.get(method):
            await asyncio.sleep(random.uniform(0, self._jitter[method]))
        call = RecordedCall(method=method, args=args, token=token, peer=_peer(request))
        await self._record(call)

        if self._delays.get(method):
            await asyncio.sleep(self._delays[method])
        failure = self.faults.failure(method)
        if failure is not None:
            return failure_response(failure)
        if method == "oauth.v2.access":
            client = basic_credentials(request.headers.get("Authorization", ""))
            return self._answer(method, self.tokens.exchange(args, client))
        if not token:
            return self._answer(method, Reply.reject("not_authed", "no token was sent"))
        workspace = self.tokens.resolve(method, token)
        if isinstance(workspace, Reply):  # a refused token is Slack's answer, not a bad payload
            return self._answer(method, workspace)
        if format_errors:
            error = "invalid_arguments" if method in VIEW_METHODS else "invalid_blocks_format"
            return self._answer(method, Reply.reject(error, "; ".join(format_errors)))
        reply = workspace.dispatch(method, args)
        if method == "auth.test":
            reply.headers.update(self.tokens.scopes_header(token))
        call.response = reply.body
        if await self.faults.after_carrying_out(method, request):
            return web.Response()  # written to nobody: the connection is gone
        return self._answer(method, reply)

    async def _handle_authorize(self, request: web.Request) -> web.StreamResponse:
        status, where = self.tokens.authorize(dict(request.query))
        if status == 302:
            raise web.HTTPFound(where)
        return web.Response(status=status, text=f"Slack could not install the app: {where}")

    async def _serve_response_url(self, request: web.Request) -> web.StreamResponse:
        url = str(request.url)
        raw = await request.read()
        try:
            args = json.loads(raw)
            if not isinstance(args, dict):
                raise ValueError("the body is not a JSON object")
        except ValueError as exc:
            await self._record(RecordedCall(method=RESPONSE_URL, args={}, url=url,
                                            peer=_peer(request)))
            return self._bad_request(RESPONSE_URL, f"unreadable response_url body: {exc}")
        format_errors = decode_json_args(args)
        await self._record(RecordedCall(method=RESPONSE_URL, args=args, url=url,
                                        peer=_peer(request)))

        failure = self.faults.failure(RESPONSE_URL)
        if failure is not None:
            return failure_response(failure)
        reply = self._response_urls.answer(request.match_info["rid"], url, args, format_errors)
        if reply.invalid_reason is None and await self.faults.after_carrying_out(RESPONSE_URL,
                                                                                 request):
            return web.Response()
        return self._answer(RESPONSE_URL, reply)

    # ------------------------------------------------------------------ helpers

    def _answer(self, method: str, reply: Reply) -> web.Response:
        if reply.invalid_reason is not None:
            self.invalid.append((method, reply.invalid_reason))
        return web.json_response(reply.body, status=reply.status, headers=reply.headers)

    def _bad_request(self, method: str, reason: str) -> web.Response:
        self.invalid.append((method, reason))
        return web.json_response({"ok": False, "error": "invalid_request"}, status=400)

    def _internal_error(self, method: str, exc: Exception) -> web.Response:
        self.invalid.append((method, f"stand-in error: {type(exc).__name__}: {exc}"))
        return web.json_response({"ok": False, "error": "internal_error"}, status=500)


def _peer(request: web.Request) -> str:
    """The caller's address and port: calls made on one kept-alive connection share it."""
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return f"{peer[0]}:{peer[1]}" if peer else ""
