"""Running `principlebot` as a separate process, as a person runs it: a clean environment, a
free port, its one-line failures, and `serve` up and answering."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.utils.paths import REPO

STARTUP_DEADLINE = 30.0  # seconds to wait for `serve` to come up (not an assertion on speed)
SETTINGS = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
            "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_AUTHORIZE_URL",
            "PRINCIPLEBOT_UNINSTALL_GRACE", "DATABASE_URL", "PORT", "LOG_LEVEL"}


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The parent environment without any of the bot's settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'principlebot.db'}"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.runtime.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


async def run_cli_async(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`run_cli` without blocking the event loop, for a process talking to a Slack double
    served by the test itself."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", *args, cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return subprocess.CompletedProcess(args, process.returncode or 0, stdout.decode(),
                                       stderr.decode())


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *mentions: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {result.stderr!r}"
    for mention in mentions:
        assert mention in lines[0]


@contextlib.asynccontextmanager
async def serving(tmp_path: Path, name: str = "serve", **settings: str
                  ) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    """`principlebot serve` on a free port with `settings`, up and answering /healthz; yields
    its base URL and a session. Stopped with SIGTERM, it must exit with 0, and its output (in
    `name`.stderr) hold no traceback."""
    port = free_port()
    env = clean_env(tmp_path, PORT=str(port), **settings)
    stderr_path = tmp_path / f"{name}.stderr"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.runtime.cli", "serve", "--host", "127.0.0.1", cwd=REPO,
            env=env, stdout=stderr, stderr=stderr,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
                await wait_until_up(session, base, process, stderr_path)
                yield base, session
        finally:
            if process.returncode is None:
                process.terminate()  # as a hosting platform stops it: it shuts down cleanly
                assert await process.wait() == 0, stderr_path.read_text()
    assert "Traceback" not in stderr_path.read_text(), stderr_path.read_text()


async def wait_until_up(session: aiohttp.ClientSession, base: str,
                        process: asyncio.subprocess.Process, stderr_path: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_DEADLINE
    while True:
        if process.returncode is not None:
            pytest.fail(f"serve exited with {process.returncode}: {stderr_path.read_text()}")
        try:
            async with session.get(f"{base}/healthz") as response:
                await response.read()
                return
        except aiohttp.ClientConnectionError:
            if loop.time() > deadline:
                pytest.fail(f"serve did not come up: {stderr_path.read_text()}")
            await asyncio.sleep(0.1)
