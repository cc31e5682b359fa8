"""The stand-in's response URLs: handed out one per slash command or click, each accepting at
most five posts, as Slack's do, and checking each message like a chat.* call."""

from __future__ import annotations

import itertools
from typing import Any

from bot.localslack.standin.validation import message_error_codes
from bot.localslack.standin.wire import Reply

RESPONSE_URL_MAX_USES = 5


class ResponseUrls:
    def __init__(self) -> None:
        self._uses: dict[str, int] = {}
        self._ids = itertools.count(1)

    def new(self) -> str:
        """The id of a fresh response URL."""
        rid = str(next(self._ids))
        self._uses[rid] = 0
        return rid

    def answer(self, rid: str, url: str, args: dict[str, Any],
               format_errors: list[str]) -> Reply:
        """What Slack answers a post of `args` to the response URL `rid`."""
        uses = self._uses.get(rid)
        if uses is None:
            return Reply.reject("invalid_url", f"unknown response URL {url}", status=404)
        if uses >= RESPONSE_URL_MAX_USES:
            reason = f"{url} was already used {RESPONSE_URL_MAX_USES} times"
            return Reply.reject("used_url", reason, status=404)
        if format_errors:
            return Reply.reject("invalid_blocks_format", "; ".join(format_errors), status=400)
        errors = [] if args.get("delete_original") else message_error_codes(args)
        if errors:
            error, reason = errors[0][0], "; ".join(reason for _, reason in errors)
            return Reply.reject(error, reason, status=400)
        self._uses[rid] = uses + 1
        return Reply(body={"ok": True})
