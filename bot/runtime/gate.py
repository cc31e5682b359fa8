"""The door of POST /slack/events: a request's signature is checked on the bytes as they came,
before anything parses them, and a body Slack would never send is refused with 400.

Bolt parses the body while building its request, before it checks the signature: an unsigned
`payload=notjson`, a `null` payload, bytes that are not UTF-8 or a timestamp that is not a
number each raised there and answered 500 with a traceback. Refusals are logged in one line
that names the reason, never the body: a body carries a response URL, which anyone holding it
can post to for 30 minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.request.internals import parse_body

logger = logging.getLogger("principlebot")

# Slack's window: a request signed longer ago than this is a replay or a stale retry.
TIMESTAMP_WINDOW_SECONDS = 5 * 60


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


@dataclass(frozen=True)
class Admitted:
    """A signed request whose body reads as Slack's: its text, parsed once here to be sure."""

    text: str
    body: dict[str, Any]


class Gate:
    """Checks the signature, then the body, of each request to the events URL."""

    def __init__(self, signing_secret: str) -> None:
        self._secret = signing_secret.encode()

    def admit(self, raw: bytes, headers: Mapping[str, str]) -> Admitted | Refusal:
        refusal = self._signature_refusal(raw, headers)
        if refusal is not None:
            return refusal
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Refusal(400, "the body is not UTF-8")
        try:
            body = parse_body(text, headers.get("Content-Type", "").split(";")[0] or None)
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            return Refusal(400, f"the body is not JSON where it must be ({type(error).__name__})")
        if not isinstance(body, dict):
            return Refusal(400, f"the payload is {type(body).__name__}, not an object")
        return Admitted(text, body)

    def _signature_refusal(self, raw: bytes, headers: Mapping[str, str]) -> Refusal | None:
        stamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not stamp or not signature:
            return Refusal(401, "unsigned")
        if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
            return Refusal(401, "the timestamp is not a number")
        if abs(time.time() - int(stamp)) > TIMESTAMP_WINDOW_SECONDS:
            return Refusal(401, "the timestamp is outside Slack's five minutes")
        # Slack's v0 scheme, over the bytes as they came (slack_sdk's verifier decodes them first,
        # and raises on bytes that are not UTF-8).
        mac = hmac.new(self._secret, f"v0:{stamp}:".encode() + raw, hashlib.sha256)
        if not signature.isascii() or not hmac.compare_digest(f"v0={mac.hexdigest()}",
                                                              signature):
            return Refusal(401, "the signature does not match")
        return None


def log_refusal(refusal: Refusal, remote: str | None) -> None:
    logger.info("refused a request from %s: %s (HTTP %s)", remote or "an unknown address",
                refusal.reason, refusal.status)
