"""What the console shows for each Web API call the bot made: messages with where they went
(the channel, someone's DM, a thread, only you), modals, the Home tab, files, each numbered
for clicking as the terminal rendering does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.localslack import signed_requests as slack
from bot.localslack.people import BY_ID, CHANNEL_NAMES
from bot.localslack.standin import RecordedCall, SlackStandIn
from bot.localslack.terminal import Rendering, render_blocks, shown_text

VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}


def place(channel: str, viewer: str) -> str:
    """`#service-team`, `your DM`, `bob's DM`."""
    if channel.startswith("C"):
        return f"#{CHANNEL_NAMES.get(channel, channel)}"
    person = channel[1:] if channel.startswith("D") else channel
    if person == viewer:
        return "your DM"
    known = BY_ID.get(person)
    return f"{known.name if known else person}'s DM"


@dataclass
class Shower:
    """Renders recorded calls for the person at the console."""

    standin: SlackStandIn
    viewer: str
    last_response_url: str = ""
    open_view: dict[str, Any] | None = None
    last_channel_message: dict[str, Any] = field(default_factory=dict)

    def reply(self, body: str, shown: Rendering) -> None:
        """A request's own answer (the ack)."""
        try:
            reply = json.loads(body)
        except ValueError:
            shown.lines.append(body)
            return
        if reply.get("response_action") == "errors":
            shown.lines += [f"(modal error) {msg}" for msg in reply.get("errors", {}).values()]
            return
        source = {"response_url": self.last_response_url, "ts": "0", **reply}
        shown.lines.append("-- only you can see this --")
        self.message(reply, source, shown)

    def message(self, message: dict[str, Any], source: dict[str, Any],
                shown: Rendering) -> None:
        if message.get("blocks"):
            render_blocks(message["blocks"], source, shown)
        elif message.get("text"):
            shown.lines.append(shown_text(message))

    def call(self, call: RecordedCall, shown: Rendering, when: str = "") -> None:
        args = call.args
        if call.method == "response_url":
            where = ("in the channel" if args.get("response_type") == "in_channel"
                     else "only you can see this")
            if args.get("replace_original"):
                where += ", replacing the message above"
            shown.lines.append(f"-- {where} --")
            self.message(args, {"response_url": call.url, "ts": "0", **args}, shown)
        elif call.method in {"chat.postMessage", "chat.postEphemeral", "chat.update"}:
            self._chat(call, shown, when)
        elif call.method in VIEW_METHODS:
            self._view(call, shown)
        elif call.method == "files.completeUploadExternal":
            self._files(args, shown)

    def _chat(self, call: RecordedCall, shown: Rendering, when: str) -> None:
        args = call.args
        channel = str(args.get("channel", ""))
        where = {"chat.postEphemeral": f"only you can see this, in {place(channel, self.viewer)}",
                 "chat.update": f"message updated in {place(channel, self.viewer)}",
                 }.get(call.method, f"posted in {place(channel, self.viewer)}")
        if args.get("thread_ts"):
            where += ", in the thread"
        shown.lines.append(f"-- {where}{when} --")
        # As in Slack, a click on a posted message comes with a response URL of its own.
        source = {"response_url": self.standin.response_url(), "ts": args.get("ts", "0"),
                  **args}
        if call.method == "chat.postMessage" and channel.startswith("C"):
            self.last_channel_message = {"type": "message", "user": "UBOT",
                                         "ts": args.get("ts") or "1700000000.000100",
                                         "text": args.get("text", ""), "channel": channel}
        self.message(args, source, shown)

    def _view(self, call: RecordedCall, shown: Rendering) -> None:
        view = call.args.get("view") or {}
        if call.method == "views.publish":
            shown.lines.append("-- App Home --")
        else:
            shown.lines.append(f"-- modal: {view.get('title', {}).get('text', '')} --")
            self.open_view = {**view, "id": slack.unique_id("V")}
        render_blocks(view.get("blocks", []), view, shown, in_view=True)
        if any(b.get("type") == "input" for b in view.get("blocks", [])):
            shown.lines.append("  (fill in and send with: !submit text | more text)")

    def _files(self, args: dict[str, Any], shown: Rendering) -> None:
        try:
            listed = json.loads(str(args.get("files") or "[]"))
        except ValueError:
            return
        for item in listed:
            found = self.standin.workspace.files.get(str(item.get("id")), {})
            content = (found.get("content") or b"").decode("utf-8", "replace")
            lines = content.splitlines()
            where = place(str(found.get("channel") or ""), self.viewer)
            shown.lines.append(f"-- file {found.get('name')} shared in {where} "
                               f"({len(lines)} lines) --")
            shown.lines += [f"  {line[:300]}" for line in lines[:6]]
            if len(lines) > 6:
                shown.lines.append(f"  \u2026 {len(lines) - 6} more lines")
