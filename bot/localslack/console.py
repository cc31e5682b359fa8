"""The local console: try the bot with no Slack workspace and no tokens.

It plays Slack in-process: the real `build_app` receives signed requests (slash commands, DMs,
button clicks, shortcuts, modal submissions) built by bot.localslack.signed_requests, and its
Web API calls go to the in-process stand-in of bot.localslack.standin, whose recorded calls are
shown as text.
No handler knows it is talking to the console.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.localslack import signed_requests as slack
from bot.localslack.standin import RecordedCall, SlackStandIn
from bot.localslack.terminal import Clickable, Rendering, render_blocks, shown_text
from bot.runtime.settings import CONSOLE_DATABASE, Settings

CONSOLE_HELP = """\
Type as you would in Slack:
  /principles re-entering my address again   a slash command (/principles, /standup, /retro)
  any other text                             a direct message to the bot
  @ some text                                mention the bot in the channel
  3                                          click button or checkbox number 3
  !shortcut which_principle                  run a global shortcut
  !submit text | more text                   fill the open modal's fields and submit
  !help, !quit"""

MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}


@dataclass
class ConsoleSession:
    """One person in one channel talking to the bot; holds what can be clicked next."""

    app: AsyncApp
    standin: SlackStandIn
    signing_secret: str
    out: TextIO
    actor: slack.Actor = field(default_factory=slack.Actor)
    clickables: list[Clickable] = field(default_factory=list)
    open_view: dict[str, Any] | None = None
    last_response_url: str = ""

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to stop."""
        line = line.strip()
        if not line:
            return True
        if line in {"!quit", "!exit", "exit", "quit"}:
            return False
        if line == "!help":
            self.say(CONSOLE_HELP)
        elif line.startswith("/"):
            command, _, text = line.partition(" ")
            self.last_response_url = self.standin.response_url()
            await self.send(slack.slash_command(self.actor, command, text.strip(),
                                                self.last_response_url))
        elif line.isdigit():
            await self.click(int(line))
        elif line.startswith("!shortcut"):
            await self.send(slack.global_shortcut(self.actor, line.removeprefix("!shortcut")
                                                  .strip() or "which_principle"))
        elif line.startswith("!submit"):
            await self.submit(line.removeprefix("!submit").strip())
        elif line.startswith("@"):
            bot = "UBOT"
            event = slack.message_event(self.actor, line[1:].strip(), mention=bot)
            await self.send(slack.event_callback(self.actor, event))
        else:
            dm = slack.Actor(self.actor.team_id, "D" + self.actor.user_id, self.actor.user_id,
                             self.actor.user_name, "direct message")
            event = slack.message_event(dm, line, channel_type="im")
            await self.send(slack.event_callback(dm, event))
        return True

    async def send(self, request: slack.SlackRequest) -> None:
        before = len(self.standin.calls)
        response = await self.app.async_dispatch(AsyncBoltRequest(
            body=request.body, headers=request.headers(self.signing_secret)
        ))
        shown = Rendering()
        if response.status != 200:
            shown.lines.append(f"(Slack would show an error: HTTP {response.status})")
        elif response.body:
            self._show_reply(response.body, shown)
        await self.standin.settle()
        for call in self.standin.calls[before:]:
            self._show_call(call, shown)
        if shown.clickables:
            self.clickables = shown.clickables
        self.say("\n".join(shown.lines) if shown.lines else "(no visible answer)")

    def _show_reply(self, body: str, shown: Rendering) -> None:
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
        self._show_message(reply, source, shown)

    def _show_message(self, message: dict[str, Any], source: dict[str, Any],
                      shown: Rendering) -> None:
        if message.get("blocks"):
            render_blocks(message["blocks"], source, shown)
        elif message.get("text"):
            shown.lines.append(shown_text(message))

    def _show_call(self, call: RecordedCall, shown: Rendering) -> None:
        args = call.args
        if call.method in MESSAGE_METHODS:
            if call.method == "response_url":
                visible = args.get("response_type") == "in_channel"
                where = "in the channel" if visible else "only you can see this"
                if args.get("replace_original"):
                    where += ", replacing the message above"
                source = {"response_url": call.url, "ts": "0", **args}
            else:
                where = {"chat.postEphemeral": "only you can see this",
                         "chat.update": "message updated"}.get(call.method, "posted")
                if args.get("thread_ts"):
                    where += " in the thread"
                source = {"response_url": self.last_response_url, "ts": args.get("ts", "0"),
                          **args}
            shown.lines.append(f"-- {where} --")
            self._show_message(args, source, shown)
        elif call.method in VIEW_METHODS:
            view = args.get("view") or {}
            if call.method == "views.publish":
                shown.lines.append("-- App Home --")
            else:
                shown.lines.append(f"-- modal: {view.get('title', {}).get('text', '')} --")
                self.open_view = {**view, "id": slack.unique_id("V")}
            render_blocks(view.get("blocks", []), view, shown, in_view=True)
            if any(b.get("type") == "input" for b in view.get("blocks", [])):
                shown.lines.append("  (fill in and send with: !submit text | more text)")

    async def click(self, number: int) -> None:
        if not 1 <= number <= len(self.clickables):
            self.say(f"There is no button {number}. Buttons are numbered [1] to "
                     f"[{len(self.clickables)}] in the last answer.")
            return
        target = self.clickables[number - 1]
        if target.in_view:
            request = slack.block_actions(self.actor, target.action, response_url="",
                                          view=target.source)
        else:
            self.last_response_url = target.source.get("response_url") or self.last_response_url
            request = slack.block_actions(self.actor, target.action,
                                          response_url=self.last_response_url,
                                          message=target.source)
        await self.send(request)

    async def submit(self, text: str) -> None:
        if not self.open_view:
            self.say("No modal is open. Open one first, e.g. !shortcut which_principle")
            return
        inputs = [b for b in self.open_view.get("blocks", []) if b.get("type") == "input"]
        answers = [part.strip() for part in text.split("|")]
        values: dict[str, dict[str, dict[str, Any]]] = {}
        for block, answer in zip(inputs, answers + [""] * len(inputs), strict=False):
            element = block["element"]
            values[block["block_id"]] = {element["action_id"]: _input_value(element, answer)}
        view, self.open_view = self.open_view, None
        await self.send(slack.view_submission(self.actor, view, values))

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _input_value(element: dict[str, Any], answer: str) -> dict[str, Any]:
    kind = element.get("type")
    if kind == "static_select":
        options = [o for group in element.get("option_groups", [{"options":
                   element.get("options", [])}]) for o in group["options"]]
        chosen = next((o for o in options if o["value"] == answer), None)
        return {"type": kind, "selected_option": chosen}
    if kind == "multi_static_select":
        options = [o for group in element.get("option_groups", [{"options":
                   element.get("options", [])}]) for o in group["options"]]
        wanted = {a.strip() for a in answer.split(",") if a.strip()}
        return {"type": kind, "selected_options": [o for o in options if o["value"] in wanted]}
    if kind == "checkboxes":
        wanted = {a.strip() for a in answer.split(",") if a.strip()}
        return {"type": kind,
                "selected_options": [o for o in element.get("options", [])
                                     if o["value"] in wanted]}
    if kind == "users_select":
        return {"type": kind, "selected_user": answer or None}
    if kind == "datepicker":
        return {"type": kind, "selected_date": answer or None}
    return {"type": kind or "plain_text_input", "value": answer or None}


