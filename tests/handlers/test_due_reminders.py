"""Due-date reminders: at 09:00 in the owner's Slack time zone (the author's when nobody owns
the action), one DM per person per local day listing what is due and overdue, whichever of
several processes gets there first; its Done and "Snooze a week" buttons, for the owner or
author only. Real services on a real database, the reminder pass posting through slack_sdk to
the Slack double, the clock moved by the test."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.values import Scope
from bot.runtime.backend import build_backend
from bot.runtime.settings import Settings
from handlers.kit.clients import OneWorkspace
from handlers.retro.reminding import make_due_reminders
from tests.utils.clock import Clock
from tests.utils.retro import add, everything, person, posts_to
from tests.utils.slack import button_action, shown

TEAM = "T0001"
SCOPE = Scope(TEAM, "C0001")
TOKEN = "xoxb-test"
DAY = dt.date(2026, 12, 14)  # a Monday


def at(hour: int, minute: int, zone: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))


@pytest.fixture
async def processes(database_url, slack_double, index):
    """Two bot processes on one database, on one clock; their reminder passes."""
    clock = Clock(at(6, 0, "UTC"))
    backends, passes = [], []
    for _ in range(2):
        settings = Settings(database_url=database_url, slack_api_url=slack_double.api_url,
                            slack_bot_token=TOKEN)
        backend = build_backend(settings, index, clock=clock)
        await backend.prepare()
        client = AsyncWebClient(token=TOKEN, base_url=slack_double.api_url, retry_handlers=[])
        backends.append(backend)
        passes.append(make_due_reminders(OneWorkspace(client), backend.services))
    yield clock, backends[0].services, passes
    for backend in backends:
        await backend.close()


def dms(double, user: str) -> list:
    return [c for c in double.calls_to("chat.postMessage") if c.args["channel"] == user]


async def test_one_dm_per_person_per_day_at_nine_in_their_own_time_zone(processes,
                                                                       slack_double):
    clock, services, passes = processes
    slack_double.users["U0PARIS"] = {"tz": "Europe/Paris"}
    slack_double.users["U0NY"] = {"tz": "America/New_York"}
    retro = services.retro
    clock.set(at(8, 0, "UTC", DAY - dt.timedelta(days=3)))
    await retro.add(SCOPE, "U0NY", "due today, owned in Paris", ["#1"], owner_id="U0PARIS",
                    due_date=DAY)
    await retro.add(SCOPE, "U0PARIS", "overdue, Paris too", ["#2"], due_date=DAY - dt.timedelta(2))
    await retro.add(SCOPE, "U0NY", "due today in New York, nobody owns it", ["#3"], due_date=DAY)
    await retro.add(SCOPE, "U0PARIS", "due tomorrow", ["#4"], due_date=DAY + dt.timedelta(1))
    done = await retro.add(SCOPE, "U0PARIS", "done already", ["#5"], due_date=DAY)
    await retro.set_done(SCOPE, done.action.number, True)

    async def both() -> None:
        await asyncio.gather(passes[0](), passes[1]())

    for moment in (at(8, 59, "Europe/Paris"), at(9, 0, "Europe/Paris"),
                   at(9, 1, "Europe/Paris"), at(14, 59, "Europe/Paris")):
        clock.set(moment)
        await both()
    [paris] = dms(slack_double, "U0PARIS")
    text = shown(paris.args)
    assert "*#1* due today, owned in Paris in <#C0001> \u00b7 due today" in text
    assert "*#2* overdue, Paris too in <#C0001> \u00b7 overdue since 2026-12-12" in text
    assert "#4" not in text and "#5" not in text and "#3" not in text
    assert dms(slack_double, "U0NY") == []  # 09:00 in New York is still to come

    for moment in (at(8, 59, "America/New_York"), at(9, 0, "America/New_York"),
                   at(23, 59, "America/New_York")):
        clock.set(moment)
        await both()
    [new_york] = dms(slack_double, "U0NY")
    assert "*#3* due today in New York" in shown(new_york.args)
    assert len(dms(slack_double, "U0PARIS")) == 1

    # The next day (#4 due, #1 and #2 still open, now overdue): one DM again.
    clock.set(at(9, 0, "Europe/Paris", DAY + dt.timedelta(days=1)))
    await both()
    await both()
    second = dms(slack_double, "U0PARIS")
    assert len(second) == 2
    assert "#4" in shown(second[1].args) and "overdue since 2026-12-14" in shown(second[1].args)


async def test_a_refused_dm_is_tried_again_and_still_sent_once(processes, slack_double):
    clock, services, passes = processes
    await services.retro.add(SCOPE, "U0ONE", "due today", ["#1"], due_date=DAY)
    clock.set(at(10, 0, "Europe/London"))
    slack_double.fail_next("chat.postMessage", retry_after=1)
    await passes[0]()
    await passes[1]()
    await passes[0]()
    assert len(dms(slack_double, "U0ONE")) == 2  # the refused attempt, then the one sent


async def test_done_and_snooze_in_the_dm_for_the_owner_only(bot, sqlite_url_copy, index,
                                                           slack_double):
    owner, stranger = person("U0OWNER"), person("U0STRANGER")
    await add(bot, "publish the data #3.3 <@U0OWNER|o>", person("U0AUTHOR"))
    await add(bot, "retire the form #8.6 <@U0OWNER|o>", person("U0AUTHOR"))
    settings = Settings(database_url=sqlite_url_copy, slack_api_url=slack_double.api_url,
                        slack_bot_token=TOKEN)
    london = dt.datetime.now(ZoneInfo("Europe/London"))
    backend = build_backend(settings, index, clock=Clock(london.replace(hour=9, minute=5)))
    try:
        for number in (1, 2):
            await backend.services.retro_edits.set_due(SCOPE, number, "U0OWNER",
                                                       london.date(), "Europe/London")
        client = AsyncWebClient(token=TOKEN, base_url=slack_double.api_url)
        await make_due_reminders(OneWorkspace(client), backend.services)()
    finally:
        await backend.close()
    [dm] = dms(slack_double, "U0OWNER")
    blocks = dm.args["blocks"]
    rows = [b for b in blocks if b.get("block_id", "").startswith("retro_due:")]
    assert [r["block_id"] for r in rows] == ["retro_due:C0001:1", "retro_due:C0001:2"]
    dm_actor = person("U0OWNER")
    url = bot.double.response_url()
    message = {"type": "message", "ts": "1.0", **dm.args}
    await bot.click(button_action(rows[:1], "Done"), url, actor=stranger, message=message)
    assert "Only the author or the owner" in (await posts_to(bot, url, 1))[-1].args["text"]
    await bot.click(button_action(rows[:1], "Done"), url, actor=dm_actor, message=message)
    assert (await posts_to(bot, url, 2))[-1].args["text"].startswith("Done: *#1*")
    await bot.click(button_action(rows[1:], "Snooze a week"), url, actor=owner, message=message)
    week = (london.date() + dt.timedelta(days=7)).isoformat()
    assert (await posts_to(bot, url, 3))[-1].args["text"].endswith(f"due {week}")
    found = {e["number"]: e for e in await everything(bot)}
    assert found[1]["status"] == "done" and f"due {week}" in found[2]["details"]
