"""Stand-ups from Slack, end to end: /standup, the shared checklist's boxes and buttons, each
person's own copy, the blocker modal, the report, and what happens under concurrent clicks.

The real app over HTTP, Slack-signed requests, the Slack double (which validates every message
and view, and records them). A click on the shared message reports what that person's boxes
show since the message was last redrawn; the checkbox block's id carries the message version
(see bot/standup.py, `tick`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.localslack import signed_requests as slack
from knowledge.loader import default_checklists, principle_checklist
from tests.utils.retro import (
    CHANNEL_B,
    OTHER_TEAM,
    entries,
    listing,
    log_values,
    person,
    posts_to,
)
from tests.utils.slack import (
    ACTOR,
    BotClient,
    button_action,
    button_labels,
    interactive_payload,
    shown,
    shown_texts,
)

STANDUP = "/standup"
A = person("U0AAAA")
B = person("U0BBBB")


# ---------------------------------------------------------------------- driving /standup


async def start(bot: BotClient, text: str = "", actor: slack.Actor | None = None
                ) -> dict[str, Any]:
    """`/standup text`: the checklist message the bot posted in the channel."""
    before = len(bot.double.calls_to("chat.postMessage"))
    reply, _ = await bot.command(text, STANDUP, actor=actor)
    assert reply.status == 200 and reply.raw == "", reply.raw
    return (await bot.double.wait_for("chat.postMessage", before + 1))[-1].args


def checkboxes(message: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The checkbox block's id and its element."""
    [(block_id, element)] = [(b["block_id"], e) for b in message["blocks"]
                             if b["type"] == "actions" for e in b["elements"]
                             if e["type"] == "checkboxes"]
    return block_id, element


def counts(message: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Item id -> (people who ticked it, people who responded), as the message shows them."""
    found = {}
    for option in checkboxes(message)[1]["options"]:
        ticked, of = re.match(r"(\d+) of (\d+) \u00b7 practice ", option["description"]["text"]
                              ).groups()
        found[option["value"]] = (int(ticked), int(of))
    return found


def run_id(message: dict[str, Any]) -> int:
    return int(checkboxes(message)[0].split(":")[1])


def latest(bot: BotClient) -> dict[str, Any]:
    """The checklist as the channel sees it now: the last redraw, or the message as posted."""
    updates = bot.double.calls_to("chat.update")
    return (updates or bot.double.calls_to("chat.postMessage"))[-1].args


async def redraws(bot: BotClient, count: int) -> dict[str, Any]:
    """Wait for `count` redraws of the checklist in all, then for Slack's side to go quiet; the
    message as the channel then shows it. After its post a redraw checks whether a newer
    drawing was claimed meanwhile, and posts the newest state again if so
    (bot.domain.standup.drawing): a click sent before that check ends has its change drawn
    twice, which shifts the count. The quiet window lets the check end first, so that one
    click at a time is redrawn once. Clicks at once may share redraws: see `drawn`."""
    await bot.double.wait_for("chat.update", count, timeout=20)
    await bot.double.settle(quiet=0.3, timeout=30)
    return latest(bot)


async def drawn(bot: BotClient, expected: dict[str, tuple[int, int]] | Callable[[Any], bool],
                timeout: float = 10.0, quiet: float = 0.3) -> dict[str, Any]:
    """Wait until the channel's message shows `expected` counts (or passes that check) and
    Slack's side has gone quiet for `quiet` s (clicks are acked before they are stored, and
    stored before they are drawn); the message then."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    shows = expected if callable(expected) else (lambda message: counts(message) == expected)
    while not shows(latest(bot)):
        assert loop.time() < deadline, f"the message still shows {shown(latest(bot))}"
        await asyncio.sleep(0.02)
    await bot.double.settle(quiet=quiet, timeout=30)
    return latest(bot)


def tick_request(actor: slack.Actor, block_id: str, selected: list[str], response_url: str,
                 action_id: str = "standup_tick") -> slack.SlackRequest:
    """A click on a checkbox group whose boxes now show `selected`."""
    action = {"type": "checkboxes", "action_id": action_id, "block_id": block_id,
              "selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}}
                                   for v in selected]}
    return slack.block_actions(actor, action, response_url=response_url,
                               is_ephemeral=action_id != "standup_tick")


