"""Weekly retro prompts from Slack, end to end: `/retro schedule` through the real app over HTTP
with Slack-signed requests, and the prompt the runner posts, clicked like a person would.

The command tests run the app as `bot` does (SQLite). The prompt tests run it as `bot_on` does,
on SQLite and, where TEST_DATABASE_URL is set, on PostgreSQL, with a second process on the same
database (`prompts`) holding the prompt runner from make_runner, posting through a slack_sdk
AsyncWebClient to the Slack double, on a clock the test moves. The double is the only
stand-in; every payload it receives is checked against Slack's limits.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.values import Scope
from bot.domain.schedule.firing import Runner
from bot.domain.schedule.service import Schedule
from bot.domain.services import Services
from bot.localslack import signed_requests as slack
from bot.localslack.standin import RecordedCall, SlackStandIn
from bot.runtime.backend import build_backend
from bot.runtime.settings import Settings
from handlers.kit.clients import OneWorkspace
from handlers.prompts.delivery import make_runner
from tests.utils.clock import Clock
from tests.utils.retro import log_values, posts_to
from tests.utils.slack import ACTOR, BotClient, button_action, buttons, live_markup, shown

RETRO = "/retro"
TEAM, CHANNEL, USER = ACTOR.team_id, ACTOR.channel_id, ACTOR.user_id
SCOPE = Scope(TEAM, CHANNEL)
LOCAL_FORMAT = "%A %d %B %Y, %H:%M %Z"


# ---------------------------------------------------------------------- fixtures and helpers


@dataclass
class PromptProcess:
    """Another bot process on the app's database: its services and its prompt runner."""

    services: Services
    runner: Runner
    clock: Clock

    async def stored(self) -> Schedule | None:
        return await self.services.schedules.get(TEAM, CHANNEL)


@pytest.fixture
async def prompts(bot_on, database_url, slack_double, index):
    settings = Settings(database_url=database_url, slack_api_url=slack_double.api_url,
                        slack_bot_token="xoxb-test")
    clock = Clock(dt.datetime.now(dt.UTC))
    backend = build_backend(settings, index, clock=clock)
    await backend.prepare()
    client = AsyncWebClient(token="xoxb-test", base_url=slack_double.api_url, retry_handlers=[])
    try:
        runner = make_runner(OneWorkspace(client), backend.services)
        yield PromptProcess(backend.services, runner, clock)
    finally:
        await backend.close()


async def schedule_command(bot: BotClient, words: str,
                           actor: slack.Actor = ACTOR) -> dict[str, Any]:
    """`/retro schedule words`: checked to be acked; the answer posted to its response URL."""
    reply, url = await bot.command(f"schedule {words}".rstrip(), RETRO, actor=actor)
    assert reply.status == 200, reply.raw
    [answer] = await posts_to(bot, url, 1)
    return answer.args


def is_ephemeral(message: dict[str, Any]) -> bool:
    return message.get("response_type", "ephemeral") == "ephemeral"


def assert_lists_accepted_forms(text: str) -> None:
    for form in ("/retro schedule friday 15:30", "mon to sun", "3pm", "15:30",
                 "Europe/London"):
        assert form in text, f"{form!r} missing from {text!r}"


def expected_next(found: Schedule) -> str:
    """The next run as `/retro schedule` shows it: local time in the schedule's zone."""
    return found.next_run_at.astimezone(ZoneInfo(found.when.timezone)).strftime(LOCAL_FORMAT)


# ---------------------------------------------------------------------- /retro schedule
# The command tests run on the `bot` fixture (SQLite) and read what was stored back through the
# app itself: `/retro schedule` alone shows the channel's schedule as saved.

NO_PROMPT = "This channel has no weekly retro prompt."


def next_local(text: str, zone: str) -> dt.datetime:
    """The `Next: ...` moment of a schedule answer, in its zone."""
    found = re.search(r"Next: (\w+ \d{2} \w+ \d{4}, \d{2}:\d{2}) (\S+)\.$", text)
    assert found, text
    moment = dt.datetime.strptime(found.group(1), "%A %d %B %Y, %H:%M")
    local = moment.replace(tzinfo=ZoneInfo(zone))
    assert local.tzname() == found.group(2), text
    return local


async def test_schedule_with_a_zone_confirms_and_shows_the_next_run_in_local_time(bot):
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    answer = await schedule_command(bot, "friday 15:30 Europe/Paris")
    assert is_ephemeral(answer)
    assert answer["text"].startswith("Weekly retro prompt: Friday 15:30 Europe/Paris. Next: ")
    local = next_local(answer["text"], "Europe/Paris")
    assert (local.weekday(), local.hour, local.minute) == (4, 15, 30)
    assert before < local <= before + dt.timedelta(weeks=1, minutes=1)

    shown_again = await schedule_command(bot, "")
    assert is_ephemeral(shown_again)
    assert shown_again["text"] == answer["text"]


