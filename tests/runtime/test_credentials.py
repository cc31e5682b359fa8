"""Credentials checked at start-up with one workspace (bot.runtime.credentials) against the
Slack double: the bot's identity, refused tokens in one line, an unavailable Slack retried
with back-off and one warning per attempt, and no request waiting for auth.test afterwards."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.localslack import signed_requests as slack
from bot.runtime.credentials import CredentialsError, check_app_token, check_bot_token
from bot.runtime.settings import Settings
from tests.utils.slack import ACTOR, BOT_ID, BOT_USER, serving_bot


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def settings_for(double, **tokens: str) -> Settings:
    return Settings(slack_api_url=double.api_url, **tokens)


async def test_the_bot_token_check_says_who_the_bot_is(slack_double):
    identity = await check_bot_token(settings_for(slack_double, slack_bot_token="xoxb-test"))
    assert (identity.team_id, identity.bot_user_id, identity.bot_id) == (
        slack_double.team_id, BOT_USER, BOT_ID)
    assert identity.bot_token == "xoxb-test"


@pytest.mark.parametrize(("token", "error"), [("banana", "invalid_auth"),
                                              ("xoxb-revoked", "token_revoked")])
async def test_a_refused_bot_token_is_one_line_naming_the_variable(slack_double, token, error):
    slack_double.refuse("xoxb-revoked")
    with pytest.raises(CredentialsError) as refused:
        await check_bot_token(settings_for(slack_double, slack_bot_token=token))
    message = str(refused.value)
    assert message.startswith(f"SLACK_BOT_TOKEN was refused by Slack ({error}): ")
    assert "\n" not in message and token not in message


@pytest.mark.parametrize(("token", "error"), [("banana", "invalid_auth"),
                                              ("xoxb-test", "not_allowed_token_type")])
async def test_a_refused_app_token_is_one_line_naming_the_variable(slack_double, token, error):
    with pytest.raises(CredentialsError, match=rf"^SLACK_APP_TOKEN was refused by Slack "
                                               rf"\({error}\): "):
        await check_app_token(settings_for(slack_double, slack_app_token=token))
    await check_app_token(settings_for(slack_double, slack_app_token="xapp-1-A1-ok"))


async def test_an_unavailable_slack_is_tried_again_with_back_off(slack_double, caplog):
    slack_double.fail_next("auth.test", status=503, times=2)
    slack_double.fail_next("auth.test", retry_after=3)
    sleep = RecordedSleep()
    with caplog.at_level(logging.WARNING, logger="principlebot"):
        identity = await check_bot_token(
            settings_for(slack_double, slack_bot_token="xoxb-test"), sleep)
    assert identity.bot_user_id == BOT_USER
    assert sleep.delays == [0.5, 1.0, 3.0]  # doubling, and at least Slack's Retry-After
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3 and all("\n" not in line for line in lines)
    assert lines[0] == (f"cannot reach Slack at {slack_double.api_url} to check SLACK_BOT_TOKEN "
                        "(HTTP 503); trying again in 0.5 s (attempt 1)")
    assert "(ratelimited)" in lines[2]


async def test_no_request_waits_for_auth_test_after_start_up(slack_double, index,
                                                             sqlite_url_copy):
    async with serving_bot(slack_double, index, sqlite_url_copy) as bot:
        [checked] = slack_double.calls_to("auth.test")  # once, at start-up
        slack_double.delay("auth.test", 4)  # were it called now, every answer would wait
        loop = asyncio.get_running_loop()
        started = loop.time()
        answer = await bot.answer("how do we avoid vendor lock-in?")
        assert loop.time() - started < 3.5  # well under the 4 s auth.test would take
        assert "Favouring open standards" in str(answer)
        await bot.event(slack.message_event(ACTOR, "vendor lock-in?", mention=BOT_USER))
        await slack_double.wait_for("chat.postMessage", timeout=2)
        assert slack_double.calls_to("auth.test") == [checked]
        slack_double.delay("auth.test", 0)