async def tick(bot: BotClient, actor: slack.Actor, message: dict[str, Any],
               selected: list[str]) -> None:
    """The person's boxes on the shared message (as drawn in `message`) now show `selected`."""
    reply = await bot.send(tick_request(actor, checkboxes(message)[0], selected,
                                        bot.double.response_url()))
    assert reply.status == 200


async def press(bot: BotClient, actor: slack.Actor, message: dict[str, Any], label: str
                ) -> tuple[str, str]:
    """Click a button of the checklist; the response URL of the click and its trigger id."""
    url = bot.double.response_url()
    reply, trigger = await bot.click(button_action(message["blocks"], label), url, actor=actor,
                                     message={"type": "message", "ts": "1.0", **message},
                                     is_ephemeral=False)
    assert reply.status == 200
    return url, trigger


async def my_answers(bot: BotClient, actor: slack.Actor, message: dict[str, Any]
                     ) -> tuple[set[str], str, str]:
    """'My answers': the ticks the person's own copy shows, its block id and response URL."""
    url, _ = await press(bot, actor, message, "My answers")
    [answer] = await posts_to(bot, url, 1)
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args.get("replace_original") is False
    block_id, element = checkboxes(answer.args)
    assert [o["value"] for o in element["options"]] == list(counts(message))
    return {o["value"] for o in element.get("initial_options", [])}, block_id, url


async def tick_mine(bot: BotClient, actor: slack.Actor, block_id: str, url: str,
                    selected: list[str]) -> None:
    """The person's own copy of the checklist now shows `selected`."""
    reply = await bot.send(tick_request(actor, block_id, selected, url, "standup_tick_mine"))
    assert reply.status == 200


def responded_line(message: dict[str, Any]) -> str:
    [line] = [t for t in shown_texts(message) if t.startswith("Responded: ")]
    return line


def blocked_line(message: dict[str, Any]) -> str:
    found = [t for t in shown_texts(message) if t.startswith(":construction: Blocked: ")]
    return found[0] if found else ""


def blocked_people(message: dict[str, Any]) -> int:
    """How many people the message says are blocked: those named and the others counted."""
    line = blocked_line(message)
    hidden = re.search(r" and (\d+) others?$", line)
    return len(re.findall(r"<@U\w+>", line)) + (int(hidden.group(1)) if hidden else 0)


# ---------------------------------------------------------------------- posting checklists


async def test_standup_posts_the_daily_checklist_in_the_channel(bot, index):
    daily = default_checklists(index.knowledge)["daily"]
    message = await start(bot)
    [posted] = bot.double.calls_to("chat.postMessage")
    assert posted.args["channel"] == ACTOR.channel_id
    assert message["blocks"][0] == {"type": "header", "text": {
        "type": "plain_text", "text": "Daily stand-up", "emoji": False}}
    _, element = checkboxes(message)
    assert element["action_id"] == "standup_tick"
    assert [(o["value"], o["text"]["text"]) for o in element["options"]] == [
        (item.id, item.text) for item in daily.items]
    assert [o["description"]["text"] for o in element["options"]] == [
        f"0 of 0 \u00b7 practice {item.practice_id}" for item in daily.items]
    assert button_labels(message["blocks"]) == ["My answers", "Blocked\u2026", "Done"]
    assert f"Started by <@{ACTOR.user_id}>" in shown(message)
    assert responded_line(message) == "Responded: nobody yet"
    assert bot.double.calls_to("response_url") == []


@pytest.mark.parametrize("name", ["weekly", "pre-release"])
async def test_a_named_checklist_is_posted(bot, index, name):
    checklist = default_checklists(index.knowledge)[name]
    message = await start(bot, name)
    assert message["blocks"][0]["text"]["text"] == checklist.title
    assert [o["text"]["text"] for o in checkboxes(message)[1]["options"]] == [
        item.text for item in checklist.items]


