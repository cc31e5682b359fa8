"""Requests Slack would never send: refused with 400 or 401 in one log line, before anything
parses them, with no traceback and no body (a body carries a response URL) in the log."""

from __future__ import annotations

import logging
import time

import pytest

from tests.utils.slack import ACTOR

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
LEAK = "&response_url=https%3A%2F%2Fhooks.slack.com%2FSECRET"

SIGNED_BUT_MALFORMED = [
    (b"payload=notjson" + LEAK.encode(), FORM),
    (b"payload=null" + LEAK.encode(), FORM),
    (b"payload=%7B%22type%22%3A" + LEAK.encode(), FORM),  # payload={"type":
    (b"payload=%5B1%2C2%5D" + LEAK.encode(), FORM),  # a list, not an object
    (b"command=%2Fretro&text=\xff\xfe" + LEAK.encode(), FORM),  # not UTF-8
    (b'{"type": "event_callback", "response_url": "SECRET", "event": ', JSON),
    (b"null", JSON),
    (b"[]", JSON),
]
BAD_STAMPS = {
    "unsigned": {},
    "word": {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
    "huge": {"X-Slack-Request-Timestamp": "1" * 400, "X-Slack-Signature": "v0=00"},
    "arabic digits": {"X-Slack-Request-Timestamp": "\u0661\u0662",
                      "X-Slack-Signature": "v0=00"},
    "non-ASCII signature": {"X-Slack-Request-Timestamp": str(int(time.time())),
                            "X-Slack-Signature": "v0=\u00e9"},
}


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def assert_quiet_lines(log, count: int) -> None:
    assert not [r for r in log.records if r.exc_info], "a traceback was logged"
    assert "SECRET" not in log.text
    refused = [r for r in log.records if "refused a request" in r.getMessage()]
    assert len(refused) == count, log.text


async def test_a_signed_body_slack_would_never_send_gets_400(bot, log):
    before = len(bot.double.calls)  # the start-up check of the token
    for raw, content_type in SIGNED_BUT_MALFORMED:
        reply = await bot.post_raw(raw, bot.signed_headers(raw, content_type))
        assert reply.status == 400, (raw, reply.raw)
    assert_quiet_lines(log, len(SIGNED_BUT_MALFORMED))
    await bot.double.settle()
    assert bot.double.calls[before:] == []


async def test_unsigned_or_badly_stamped_requests_get_401_before_their_body_is_read(bot, log):
    bodies = [b"payload=notjson" + LEAK.encode(), b"\xff\xfe", b"payload=null"]
    for name, headers in BAD_STAMPS.items():
        for body in bodies:
            reply = await bot.post_raw(body, {"Content-Type": FORM, **headers})
            assert reply.status == 401, (name, body, reply.raw)
    assert_quiet_lines(log, len(BAD_STAMPS) * len(bodies))


async def test_a_forged_signature_is_logged_without_the_body(bot, log):
    raw = f"command=%2Fretro&text=add+x&team_id={ACTOR.team_id}{LEAK}".encode()
    headers = bot.signed_headers(raw, FORM)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    before = len(bot.double.calls)  # the start-up check of the token
    reply = await bot.post_raw(raw, headers)
    assert reply.status == 401
    assert_quiet_lines(log, 1)
    await bot.double.settle()
    assert bot.double.calls[before:] == []