async def run_console(lines: Iterable[str] | None, out: TextIO = sys.stdout,
                      database_url: str = CONSOLE_DATABASE) -> int:
    """Run the console over `lines` (a script), or interactively when `lines` is None."""
    from bot.runtime.app import build_app
    from bot.runtime.backend import build_backend
    from bot.runtime.background import background_tasks

    standin = SlackStandIn()
    await standin.start()
    secret = secrets.token_hex(16)
    # Slack's side is the stand-in, and the database the console's own: never DATABASE_URL,
    # which on a server is production's (its runner would take real teams' prompts).
    settings = Settings(slack_bot_token="xoxb-console", slack_signing_secret=secret,
                        slack_api_url=standin.api_url, database_url=database_url)
    backend = build_backend(settings)
    try:
        await backend.prepare()
    except BaseException:
        await standin.stop()
        await backend.close()
        raise
    app = build_app(settings, backend.services, process_before_response=True)
    session = ConsoleSession(app, standin, secret, out)
    try:
        async with background_tasks(app, backend.services):
            await _converse(session, lines)
    finally:
        await standin.stop()
        await backend.close()
    return 0


async def _converse(session: ConsoleSession, lines: Iterable[str] | None) -> None:
    """Feed the session typed lines (interactive) or a script's lines."""
    if lines is None:
        session.say("principlebot console. Type !help for what you can do, !quit to leave.")
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, _prompt)
            if line is None or not await session.handle_line(line):
                return
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        session.say(f"> {line.rstrip()}")
        if not await session.handle_line(line):
            return


def _prompt() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        return None