async def test_standup_principle_4_has_one_item_per_practice(bot, index):
    principle = index.knowledge.principle(4)
    message = await start(bot, "principle 4")
    options = checkboxes(message)[1]["options"]
    assert [o["description"]["text"].split("practice ")[1] for o in options] == [
        p.id for p in principle.practices]
    assert [o["text"]["text"] for o in options] == [
        item.text for item in principle_checklist(principle).items]
    assert all(o["text"]["text"].startswith("Are we ") for o in options)
    assert message["blocks"][0]["text"]["text"] == "Principle 4 check"


async def test_list_help_and_unknown_names_answer_privately_and_post_nothing(bot):
    reply, _ = await bot.command("list", STANDUP)
    text = shown(reply.body)
    for name in ("/standup daily", "/standup weekly", "/standup pre-release",
                 "/standup principle N"):
        assert name in text
    reply, _ = await bot.command("help", STANDUP)
    for usage in ("/standup NAME", "/standup principle 4", "/standup report", "Blocked"):
        assert usage in shown(reply.body)
    reply, _ = await bot.command("retrospective", STANDUP)
    assert reply.raw.startswith(":warning:")
    assert "no checklist `retrospective`" in reply.raw and "/standup list" in reply.raw
    reply, _ = await bot.command("principle 11", STANDUP)
    assert reply.raw.startswith(":warning: There is no principle 11")
    await bot.double.settle()
    assert bot.double.calls_to("chat.postMessage") == []
    assert bot.double.calls_to("response_url") == []


# ---------------------------------------------------------------------- ticking


async def test_ticks_are_per_person_and_unticking_works_in_my_answers(bot):
    message = await start(bot)
    first, second, third = list(counts(message))[:3]

    await tick(bot, A, message, [first, second])
    after_a = await redraws(bot, 1)
    assert counts(after_a)[first] == counts(after_a)[second] == (1, 1)
    await tick(bot, B, after_a, [second, third])
    after_b = await redraws(bot, 2)
    assert {k: v for k, v in counts(after_b).items() if v[0]} == {
        first: (1, 2), second: (2, 2), third: (1, 2)}
    assert responded_line(after_b) == f"Responded: <@{A.user_id}>, <@{B.user_id}>"

    mine_a, block_a, url_a = await my_answers(bot, A, after_b)
    assert mine_a == {first, second}
    assert (await my_answers(bot, B, after_b))[0] == {second, third}

    await tick_mine(bot, A, block_a, url_a, [first])  # A unticks `second` in their copy
    after_untick = await redraws(bot, 3)
    assert {k: v for k, v in counts(after_untick).items() if v[0]} == {
        first: (1, 2), second: (1, 2), third: (1, 2)}
    assert (await my_answers(bot, A, after_untick))[0] == {first}
    assert (await my_answers(bot, B, after_untick))[0] == {second, third}

    await press(bot, B, after_untick, "Done")
    done = await redraws(bot, 4)
    assert "2 responded \u00b7 1 done" in shown(done)
    assert counts(done) == counts(after_untick)


async def test_a_shared_click_counts_the_boxes_ticked_since_the_last_redraw(bot):
    message = await start(bot)
    one, two, three, four = list(counts(message))[:4]

    await tick(bot, A, message, [one, two])
    await redraws(bot, 1)
    # A second click on the same (not yet redrawn) copy: `one` unticked, `three` ticked.
    await tick(bot, A, message, [two, three])
    now = await redraws(bot, 2)
    assert (await my_answers(bot, A, now))[0] == {two, three}
    assert {k for k, v in counts(now).items() if v[0]} == {two, three}

    # The redraw cleared the boxes: a click on it adds to what is stored...
    await tick(bot, A, now, [four])
    await redraws(bot, 3)
    assert (await my_answers(bot, A, latest(bot)))[0] == {two, three, four}
    # ...and unticking there (same version) takes back only that box.
    await tick(bot, A, now, [])
    last = await redraws(bot, 4)
    assert (await my_answers(bot, A, last))[0] == {two, three}
    assert {k: v for k, v in counts(last).items() if v[0]} == {two: (1, 1), three: (1, 1)}


