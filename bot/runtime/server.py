"""HTTP mode: aiohttp serving POST /slack/events (every Slack request) and GET /healthz; with
many workspaces also "Add to Slack": GET /slack/install and GET /slack/oauth_redirect.

Every request to the events URL passes the gate (bot.runtime.gate) before Bolt sees it; the
health check answers within its own deadline whatever the database does.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot import __version__
from bot.runtime.errors import PortInUseError
from bot.runtime.gate import Gate, Refusal, log_refusal

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

HealthCheck = Callable[[], Awaitable[dict[str, object]]]


def web_app(app: AsyncApp, health: HealthCheck | None = None) -> web.Application:
    # Bolt keeps the signing secret it verifies with and offers no accessor; the gate checks
    # with the same one, so the two can never disagree.
    gate = Gate(app._signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        admitted = gate.admit(await request.read(), request.headers)
        if isinstance(admitted, Refusal):
            log_refusal(admitted, request.remote)
            return web.json_response({"error": admitted.reason}, status=admitted.status)
        bolt_request = AsyncBoltRequest(body=admitted.text, query=request.query_string,
                                        headers=request.headers)  # type: ignore[arg-type]
        response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.Response:
        report: dict[str, object] = {"status": "ok", "version": __version__}
        if health is not None:
            report.update(await health())
        return web.json_response(report)

    application = web.Application(client_max_size=1024 * 1024)
    application.add_routes([web.post(EVENTS_PATH, slack_events), web.get(HEALTH_PATH, healthz)])
    flow = app.oauth_flow
    if flow is not None:
        async def install(request: web.Request) -> web.Response:
            response = await flow.handle_installation(await to_bolt_request(request))
            return await to_aiohttp_response(response)

        async def oauth_redirect(request: web.Request) -> web.Response:
            response = await flow.handle_callback(await to_bolt_request(request))
            return await to_aiohttp_response(response)

        application.add_routes([web.get(flow.install_path, install),
                                web.get(flow.redirect_uri_path, oauth_redirect)])
    return application


def reserve(host: str, port: int) -> socket.socket:
    """Bind the port now, before the slower start-up steps, so a port in use is said at once;
    nothing is accepted on it until `serve_forever` listens."""
    address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                 flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(address[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address[4])
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(f"port {port} is already in use: set PORT to a free one"
                                 ) from None
        raise
    return sock


async def start(application: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving; the runner's `addresses` tells the bound port when `port` is 0."""
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(f"port {port} is already in use: set PORT to a free one") from None
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int:
    return int(runner.addresses[0][1])


async def serve_forever(application: web.Application, sock: socket.socket) -> None:
    """Serve on the reserved socket until the process is stopped."""
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    host, port = sock.getsockname()[:2]
    print(f"principlebot listening on http://{host}:{port}{EVENTS_PATH}",
          file=sys.stderr, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
