"""Start-up as a person sees it, running the real processes against the Slack double: a token
Slack refuses stops `serve` or `socket` with one line and exit 2, an unreachable Slack is
retried with one warning line per attempt, and `serve` with
SLACK_CLIENT_ID installs into a workspace and answers it with that workspace's token."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import sys

from bot.localslack import signed_requests as slack
from bot.localslack.standin import SlackStandIn
from tests.utils.paths import REPO
from tests.utils.processes import (
    assert_one_line_failure,
    clean_env,
    free_port,
    run_cli_async,
    serving,
)
from tests.utils.slack import BotClient
from tests.utils.workspaces import APP, STATE_COOKIE, Browser

WARNINGS_AWAITED = 2


async def test_serve_with_a_bot_token_slack_refuses_stops_in_one_line(tmp_path, slack_double):
    env = clean_env(tmp_path, SLACK_BOT_TOKEN="banana", SLACK_SIGNING_SECRET="s3cret",
                    SLACK_API_URL=slack_double.api_url, PORT=str(free_port()))
    result = await run_cli_async("serve", "--host", "127.0.0.1", env=env)
    assert_one_line_failure(result, "SLACK_BOT_TOKEN", "invalid_auth")
    assert result.returncode == 2
    assert "banana" not in result.stderr


async def test_socket_with_an_app_token_slack_refuses_stops_in_one_line(tmp_path,
                                                                        slack_double):
    env = clean_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xoxb-not-an-app",
                    SLACK_API_URL=slack_double.api_url)
    result = await run_cli_async("socket", env=env)
    assert_one_line_failure(result, "SLACK_APP_TOKEN", "not_allowed_token_type")
    assert result.returncode == 2


async def test_an_unreachable_slack_is_retried_with_one_warning_per_attempt(tmp_path):
    nowhere = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    env = clean_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s3cret",
                    SLACK_API_URL=nowhere, PORT=str(free_port()))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", "serve", "--host", "127.0.0.1", cwd=REPO,
        env=env, stderr=asyncio.subprocess.PIPE)
    lines: list[str] = []
    try:
        while len(lines) < WARNINGS_AWAITED:  # 0.5 s, then 1 s apart
            line = await asyncio.wait_for(process.stderr.readline(), 15)
            assert line, f"serve stopped: {lines}"
            lines.append(line.decode().rstrip())
    finally:
        process.terminate()
        rest = (await process.communicate())[1].decode()
    for attempt, line in enumerate(lines, start=1):
        assert " WARNING principlebot: cannot reach Slack at " + nowhere in line
        assert line.endswith(f"(attempt {attempt})")
    assert "Traceback" not in rest


async def test_serve_installs_into_a_workspace_and_answers_with_its_token(
        tmp_path, slack_double: SlackStandIn):
    slack_double.add_workspace("T0002", name="Tax office")
    secret = secrets.token_hex(16)
    async with serving(tmp_path, SLACK_CLIENT_ID=APP.client_id,
                       SLACK_CLIENT_SECRET=APP.client_secret, SLACK_SIGNING_SECRET=secret,
                       SLACK_API_URL=slack_double.api_url,
                       SLACK_AUTHORIZE_URL=slack_double.authorize_url) as (base, session):
        slack_double.register_app(dataclasses.replace(
            APP, redirect_url=f"{base}/slack/oauth_redirect"))
        bot = BotClient(f"{base}/slack/events", secret, slack_double, session)
        browser = Browser(session, base)
        started = await browser.start_install(team="T0002")
        page = await browser.get(await browser.approve(started), cookie=started.cookie)
        assert page.status == 200 and "principlebot is now in Tax office" in page.text
        assert STATE_COOKIE in page.headers["Set-Cookie"]  # spent: cleared

        actor = slack.Actor(team_id="T0002", channel_id="C0201", user_id="U0201")
        reply, _ = await bot.command("", "/standup", actor=actor)
        assert reply.status == 200
        [posted] = await slack_double.wait_for("chat.postMessage")
        assert posted.token == slack_double.tokens.tokens_of("T0002")[0]