async def test_20_people_ticking_at_once_lose_nothing_and_the_last_redraw_is_exact(bot_on):
    bot = bot_on
    message = await start(bot)
    items = list(counts(message))
    people = [person(f"U0P{n:03d}") for n in range(20)]
    chosen = {p.user_id: [item for j, item in enumerate(items) if (n + j) % 3 != 1]
              for n, p in enumerate(people)}
    block_id = checkboxes(message)[0]
    replies = await asyncio.gather(*(bot.send(tick_request(
        p, block_id, chosen[p.user_id], bot.double.response_url())) for p in people))
    assert [r.status for r in replies] == [200] * 20
    expected = {item: (sum(item in c for c in chosen.values()), 20) for item in items}
    last = await drawn(bot, expected)
    assert counts(last) == expected
    assert "20 responded" in shown(last)
    answers = await asyncio.gather(*(my_answers(bot, p, last) for p in people))
    assert {p.user_id: a[0] for p, a in zip(people, answers, strict=True)} == {
        user: set(c) for user, c in chosen.items()}
    # Clicks at once share redraws; each drawing has a number of its own, which its boxes
    # report back.
    versions = [int(checkboxes(c.args)[0].split(":")[2])
                for c in bot.double.calls_to("chat.update")]
    assert 1 <= len(versions) <= 20 and len(set(versions)) == len(versions)


async def test_60_responders_on_the_longest_checklist_fit_slacks_limits(bot, index):
    knowledge = index.knowledge
    candidates = [(name, c) for name, c in default_checklists(knowledge).items()]
    candidates += [(f"principle {p.number}", principle_checklist(p))
                   for p in knowledge.principles]
    command, longest = max(candidates, key=lambda nc: (
        len(nc[1].items), sum(len(i.text) for i in nc[1].items)))
    message = await start(bot, command)
    items = list(counts(message))
    assert len(items) == len(longest.items)

    people = [person(f"U0M{n:03d}") for n in range(60)]
    block_id = checkboxes(message)[0]
    for batch in range(0, 60, 20):
        await asyncio.gather(*(bot.send(tick_request(p, block_id, items,
                                                     bot.double.response_url()))
                               for p in people[batch:batch + 20]))
    # Each person opens their own form (Slack gives each its view id) and submits it.
    note = ("Waiting on the identity team's API & the <vendor> contract; " * 10)[:500]
    triggers = [trigger for _, trigger in await asyncio.gather(
        *(press(bot, p, message, "Blocked") for p in people))]
    opened = await bot.double.wait_for("views.open", 60)
    forms = {call.args["trigger_id"]: call.response["view"] for call in opened}
    await asyncio.gather(*(bot.send(slack.view_submission(p, forms[t], blocked_values(
        note, share=True))) for p, t in zip(people, triggers, strict=True)))
    await drawn(bot, lambda message: blocked_people(message) == 60)

    assert bot.double.invalid == []
    last = latest(bot)
    assert len(last["blocks"]) <= 50
    assert counts(last) == {item: (60, 60) for item in items}
    assert "60 responded" in shown(last)
    responded = responded_line(last)
    assert responded.endswith(" and 40 others")
    assert len(re.findall(r"<@U0M\d{3}>", responded)) == 20
    blocked = blocked_line(last)
    # As many blocked people as fit are named, with their shared notes whole; the rest are
    # counted, so all 60 are accounted for.
    hidden = re.search(r" and (\d+) others$", blocked)
    assert hidden, blocked[-200:]
    named = re.findall(r"<@U0M\d{3}>", blocked)
    assert named and len(named) + int(hidden.group(1)) == 60
    assert blocked.count("\u201c") == blocked.count("\u201d") == len(named)
    assert "&lt;vendor&gt;" in blocked and "<vendor>" not in blocked


# ---------------------------------------------------------------------- clicks that cannot apply