async def test_without_a_zone_the_schedule_takes_the_users_slack_time_zone(bot, slack_double):
    slack_double.users[USER] = {"tz": "America/New_York"}
    answer = await schedule_command(bot, "Mon 9 am")
    assert answer["text"].startswith("Weekly retro prompt: Monday 09:00 America/New_York.")
    local = next_local(answer["text"], "America/New_York")
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    assert [c.args.get("user") for c in slack_double.calls_to("users.info")] == [USER]

    # Someone else rescheduling, in their own zone.
    tokyo = slack.Actor(user_id="U0TOKYO", user_name="kenji")
    slack_double.users["U0TOKYO"] = {"tz": "Asia/Tokyo"}
    answer = await schedule_command(bot, "thu 10:15", actor=tokyo)
    assert answer["text"].startswith("Weekly retro prompt: Thursday 10:15 Asia/Tokyo.")
    assert (await schedule_command(bot, ""))["text"] == answer["text"]


async def test_schedule_off_removes_the_channels_prompt(bot):
    await schedule_command(bot, "fri 3pm Europe/Paris")
    answer = await schedule_command(bot, "off")
    assert is_ephemeral(answer)
    assert answer["text"] == "Weekly retro prompt turned off for this channel."
    shown_now = await schedule_command(bot, "")
    assert shown_now["text"].startswith(NO_PROMPT)
    assert "/retro schedule friday 15:30" in shown_now["text"]
    again = await schedule_command(bot, "OFF")
    assert again["text"] == NO_PROMPT


@pytest.mark.parametrize(("words", "quoted"), [
    ("someday 15:30", "someday"),
    ("friday 25:00", "25:00"),
    ("friday 15:30 Mars/Olympus", "Mars/Olympus"),
    ("friday 15:30 Europe/Paris and more", None),
    ("friday", None),
])
async def test_a_bad_day_time_or_zone_gets_the_accepted_forms_and_stores_nothing(
        bot, words, quoted):
    answer = await schedule_command(bot, words)
    assert is_ephemeral(answer)
    text = shown(answer)
    assert_lists_accepted_forms(text)
    if quoted:
        assert f"`{quoted}`" in text
    assert (await schedule_command(bot, ""))["text"].startswith(NO_PROMPT)


async def test_a_bad_command_leaves_an_existing_schedule_as_it_was(bot):
    before = await schedule_command(bot, "friday 15:30 Europe/Paris")
    answer = await schedule_command(bot, "fryday 16:00 Europe/London")
    assert_lists_accepted_forms(shown(answer))
    assert (await schedule_command(bot, ""))["text"] == before["text"]


@pytest.mark.parametrize("words", [
    "&lt;!channel&gt; 3pm",
    "<!channel> 3pm",
    "<@U999|eve> 3pm",
    "fri 3pm <https://evil.example|click>",
    "fri <!here>",
])
async def test_typed_markup_is_never_echoed_live(bot, words):
    answer = await schedule_command(bot, words)
    assert live_markup(answer) == []
    assert (await schedule_command(bot, ""))["text"].startswith(NO_PROMPT)


# ---------------------------------------------------------------------- the weekly prompt


def done_click(blocks: list[dict[str, Any]], number: int) -> dict[str, Any]:
    value = f"{CHANNEL}:{number}"
    [(block_id, element)] = [(b, e) for b, e in buttons(blocks) if e.get("value") == value]
    return {"type": "button", "action_id": element["action_id"], "block_id": block_id,
            "text": element["text"], "value": value}


def channel_prompts(double: SlackStandIn) -> list[RecordedCall]:
    return [c for c in double.calls_to("chat.postMessage") if c.args.get("channel") == CHANNEL]


