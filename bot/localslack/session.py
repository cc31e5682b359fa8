"""One console session: what a typed line does (a slash command, a DM, a mention, a click,
a `!command`), and showing what Slack received in answer, with where each post went.

Slash commands, DMs, mentions, clicks, shortcuts, modal submissions and opening the Home tab
reach the real app as signed requests (bot.localslack.signed_requests). After each line, and
at every step of `!advance`, the background jobs run on the console's clock and what they
post is shown at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.domain.schedule.timewords import parse_day, parse_time
from bot.localslack import people
from bot.localslack import signed_requests as slack
from bot.localslack.clock import MovableClock, parse_step
from bot.localslack.forms import input_value
from bot.localslack.showing import Shower, place
from bot.localslack.standin import SlackStandIn
from bot.localslack.terminal import Clickable, Rendering

CONSOLE_HELP = """\
Type as you would in Slack:
  /principles re-entering my address again   a slash command (/principles, /standup, /retro)
  any other text                             a direct message to the bot
  @ some text                                mention the bot in the channel
  @bob                                       in any text: a mention of bob (see !who)
  3                                          click button or checkbox number 3
  !shortcut which_principle                  the global shortcut
  !shortcut log_retro_action                 the message shortcut, on the last channel message
  !submit text | more text                   fill the open modal's fields and submit
  !home                                      open your App Home tab
  !as bob, !who                              play another person; who you can play
  !advance 1d, !advance 2h                   move the clock: schedules and reminders fire
  !clock monday 08:00                        jump to the next such moment (nothing runs between)
  !help, !quit"""

COMMANDS = ("/principles", "/standup", "/retro")
GLOBAL_SHORTCUTS = ("which_principle",)
MESSAGE_SHORTCUTS = ("log_retro_action",)
# The clock moves to each half hour on the way, running the background jobs there, so a post
# scheduled on a half hour shows at its time (others at most this late).
ADVANCE_STEP = dt.timedelta(minutes=30)
SHOWN_TIME = "%a %d %b %H:%M"


@dataclass
class ConsoleSession:
    """One person at a time in one channel talking to the bot; holds what can be clicked next
    and how far the console has shown what Slack received."""

    app: AsyncApp
    standin: SlackStandIn
    signing_secret: str
    out: TextIO
    clock: MovableClock = field(default_factory=MovableClock)
    run_jobs: Callable[[], Awaitable[None]] | None = None
    actor: slack.Actor = field(default_factory=slack.Actor)
    clickables: list[Clickable] = field(default_factory=list)
    seen: int = 0
    shower: Shower | None = None

    def __post_init__(self) -> None:
        self.shower = Shower(self.standin, self.actor.user_id)
        for person in people.DIRECTORY:
            self.standin.users[person.user_id] = people.users_info(person)

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to stop."""
        line = line.strip()
        if not line:
            return True
        if line in {"!quit", "!exit", "exit", "quit"}:
            return False
        try:
            await self._dispatch(line)
        except Exception as error:  # the console never ends on a traceback
            self.say(f"(the console could not do that: {type(error).__name__}: {error})")
        return True

    async def _dispatch(self, line: str) -> None:
        if line.startswith("!"):
            name, _, rest = line[1:].partition(" ")
            action = self._bang_commands().get(name.lower())
            if action is None:
                self.say(f"There is no !{name} in the console. Type !help for what there is.")
                return
            await action(rest.strip())
        elif line.startswith("/"):
            await self._slash(line)
        elif line.isdigit():
            await self.click(int(line))
        elif line.startswith("@ ") or line.lower().startswith("@principlebot"):
            text = line.removeprefix("@").removeprefix("principlebot").strip()
            event = slack.message_event(self.actor, people.with_mentions(
                text, escaped_command=False), mention="UBOT")
            await self.send(slack.event_callback(self.actor, event))
        else:
            dm = slack.Actor(self.actor.team_id, "D" + self.actor.user_id, self.actor.user_id,
                             self.actor.user_name, "direct message")
            event = slack.message_event(dm, people.with_mentions(line, escaped_command=False),
                                        channel_type="im")
            await self.send(slack.event_callback(dm, event))

    def _bang_commands(self) -> dict[str, Callable[[str], Awaitable[None]]]:
        return {"help": self._help, "shortcut": self._shortcut, "submit": self.submit,
                "home": self._home, "as": self._play, "who": self._who,
                "advance": self._advance, "clock": self._set_clock}

    async def _help(self, _: str) -> None:
        self.say(CONSOLE_HELP)

    async def _slash(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command not in COMMANDS:
            self.say(f"There is no {command} here. The bot's commands are "
                     f"{', '.join(COMMANDS)}; try `{COMMANDS[0]} help`.")
            return
        assert self.shower is not None
        self.shower.last_response_url = self.standin.response_url()
        await self.send(slack.slash_command(
            self.actor, command, people.with_mentions(text.strip(), escaped_command=True),
            self.shower.last_response_url))

    async def _shortcut(self, name: str) -> None:
        name = name or GLOBAL_SHORTCUTS[0]
        assert self.shower is not None
        if name in GLOBAL_SHORTCUTS:
            await self.send(slack.global_shortcut(self.actor, name))
        elif name in MESSAGE_SHORTCUTS:
            target = self.shower.last_channel_message
            if not target:
                self.say("That shortcut acts on a message: post one in the channel first "
                         "(e.g. /standup), then try again.")
                return
            self.shower.last_response_url = self.standin.response_url()
            await self.send(slack.message_shortcut(self.actor, name, target,
                                                   self.shower.last_response_url))
        else:
            self.say(f"There is no shortcut {name}. Shortcuts: "
                     f"{', '.join(GLOBAL_SHORTCUTS + MESSAGE_SHORTCUTS)}.")

    async def _home(self, _: str) -> None:
        event = {"type": "app_home_opened", "user": self.actor.user_id,
                 "channel": "D" + self.actor.user_id, "tab": "home",
                 "event_ts": f"{self.clock().timestamp():.6f}"}
        await self.send(slack.event_callback(self.actor, event))

    async def _play(self, name: str) -> None:
        person = people.BY_NAME.get(name.lower().lstrip("@"))
        if person is None:
            self.say(f"There is nobody called {name or '(nobody)'} here. !who lists who you "
                     "can play.")
            return
        self.actor = slack.Actor(self.actor.team_id, self.actor.channel_id, person.user_id,
                                 person.name, self.actor.channel_name)
        assert self.shower is not None
        self.shower.viewer = person.user_id
        self.say(f"You are now {person.real_name} (@{person.name}, {person.tz}).")

    async def _who(self, _: str) -> None:
        self.say("People you can play with !as NAME and mention with @NAME:\n" + people.who()
                 + f"\nYou are @{self.actor.user_name}.")

    async def _advance(self, text: str) -> None:
        step = parse_step(text)
        if step is None:
            self.say("Say how far, up to 8 weeks: !advance 1d, !advance 2h, !advance 30m.")
            return
        target = self.clock() + step
        shown = Rendering()  # one numbering of buttons across the whole move
        try:
            while (now := self.clock()) < target:
                since_step = dt.timedelta(minutes=now.minute % 30, seconds=now.second,
                                          microseconds=now.microsecond)
                self.clock.hold(now + min(ADVANCE_STEP - since_step, target - now))
                await self.background(shown)
        finally:
            self.clock.release()
        self.say(f"(the console's clock is now {self.now_text()})")

    async def _set_clock(self, text: str) -> None:
        """`!clock monday 08:00`: on to the next such moment in your time zone, at once."""
        words = text.lower().split()
        day = parse_day(words[0]) if len(words) == 2 else None
        time = parse_time(words[1]) if day is not None else None
        if day is None or time is None:
            self.say("Say a day and a time: !clock monday 08:00.")
            return
        now = self.clock().astimezone(self.zone())
        date = now.date() + dt.timedelta(days=(day - now.weekday()) % 7)
        if dt.datetime.combine(date, dt.time(*time), tzinfo=self.zone()) <= now:
            date += dt.timedelta(days=7)
        moment = dt.datetime.combine(date, dt.time(*time), tzinfo=self.zone())
        self.clock.hold(moment)
        self.clock.release()
        self.say(f"(the console's clock is now {self.now_text()})")

    def zone(self) -> ZoneInfo:
        person = people.BY_ID.get(self.actor.user_id)
        return ZoneInfo(person.tz if person else "UTC")

    def now_text(self) -> str:
        return self.clock().astimezone(self.zone()).strftime(SHOWN_TIME + " %Z")

    async def background(self, shown: Rendering | None = None) -> None:
        """One pass of the background jobs on the console's clock; what they post is shown
        at once, with when and where it went (numbered on from `shown`)."""
        if self.run_jobs is None:
            return
        await self.run_jobs()  # every post of a job is awaited: nothing is left in flight
        self.show_new(f", at {self.now_text()}", shown)

    def show_new(self, when: str = "", shown: Rendering | None = None) -> None:
        """Show the calls Slack received since the last shown, if any."""
        shown = shown or Rendering()
        before = (len(shown.lines), len(shown.clickables))
        assert self.shower is not None
        for call in self.standin.calls[self.seen:]:
            self.shower.call(call, shown, when)
        self.seen = len(self.standin.calls)
        if len(shown.clickables) > before[1]:
            self.clickables = list(shown.clickables)
        if len(shown.lines) > before[0]:
            self.say("\n".join(shown.lines[before[0]:]))

    async def send(self, request: slack.SlackRequest) -> None:
        self.show_new()
        response = await self.app.async_dispatch(AsyncBoltRequest(
            body=request.body, headers=request.headers(self.signing_secret)))
        shown = Rendering()
        assert self.shower is not None
        if response.status != 200:
            shown.lines.append("(Slack would say the app did not respond)")
        elif response.body:
            self.shower.reply(response.body, shown)
        # The app answers only once its listener is done (process_before_response), so every
        # call it made has arrived: a short quiet spell is enough.
        await self.standin.settle(quiet=0.02)
        for call in self.standin.calls[self.seen:]:
            self.shower.call(call, shown)
        self.seen = len(self.standin.calls)
        if shown.clickables:
            self.clickables = list(shown.clickables)
        self.say("\n".join(shown.lines) if shown.lines else "(no visible answer)")
        await self.background(shown)

    async def click(self, number: int) -> None:
        if not 1 <= number <= len(self.clickables):
            self.say(f"There is no button {number}. Buttons are numbered [1] to "
                     f"[{len(self.clickables)}] in the last answer.")
            return
        target = self.clickables[number - 1]
        assert self.shower is not None
        if target.in_view:
            request = slack.block_actions(self.actor, target.action, response_url="",
                                          view=target.source)
        else:
            url = target.source.get("response_url") or self.shower.last_response_url
            self.shower.last_response_url = url
            channel = str(target.source.get("channel") or self.actor.channel_id)
            where = slack.Actor(self.actor.team_id, channel, self.actor.user_id,
                                self.actor.user_name, place(channel, self.actor.user_id))
            # A message the bot posted (chat.postMessage: a channel, no single viewer) is
            # everyone's; acks and ephemeral posts are the clicker's alone.
            posted = bool(target.source.get("channel")) and "user" not in target.source
            request = slack.block_actions(where, target.action, response_url=url,
                                          message=target.source, is_ephemeral=not posted)
        await self.send(request)

    async def submit(self, text: str) -> None:
        assert self.shower is not None
        view = self.shower.open_view
        if not view:
            self.say("No modal is open. Open one first, e.g. !shortcut which_principle")
            return
        inputs = [b for b in view.get("blocks", []) if b.get("type") == "input"]
        answers = [part.strip() for part in text.split("|")]
        values: dict[str, dict[str, dict[str, Any]]] = {}
        for block, answer in zip(inputs, answers + [""] * len(inputs), strict=False):
            element = block["element"]
            values[block["block_id"]] = {element["action_id"]: input_value(
                element, answer, self.clock().astimezone(self.zone()).date())}
        self.shower.open_view = None
        await self.send(slack.view_submission(self.actor, view, values))

    def say(self, text: str) -> None:
        print(people.with_names(text), file=self.out, flush=True)