async def test_a_click_on_a_run_that_no_longer_exists_is_refused_and_changes_nothing(bot):
    bot.double.fail_next("chat.postMessage", error="not_in_channel")
    reply, url = await bot.command("", STANDUP)
    assert reply.status == 200
    [told] = await posts_to(bot, url, 1)
    assert told.args["text"].startswith(":warning: I couldn't post the checklist")
    assert "/invite" in told.args["text"]
    [never_posted] = bot.double.calls_to("chat.postMessage")
    gone = never_posted.args  # the message the run would have had
    unknown = json.loads(json.dumps(gone).replace(f"standup_items:{run_id(gone)}:",
                                                  "standup_items:98765:"))

    for message in (gone, unknown):
        await refused(bot, A, message)
    await bot.double.settle()
    assert bot.double.calls_to("chat.update") == []
    assert bot.double.calls_to("views.open") == []


async def test_a_click_from_another_workspace_is_refused_and_changes_nothing(bot):
    message = await start(bot)
    stranger = person(A.user_id, OTHER_TEAM)  # even with the same user id
    await refused(bot, stranger, message)
    other = person("U0OTHER", OTHER_TEAM)
    await refused(bot, other, message)
    await bot.double.settle()
    assert bot.double.calls_to("chat.update") == []
    assert bot.double.calls_to("views.open") == []

    await press(bot, B, message, "Done")
    after = await redraws(bot, 1)
    assert responded_line(after) == f"Responded: <@{B.user_id}>"
    assert all(ticked == 0 for ticked, _ in counts(after).values())
    assert blocked_line(after) == ""
    assert (await my_answers(bot, A, after))[0] == set()


async def refused(bot: BotClient, actor: slack.Actor, message: dict[str, Any]) -> None:
    """Every control of the checklist, clicked by `actor`, gets a clear private refusal."""
    url = bot.double.response_url()
    await bot.send(tick_request(actor, checkboxes(message)[0], list(counts(message))[:2], url))
    uses = 1
    for label in ("My answers", "Blocked", "Done"):
        reply, _ = await bot.click(button_action(message["blocks"], label), url, actor=actor,
                                   message={"type": "message", "ts": "1.0", **message},
                                   is_ephemeral=False)
        assert reply.status == 200
        uses += 1
    answers = [c.args for c in await posts_to(bot, url, uses)]
    assert len(answers) == uses
    for answer in answers:
        assert answer["text"].startswith(":warning: This stand-up no longer exists"), answer
        assert answer.get("response_type", "ephemeral") == "ephemeral"
        assert answer.get("replace_original") is not True
    modal = slack.view_submission(actor, {"type": "modal", "id": "V0STALE",
                                          "callback_id": "standup_blocked_modal",
                                          "private_metadata": json.dumps(
                                              {"run": run_id(message)})},
                                  blocked_values("let me in", share=True))
    reply = await bot.send(modal)  # a form the bot never opened: its metadata is not believed
    assert reply.body["response_action"] == "update", reply.raw
    assert "This form has expired" in shown(reply.body["view"])


# ---------------------------------------------------------------------- blocked


def blocked_values(note: str | None, *, share: bool) -> dict[str, Any]:
    return {
        "note": {"note": {"type": "plain_text_input", "value": note}},
        "share": {"share": {"type": "checkboxes", "selected_options": (
            [{"value": "share", "text": {"type": "plain_text", "text": "Show"}}]
            if share else [])}},
    }


async def test_blocked_opens_a_modal_and_only_a_shared_note_is_shown(bot):
    message = await start(bot)
    _, trigger = await press(bot, A, message, "Blocked")
    [opened] = await bot.double.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    modal = opened.response["view"]
    assert modal["title"]["text"] == "I'm blocked"
    assert not modal["private_metadata"]  # the run is remembered by the bot, not the view

    reply = await bot.send(slack.view_submission(A, modal, blocked_values(
        "waiting on <!channel> & the DVLA key", share=True)))
    assert reply.status == 200 and not reply.body
    shared = await redraws(bot, 1)
    assert blocked_line(shared) == (f":construction: Blocked: <@{A.user_id}> "
                                    "(\u201cwaiting on &lt;!channel&gt; &amp; the DVLA key"
                                    "\u201d)")

    await press(bot, B, message, "Blocked")  # B's own form
    [_, theirs] = await bot.double.wait_for("views.open", 2)
    reply = await bot.send(slack.view_submission(B, theirs.response["view"], blocked_values(
        "my manager is off sick", share=False)))
    both = await redraws(bot, 2)
    assert blocked_line(both).endswith(f", <@{B.user_id}>")
    for call in bot.double.calls:
        assert "off sick" not in json.dumps(call.args)
    assert "2 responded" in shown(both)
    assert bot.double.calls_to("response_url") == []