async def test_the_weekly_prompt_with_200_open_actions_fits_slack_and_its_buttons_work(
        bot_on, prompts, slack_double):
    await schedule_command(bot_on, "friday 15:30 Europe/Paris")
    due = (await prompts.stored()).next_run_at
    prompts.clock.set(due - dt.timedelta(days=1))
    for i in range(200):
        await prompts.services.retro.add(SCOPE, "U0002", f"open action {i}", ["#4"])

    prompts.clock.set(due)
    posted = await prompts.runner.run_once()
    assert [s.channel_id for s in posted] == [CHANNEL]
    await slack_double.settle()
    assert slack_double.invalid == []
    [prompt] = channel_prompts(slack_double)
    blocks = prompt.args["blocks"]
    assert len(blocks) <= 50
    text = shown(prompt.args)
    assert "Weekly retro" in text
    assert "200 action(s) logged" in text and "principle 4: 200" in text
    # Open actions are counted only so far past the page (a big team has a great many).
    assert "*Still open* (100+)" in text
    assert "and 85+ more" in text
    done_buttons = [e for _, e in buttons(blocks) if e["action_id"] == "retro_done"]
    assert len(done_buttons) == 15
    assert "Least covered in the last 4 weeks: principle 1" in text

    message = {"type": "message", "ts": "1700000000.000100", "text": prompt.args["text"],
               "blocks": blocks}

    # "Log an action" opens the retro log modal for this channel.
    reply, trigger = await bot_on.click(button_action(blocks, "Log an action"),
                                        slack_double.response_url(), message=message,
                                        is_ephemeral=False)
    assert reply.status == 200
    [opened] = await slack_double.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    assert opened.args["view"]["callback_id"] == "retro_log_modal"

    # A Done button marks its action done and redraws it in the prompt.
    number = int(done_buttons[3]["value"].split(":")[1])
    url = slack_double.response_url()
    reply, _ = await bot_on.click(done_click(blocks, number), url, message=message,
                                  is_ephemeral=False)
    assert reply.status == 200
    [redrawn] = await posts_to(bot_on, url, 1)
    assert redrawn.args.get("replace_original") is True
    assert len(redrawn.args["blocks"]) == len(blocks)
    assert done_click(redrawn.args["blocks"], number)["action_id"] == "retro_reopen"
    assert (await prompts.services.retro.get(SCOPE, number)).status == "done"

    # Next week's prompt carries the other 199 over (still counted as 100+), not the done one.
    prompts.clock.set(due + dt.timedelta(weeks=1))
    assert len(await prompts.runner.run_once()) == 1
    later = channel_prompts(slack_double)[-1]
    later_text = shown(later.args)
    assert "*Still open* (100+)" in later_text and "and 85+ more" in later_text
    assert f"{CHANNEL}:{number}" not in json.dumps(later.args["blocks"])

    # Submitted, the form logs into the prompt's channel (remembered by the bot when opened).
    assert (await bot_on.send(slack.view_submission(
        slack.Actor(channel_id=CHANNEL), opened.response["view"],
        log_values("a new action from the prompt", tags=("4",))))).status == 200
    await slack_double.wait_for("chat.postEphemeral")
    logged = await prompts.services.retro.list_actions(SCOPE, status="all", limit=300)
    assert "a new action from the prompt" in [a.text for a in logged.actions]
    await slack_double.settle()
    assert slack_double.invalid == []


async def test_a_paused_schedule_says_so_and_resume_restarts_it(bot_on, prompts,
                                                                slack_double):
    await schedule_command(bot_on, "friday 15:30 Europe/Paris")
    due = (await prompts.stored()).next_run_at
    prompts.clock.set(due)
    slack_double.fail_next("chat.postMessage", error="not_in_channel")
    assert await prompts.runner.run_once() == []
    dm = [c for c in slack_double.calls_to("chat.postMessage") if c.args["channel"] == USER]
    assert len(dm) == 1 and "/retro schedule resume" in dm[0].args["text"]

    shown_now = await schedule_command(bot_on, "")
    assert "Paused" in shown_now["text"] and "/retro schedule resume" in shown_now["text"]

    resumed = await schedule_command(bot_on, "resume")
    found = await prompts.stored()
    assert found.paused_reason is None
    assert "Paused" not in resumed["text"] and expected_next(found) in resumed["text"]
    prompts.clock.set(found.next_run_at)
    assert len(await prompts.runner.run_once()) == 1


async def test_the_weekly_prompt_calls_out_overdue_actions(bot_on, prompts, slack_double):
    await schedule_command(bot_on, "friday 15:30 Europe/Paris")
    due = (await prompts.stored()).next_run_at
    today = due.astimezone(ZoneInfo("Europe/Paris")).date()
    prompts.clock.set(due - dt.timedelta(days=10))
    retro = prompts.services.retro
    await retro.add(SCOPE, "U0002", "late one", ["#4"], owner_id="U0003",
                    due_date=today - dt.timedelta(days=2))
    await retro.add(SCOPE, "U0002", "due today", ["#4"], due_date=today)
    done = await retro.add(SCOPE, "U0002", "late but done", ["#4"],
                           due_date=today - dt.timedelta(days=3))
    await retro.set_done(SCOPE, done.action.number, True)
    prompts.clock.set(due)
    await prompts.runner.run_once()
    [prompt] = channel_prompts(slack_double)
    [line] = [t for t in shown(prompt.args).splitlines() if "Overdue" in t]
    assert line == (f":alarm_clock: *Overdue:* *#1* late one (due "
                    f"{(today - dt.timedelta(days=2)).isoformat()}, <@U0003>)")
