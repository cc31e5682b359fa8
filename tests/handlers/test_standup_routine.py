"""A channel's stand-up routine from Slack, end to end: `/standup schedule` (set, show, off,
resume, skip), `/standup join|leave|who`, `/standup remind`, `/standup new`, and a manual
`/standup` on a day that already has a run. Bad input gets one clear line and changes
nothing. The real app over HTTP with signed requests; Slack is the validating stand-in."""

from __future__ import annotations

import datetime as dt

from bot.localslack import signed_requests as slack
from tests.utils.retro import person, posts_to, refusal
from tests.utils.slack import ACTOR, BotClient, button_labels, shown

STANDUP = "/standup"
A = person("U0AAAA")
B = person("U0BBBB")


async def standup(bot: BotClient, text: str, actor: slack.Actor | None = None) -> str:
    """`/standup text` answered in its ack (once the work is done): what the person saw."""
    reply, url = await bot.command(text, STANDUP, actor=actor)
    assert reply.status == 200, reply.raw
    [answer] = await posts_to(bot, url, 1)
    return shown(answer.args)


async def refused(bot: BotClient, text: str, actor: slack.Actor | None = None) -> str:
    return await refusal(bot, text, STANDUP, actor)


async def test_a_schedule_is_set_shown_skipped_turned_off_and_resumed(bot):
    bot.double.users[ACTOR.user_id] = {"tz": "Europe/Paris"}
    said = await standup(bot, "schedule mon-fri 09:30")
    assert "Stand-up schedule: Mon\u2013Fri 09:30 Europe/Paris" in said
    assert "Next: " in said and "09:30 CE" in said and "Reminders: off" in said
    said = await standup(bot, "schedule mon,wed,fri 10:00 America/New_York checklist weekly")
    assert "Mon, Wed, Fri 10:00 America/New_York, checklist `weekly`" in said
    assert "Mon, Wed, Fri" in await standup(bot, "schedule")

    day = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert f"Skipped: {day}." in await standup(bot, f"schedule skip {day}")
    later = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    await standup(bot, f"schedule skip {later}")
    assert f"Skipped: {day}, {later}." in await standup(bot, "schedule skip")

    assert "turned off" in await standup(bot, "schedule off")
    assert "has no scheduled stand-up" in await standup(bot, "schedule")
    assert "has no scheduled stand-up" in await standup(bot, "schedule off")


async def test_resume_restarts_a_schedule_as_it_was(bot):
    await standup(bot, "schedule weekdays 8:15am Europe/London")
    said = await standup(bot, "schedule resume")
    assert "Mon\u2013Fri 08:15 Europe/London" in said


UNSCHEDULED = [
    ("schedule someday 09:30", "I don't know the days `someday`"),
    ("schedule mon-fri 25:00", "I don't know the time `25:00`"),
    ("schedule mon-fri 09:30 Mars/Olympus", "I don't know the time zone `Mars/Olympus`"),
    ("schedule mon-fri", "Give a time"),
    ("schedule mon-fri 09:30 checklist nope", "There is no checklist `nope`"),
    ("schedule resume", "This channel has no scheduled stand-up"),
    ("schedule skip 2026-12-24", "no scheduled stand-up to skip"),
    ("remind 90", "This channel has no scheduled stand-up"),
    ("remind", "Reminders follow the scheduled stand-up"),
    ("join me", "`/standup join` takes nothing more"),
    ("who is there", "`/standup who` takes nothing more"),
]
SCHEDULED = [
    ("schedule skip someday", "I don't know the date `someday`"),
    ("schedule skip 2020-01-01", "2020-01-01 is already past"),
    ("schedule skip 2026-02-30", "I don't know the date `2026-02-30`"),
    ("remind 0", "Remind between 1 and 720 minutes"),
    ("remind soon", "I don't understand `soon`"),
    ("remind 99999", "Remind between 1 and 720 minutes"),
]


async def test_bad_schedule_and_routine_words_get_one_line_and_change_nothing(bot):
    # One bot for every case (a bot per case would cost a server start each).
    for text, says in UNSCHEDULED:
        assert says in await refused(bot, text), text
        assert "has no scheduled stand-up" in await standup(bot, "schedule"), text
        assert "Nobody has joined" in await standup(bot, "who"), text
    before = await standup(bot, "schedule daily 07:00 UTC")
    for text, says in SCHEDULED:
        assert says in await refused(bot, text), text
        assert await standup(bot, "schedule") == before, text


async def test_join_leave_who_and_remind(bot):
    assert "Nobody has joined" in await standup(bot, "who")
    assert "You joined" in await standup(bot, "join", A)
    assert "already take part" in await standup(bot, "join", A)
    assert "You joined" in await standup(bot, "join", B)
    said = await standup(bot, "who")
    assert "(2)" in said and "<@U0AAAA>" in said and "<@U0BBBB>" in said
    assert "You left" in await standup(bot, "leave", A)
    assert "weren't taking part" in await standup(bot, "leave", A)
    assert "<@U0AAAA>" not in await standup(bot, "who")

    await standup(bot, "schedule daily 09:00 UTC")
    assert "90 minutes after each stand-up" in await standup(bot, "remind 90")
    assert "Reminders: 90 minutes after the post" in await standup(bot, "remind")
    assert "turned off" in await standup(bot, "remind off")
    assert "Reminders: off" in await standup(bot, "schedule")


async def test_a_second_standup_today_offers_the_first_and_new_starts_another(bot):
    reply, _ = await bot.command("", STANDUP)
    assert reply.raw == ""
    [first] = await bot.double.wait_for("chat.postMessage", 1)
    reply, _ = await bot.command("", STANDUP, actor=B)
    offer = shown(reply.body)
    assert "already has today's stand-up" in offer and "`/standup new`" in offer
    assert button_labels(reply.body["blocks"]) == ["My answers"]
    await bot.double.settle()
    assert len(bot.double.calls_to("chat.postMessage")) == 1  # no second run

    reply, _ = await bot.command("new weekly", STANDUP, actor=B)
    assert reply.raw == ""
    posts = await bot.double.wait_for("chat.postMessage", 2)
    assert posts[1].args["blocks"][0]["text"]["text"] == "Weekly check-in"
    assert first.args["channel"] == posts[1].args["channel"]


async def test_help_lists_every_verb_with_an_example(bot):
    reply, _ = await bot.command("help", STANDUP)
    text = shown(reply.body)
    for example in ("`/standup`", "`/standup new`", "`/standup weekly`",
                    "`/standup principle 4`", "`/standup report 30`", "`/standup list`",
                    "`/standup schedule mon-fri 09:30 Europe/Paris checklist daily`",
                    "`/standup schedule off`", "`/standup schedule resume`",
                    "`/standup schedule skip 2026-12-24`", "`/standup schedule skip`",
                    "`/standup join`", "`/standup leave`", "`/standup who`",
                    "`/standup remind 90`", "`/standup remind off`"):
        assert example in text, example