# ---------------------------------------------------------------------- report


async def test_report_shows_completion_and_offers_a_retro_action_for_skipped_items(bot, index):
    message = await start(bot)
    items = default_checklists(index.knowledge)["daily"].items
    await tick(bot, A, message, [items[0].id, items[1].id])
    await tick(bot, B, message, [items[0].id])
    await drawn(bot, lambda shown_now: "2 responded" in shown(shown_now))
    other = await start(bot, "", person("U0CCCC", CHANNEL_B))  # another channel's stand-up
    await tick(bot, person("U0CCCC", CHANNEL_B), other, [])

    reply, url = await bot.command("report 7", STANDUP)
    assert reply.status == 200
    [report] = await posts_to(bot, url, 1)
    text = shown(report.args)
    assert "Stand-ups, last 7 days" in text
    assert "1 run(s), 2 people" in text
    lines = {line.split("%")[1].strip(): int(line.split("%")[0])
             for line in text.split("```")[1].splitlines()}
    assert lines == {f"{i.text} ({i.practice_id})": pct for i, pct in zip(
        items, [100, 50, 0, 0, 0, 0], strict=True)}

    skipped = sorted((i for i in items[2:]), key=lambda i: (i.practice_id, i.text))[:3]
    offered = [b for b in report.args["blocks"] if b.get("accessory")]
    assert [b["accessory"]["value"] for b in offered] == [i.practice_id for i in skipped]
    assert all(b["accessory"]["text"]["text"] == "Log a retro action" for b in offered)
    first = index.knowledge.practice(skipped[0].practice_id)
    assert f"*Often skipped:* {skipped[0].text}" in shown([offered[0]])
    assert f"{first.id} {first.title} \u2014 principle {first.principle}" in shown([offered[0]])

    click = {"type": "button", "action_id": offered[0]["accessory"]["action_id"],
             "block_id": offered[0].get("block_id", ""), "value": first.id,
             "text": offered[0]["accessory"]["text"]}
    request = slack.block_actions(ACTOR, click, response_url=url, message=report.args)
    assert (await bot.send(request)).status == 200
    [opened] = await bot.double.wait_for("views.open")
    assert opened.args["trigger_id"] == interactive_payload(request)["trigger_id"]
    modal = opened.response["view"]
    assert modal["title"]["text"] == "Log a retro action"
    [tags] = [b for b in modal["blocks"] if b.get("block_id") == "tags"]
    assert [o["value"] for o in tags["element"]["initial_options"]] == [str(first.principle)]

    await bot.send(slack.view_submission(ACTOR, modal, log_values(
        "read feedback together on Mondays", tags=(str(first.principle),))))
    await bot.double.wait_for("chat.postEphemeral")
    [action] = entries((await listing(bot))[0]["blocks"])
    assert action["text"] == "read feedback together on Mondays"
    assert action["details"].startswith(f"Principle {first.principle}: ")


async def test_report_days_must_be_a_number_of_days(bot):
    for words in ("report 0", "report soon", "report 366"):
        reply, _ = await bot.command(words, STANDUP)
        assert reply.raw.startswith(":warning: `/standup report` takes a number of days"), words
    await bot.double.settle()
    assert bot.double.calls_to("response_url") == []
    assert bot.double.calls_to("chat.postMessage") == []


async def test_report_with_no_answers_yet_says_so_without_an_empty_table(bot):
    await start(bot)
    _, url = await bot.command("report", STANDUP)
    [report] = await posts_to(bot, url, 1)
    text = shown(report.args)
    assert "1 run(s), 0 people" in text
    assert "``````" not in text, text
