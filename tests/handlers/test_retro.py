"""Retro actions from Slack, end to end: /retro, its buttons, the log and tag modals, the message
shortcut, your data, isolation between channels, teams and people, and concurrent adds.

The real app runs over HTTP and is driven with Slack-signed requests; the Slack double is the
only stand-in. Each scenario checks what people see: acks, response-URL posts and the Web API
calls the double recorded. `/retro` is registered with escaping on, so command text is sent the
way Slack sends it then: people as `<@U123|name>`, typed `<`, `>`, `&` as entities.
`bot_on` runs the same app on SQLite and, where TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from sqlalchemy import text as sql

from bot.localslack import signed_requests as slack
from bot.storage.engine import create_engine
from tests.utils.retro import (
    ADDRESS,
    CHANNEL_A,
    CHANNEL_B,
    OTHER_TEAM,
    RETRO,
    add,
    button_on,
    entries,
    everything,
    home_of,
    listing,
    log_values,
    numbers,
    open_log_modal,
    person,
    posts_to,
    retro,
)
from tests.utils.slack import (
    ACTOR,
    Reply,
    button_action,
    button_labels,
    interactive_payload,
    shown,
)

# ---------------------------------------------------------------------- /retro add


async def test_add_with_tags_and_an_owner_confirms_privately_and_notes_in_channel(bot):
    text = "add fix the address form <@U0777|sam> #4 #4.2 #procurement"
    _, url, (confirmation, note) = await retro(bot, text, posts=2)
    # Confirmed in the ack, once committed: the ack carries it, the note follows.
    assert confirmation.method == "ack" and note.method == "response_url"

    # Both were sent after the commit: another request already lists the action.
    found = entries((await listing(bot))[0]["blocks"])
    assert numbers(found) == [1]
    assert found[0]["text"] == "fix the address form"

    assert confirmation.args["response_type"] == "ephemeral"
    assert confirmation.args["text"] == "Logged #1"
    seen = shown(confirmation.args)
    assert "Logged *#1* fix the address form" in seen
    assert "Principle 4: " in seen
    assert "4.2 Understanding and addressing security needs" in seen
    assert "9.3 Simplifying procurement" in seen
    assert "auto-tagged" not in seen
    assert f"by <@{ACTOR.user_id}>" in seen and "owner <@U0777>" in seen
    assert button_labels(confirmation.args["blocks"]) == ["Change tags"]

    assert note.args["response_type"] == "in_channel"
    assert note.args.get("replace_original") is False
    assert note.args["text"].startswith(f"<@{ACTOR.user_id}> logged retro action *#1* fix the "
                                        "address form")
    assert "9.3 Simplifying procurement" in note.args["text"]
    await bot.double.settle()
    assert len([c for c in bot.double.calls_to("response_url") if c.url == url]) == 1


@pytest.mark.parametrize(("tag", "principle"), [
    pytest.param("#4", "Principle 4: ", id="principle"),
    pytest.param("#4.2", "4.2 Understanding and addressing security needs", id="practice"),
    pytest.param("#security", "4.", id="word"),
])
async def test_each_kind_of_tag_is_accepted(bot, tag, principle):
    """A tag may be a principle number, a practice id, or a word the matcher resolves; help
    and the unknown-tag message both give #security as the example of a word."""
    _, _, [confirmation] = await retro(bot, f"add review the login page {tag}")
    assert confirmation.args["text"] == "Logged #1", shown(confirmation.args)
    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["details"].startswith(principle)
    assert "auto-tagged" not in found["details"]


async def test_add_without_tags_is_auto_tagged_and_shown_as_such(bot, index):
    expected = index.search(ADDRESS).matches[0].practice
    _, _, (confirmation, note) = await retro(bot, f"add {ADDRESS}", posts=2)
    label = f"{expected.id} {expected.title}"[:40]
    assert label in shown(confirmation.args) and "(auto-tagged)" in shown(confirmation.args)
    assert "(auto-tagged)" in note.args["text"]
    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["details"].startswith(label) and "(auto-tagged)" in found["details"]


async def test_change_tags_opens_the_tags_modal_and_saving_it_retags(bot):
    _, url, (confirmation, _) = await retro(bot, f"add {ADDRESS}", posts=2)
    click, trigger = await bot.click(button_action(confirmation.args["blocks"], "Change tags"),
                                     url, message={"type": "message", "ts": "0",
                                                   **confirmation.args})
    assert click.status == 200
    [opened] = await bot.double.wait_for("views.open")
    assert opened.args["trigger_id"] == trigger
    modal = opened.response["view"]
    [tags_input] = [b for b in modal["blocks"] if b["type"] == "input"]
    assert [o["value"] for o in tags_input["element"]["initial_options"]] == ["10.3"]
    assert "*#1* " in shown(modal)

    values = {"tags": {"tags": {"type": "multi_static_select", "selected_options": [
        {"value": "7.1"}, {"value": "3"}]}}}
    reply = await bot.send(slack.view_submission(ACTOR, modal, values))
    assert reply.status == 200 and not reply.body, reply.raw
    [told] = await bot.double.wait_for("chat.postEphemeral")
    assert told.args["user"] == ACTOR.user_id
    assert told.args["text"].startswith("Tags of #1: 7.1 Learning from previous efforts, "
                                        "Principle 3: ")

    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["details"].startswith("7.1 Learning from previous efforts, Principle 3")
    assert "auto-tagged" not in found["details"]


async def test_change_tags_refuses_an_empty_choice_in_the_modal(bot):
    _, url, (confirmation, _) = await retro(bot, "add fix the form #4.2", posts=2)
    await bot.click(button_action(confirmation.args["blocks"], "Change tags"), url)
    [opened] = await bot.double.wait_for("views.open")
    values = {"tags": {"tags": {"type": "multi_static_select", "selected_options": []}}}
    reply = await bot.send(slack.view_submission(ACTOR, opened.response["view"], values))
    assert reply.body["response_action"] == "errors" and reply.body["errors"]["tags"]
    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["details"].startswith("4.2 ")


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("command", "says"), [
    pytest.param("add", "empty", id="empty"),
    pytest.param("add    ", "empty", id="blank"),
    pytest.param("add #4", "empty", id="only-a-tag"),
    pytest.param("add " + "a" * 2001, "2001 characters", id="2001-characters"),
    pytest.param("add fix the form #zzqxv", "#zzqxv", id="unknown-tag"),
    pytest.param("add fix the form #11", "no principle 11", id="unknown-principle"),
    pytest.param("add fix the form #4.99", "no practice 4.99", id="unknown-practice"),
    pytest.param("done 99", "no action #99", id="done-missing"),
    pytest.param("reopen 99", "no action #99", id="reopen-missing"),
    pytest.param("done 2", "no action #2", id="done-other-channel"),
    pytest.param("reopen 3", "no action #3", id="reopen-other-channel"),
    pytest.param("done", "needs an action number", id="done-without-number"),
])
async def test_bad_input_gets_a_clear_ephemeral_message_and_changes_nothing(
        bot, command, says):
    await add(bot, "keep the form short #5", CHANNEL_A)        # 1, open, in A
    await add(bot, "talk to users weekly #1", CHANNEL_B)       # 2, open, in B
    await add(bot, "publish the roadmap #3", CHANNEL_B)        # 3, done, in B
    await retro(bot, "done 3", CHANNEL_B)
    before = (await everything(bot, CHANNEL_A), await everything(bot, CHANNEL_B))

    reply, url = await bot.command(command, RETRO, actor=CHANNEL_A)
    assert reply.status == 200
    if reply.raw:  # refused in the ack itself
        messages = [reply.body if isinstance(reply.body, dict) else {"text": reply.raw}]
    else:
        messages = [c.args for c in await posts_to(bot, url, 1)][:1]
    await bot.double.settle()
    messages += [c.args for c in bot.double.calls_to("response_url") if c.url == url][1:]
    assert len(messages) == 1, [m.get("text") for m in messages]
    [message] = messages
    assert message.get("response_type", "ephemeral") == "ephemeral"
    assert message["text"].startswith(":warning:")
    assert says in message["text"]

    assert (await everything(bot, CHANNEL_A), await everything(bot, CHANNEL_B)) == before
    assert bot.double.calls_to("chat.postMessage") == []


async def test_2000_characters_is_still_accepted_and_shown_shortened(bot):
    number = await add(bot, "b" * 2000)
    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["number"] == number
    assert found["text"].endswith("\u2026") and len(found["text"]) < 2000


# ---------------------------------------------------------------------- /retro list


async def test_list_filters_by_status_principle_and_owner(bot):
    await add(bot, "talk to a user every week #1.1")                 # 1
    await add(bot, "threat model the new API #4.2 <@U0777|sam>")     # 2
    await add(bot, "pair with the policy team #4 #7")                # 3
    await retro(bot, "done 3")

    async def shown_for(args: str) -> list[int]:
        return numbers(entries((await listing(bot, args))[0]["blocks"]))

    assert await shown_for("") == [2, 1]
    assert await shown_for("open") == [2, 1]
    assert await shown_for("done") == [3]
    assert await shown_for("all") == [3, 2, 1]
    assert await shown_for("all #4") == [3, 2]
    assert await shown_for("#4.2") == [2]
    assert await shown_for("all <@U0777|sam>") == [2]
    assert await shown_for("#1 <@U0777|sam>") == []


async def test_done_and_reopen_buttons_redraw_that_action_in_place(bot):
    for text in ("one thing #1", "two things #2", "three things #3"):
        await add(bot, text)
    message, url = await listing(bot)
    assert [(e["number"], e["status"]) for e in entries(message["blocks"])] == [
        (3, "open"), (2, "open"), (1, "open")]
    await bot.click(button_on(message["blocks"], "C0001:2", "Done"), url,
                    message={"type": "message", "ts": "0", **message})
    redrawn = (await posts_to(bot, url, 2))[-1].args
    assert redrawn["replace_original"] is True
    after = entries(redrawn["blocks"])
    assert [(e["number"], e["status"]) for e in after] == [(3, "open"), (2, "done"),
                                                           (1, "open")]
    assert after[1]["details"].endswith("done")
    row = next(i for i, b in enumerate(redrawn["blocks"])
               if b.get("accessory", {}).get("value") == "C0001:2")
    assert [b for b in redrawn["blocks"] if b not in message["blocks"]] == [
        redrawn["blocks"][row], redrawn["blocks"][row + 1]]  # only #2's section and details
    assert numbers(entries((await listing(bot, "done"))[0]["blocks"])) == [2]

    await bot.click(button_on(redrawn["blocks"], "C0001:2", "Reopen"), url,
                    message={"type": "message", "ts": "0", **redrawn})
    again = (await posts_to(bot, url, 3))[-1].args
    assert [(e["number"], e["status"]) for e in entries(again["blocks"])] == [
        (3, "open"), (2, "open"), (1, "open")]
    assert numbers(entries((await listing(bot, "done"))[0]["blocks"])) == []


async def test_done_and_reopen_commands_answer_with_the_action(bot):
    await add(bot, "write weeknotes #3.1")
    _, _, [answer] = await retro(bot, "done 1")
    assert answer.args["text"] == "Done: #1"
    assert [e["status"] for e in entries(answer.args["blocks"])] == ["done"]
    _, _, [answer] = await retro(bot, "reopen #1")
    assert answer.args["text"] == "Reopened: #1"
    assert [e["status"] for e in entries(answer.args["blocks"])] == ["open"]


async def test_25_actions_list_a_page_at_a_time_with_more(bot):
    for n in range(1, 26):
        await add(bot, f"action number {n} #8")
    first, url = await listing(bot)
    assert numbers(entries(first["blocks"])) == list(range(25, 15, -1))
    assert "Showing 1\u201310 of 25." in shown(first)
    assert button_labels(first["blocks"])[-1] == "More"

    await bot.click(button_action(first["blocks"], "More"), url,
                    message={"type": "message", "ts": "0", **first})
    second = (await posts_to(bot, url, 2))[-1].args
    assert second["replace_original"] is True
    assert numbers(entries(second["blocks"])) == list(range(15, 5, -1))
    assert "Showing 11\u201320 of 25." in shown(second)

    await bot.click(button_action(second["blocks"], "More"), url,
                    message={"type": "message", "ts": "0", **second})
    third = (await posts_to(bot, url, 3))[-1].args
    assert numbers(entries(third["blocks"])) == [5, 4, 3, 2, 1]
    assert "More" not in button_labels(third["blocks"])


# ---------------------------------------------------------------------- the log modal


async def test_retro_alone_opens_the_log_modal_and_submitting_it_logs_and_confirms(bot):
    reply, _ = await bot.command("", RETRO)
    assert reply.status == 200
    [opened] = await bot.double.wait_for("views.open")
    modal = opened.response["view"]
    assert modal["title"]["text"] == "Log a retro action"
    assert [b["block_id"] for b in modal["blocks"] if b["type"] == "input"] == [
        "text", "owner", "due", "tags"]

    values = log_values("run a show and tell every sprint", owner="U0777", due="2031-03-14",
                        tags=("3.1",))
    reply = await bot.send(slack.view_submission(ACTOR, modal, values))
    assert reply.status == 200 and not reply.body, reply.raw
    [confirmation] = await bot.double.wait_for("chat.postEphemeral")
    [note] = await bot.double.wait_for("chat.postMessage")
    # Sent after the commit: another request lists it.
    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["text"] == "run a show and tell every sprint"
    assert found["details"].startswith("3.1 Working in the open")
    assert "owner <@U0777>" in found["details"] and "due 2031-03-14" in found["details"]

    assert confirmation.args["channel"] == ACTOR.channel_id
    assert confirmation.args["user"] == ACTOR.user_id
    assert confirmation.args["text"] == "Logged #1"
    assert "Change tags" in button_labels(confirmation.args["blocks"])
    assert note.args["channel"] == ACTOR.channel_id
    assert "*#1* run a show and tell every sprint" in note.args["text"]


async def test_an_empty_log_modal_is_refused_in_the_modal(bot):
    modal = await open_log_modal(bot)
    reply = await bot.send(slack.view_submission(ACTOR, modal, log_values("   ")))
    assert reply.body["response_action"] == "errors" and reply.body["errors"]["text"]
    await bot.double.settle()
    assert bot.double.calls_to("chat.postMessage") == []
    assert entries((await listing(bot))[0]["blocks"]) == []


async def test_the_same_view_submitted_twice_logs_one_action_and_confirms_once(bot_on):
    bot = bot_on
    # The view as Slack holds it once opened: with the id Slack gave it.
    modal = await open_log_modal(bot)
    submit = slack.view_submission(ACTOR, modal, log_values("retire the old form", tags=("8.6",)))
    first, second = await asyncio.gather(bot.send(submit), bot.send(submit))
    assert first.status == second.status == 200
    third = await bot.send(submit)  # and once more, after both were handled
    assert third.status == 200
    await bot.double.wait_for("chat.postEphemeral")
    await bot.double.settle()
    assert numbers(await everything(bot)) == [1]
    assert len(bot.double.calls_to("chat.postEphemeral")) == 1
    assert len(bot.double.calls_to("chat.postMessage")) == 1
    # A different view (another opening of the form) is another action.
    modal = await open_log_modal(bot)
    await bot.send(slack.view_submission(ACTOR, modal, log_values("retire the old form")))
    await bot.double.wait_for("chat.postEphemeral", 2)
    assert numbers(await everything(bot)) == [2, 1]


async def test_message_shortcut_opens_the_modal_prefilled_with_text_and_link(
        bot, index, sqlite_url_copy):
    expected = index.search(ADDRESS)
    assert expected.confident
    message = {"type": "message", "user": "U0555", "text": ADDRESS, "ts": "1700000123.000400"}
    request = slack.message_shortcut(ACTOR, "log_retro_action", message,
                                     bot.double.response_url())
    assert (await bot.send(request)).status == 200
    [opened] = await bot.double.wait_for("views.open")
    [asked] = bot.double.calls_to("chat.getPermalink")
    assert asked.args["channel"] == ACTOR.channel_id
    assert asked.args["message_ts"] == message["ts"]
    permalink = f"{bot.double.team_url}archives/{ACTOR.channel_id}/p1700000123000400"

    assert opened.args["trigger_id"] == interactive_payload(request)["trigger_id"]
    modal = opened.response["view"]
    [text_input] = [b for b in modal["blocks"] if b.get("block_id") == "text"]
    assert text_input["element"]["initial_value"] == ADDRESS
    [tags_input] = [b for b in modal["blocks"] if b.get("block_id") == "tags"]
    assert [o["value"] for o in tags_input["element"]["initial_options"]] == [
        expected.matches[0].practice.id]
    assert f"<{permalink}|this message>" in shown(modal)
    assert not modal["private_metadata"]  # the bot remembers channel and link itself

    # Submitted as prefilled, it logs the message as an action in that channel.
    await bot.send(slack.view_submission(ACTOR, modal, log_values(
        ADDRESS, tags=(expected.matches[0].practice.id,))))
    await bot.double.wait_for("chat.postEphemeral")
    [found] = entries((await listing(bot))[0]["blocks"])
    assert found["text"] == ADDRESS
    assert found["details"].startswith(expected.matches[0].practice.id)
    engine = create_engine(sqlite_url_copy)
    try:
        async with engine.connect() as connection:
            stored = await connection.scalar(sql("SELECT permalink FROM retro_actions"))
    finally:
        await engine.dispose()
    assert stored == permalink


async def test_message_shortcut_turns_markup_into_plain_text(bot):
    message = {"type": "message", "user": "U0555", "ts": "1700000123.000500",
               "text": "<!here> <@U0777|sam> please fix &lt;b&gt; on <https://x.example|form>"}
    await bot.send(slack.message_shortcut(ACTOR, "log_retro_action", message,
                                          bot.double.response_url()))
    [opened] = await bot.double.wait_for("views.open")
    [text_input] = [b for b in opened.args["view"]["blocks"] if b.get("block_id") == "text"]
    assert text_input["element"]["initial_value"] == "@here @sam please fix <b> on form"


# ---------------------------------------------------------------------- isolation


async def test_an_action_stays_in_its_channel_its_team_and_its_peoples_homes(bot_on):
    bot = bot_on
    author = person("U0AUTH", CHANNEL_A)
    owner = person("U0OWNR", CHANNEL_A)
    outsider = person("U0OUTS", CHANNEL_A)
    number = await add(bot, "ask users about the renewal letter #2.3 <@U0OWNR|olu>", author)
    await add(bot, "something in B #6", person("U0BBBB", CHANNEL_B))

    assert [(e["number"], e["text"]) for e in await everything(bot, CHANNEL_A)] == [
        (number, "ask users about the renewal letter")]
    assert "renewal letter" not in json.dumps(await everything(bot, CHANNEL_B))
    # Another workspace, with the same channel id and the author's own user id.
    stranger = person("U0AUTH", OTHER_TEAM)
    assert await everything(bot, stranger) == []
    _, _, [answer] = await retro(bot, f"done {number}", stranger)
    assert answer.args["text"].startswith(":warning:")
    _, _, [mine] = await retro(bot, "mydata", stranger)
    assert "renewal letter" not in json.dumps(mine.args)
    # A click on the action's own button, from the other workspace, changes nothing.
    message, url = await listing(bot, "all", CHANNEL_A)
    done = button_on(message["blocks"], f"{CHANNEL_A.channel_id}:{number}", "Done")
    await bot.click(done, url, actor=stranger, message={"type": "message", "ts": "0", **message})
    refused = (await posts_to(bot, url, 2))[-1].args
    assert refused["text"].startswith(":warning:") and refused.get("replace_original") is False
    assert [e["status"] for e in await everything(bot, CHANNEL_A)] == ["open"]

    for someone in (author, owner):
        assert "renewal letter" in shown(await home_of(bot, someone)), someone.user_id
    for someone in (outsider, stranger):
        home = await home_of(bot, someone)
        assert "renewal letter" not in json.dumps(home), someone.user_id
        assert "Nothing open that you wrote or own" in shown(home)
    assert "0 action(s) logged by your team" in shown(await home_of(bot, stranger))


# ---------------------------------------------------------------------- concurrency


async def test_50_concurrent_adds_make_50_actions_with_50_distinct_numbers(bot_on):
    bot = bot_on
    texts = [f"concurrent action {n:02d} #9" for n in range(50)]
    sent = await asyncio.gather(*(bot.command(f"add {t}", RETRO) for t in texts))
    assert [reply.status for reply, _ in sent] == [200] * 50
    confirmed: dict[int, str] = {}
    for (_, url), text in zip(sent, texts, strict=True):
        confirmation, note = await posts_to(bot, url, 2, timeout=30)
        found = re.fullmatch(r"Logged #(\d+)", confirmation.args["text"])
        assert found, shown(confirmation.args)
        assert text.removesuffix(" #9") in shown(confirmation.args)
        assert note.args["response_type"] == "in_channel"
        confirmed[int(found.group(1))] = text.removesuffix(" #9")
    assert sorted(confirmed) == list(range(1, 51))

    listed = await everything(bot)
    assert sorted(numbers(listed)) == list(range(1, 51))
    assert {e["number"]: e["text"] for e in listed} == confirmed
    await bot.double.settle()
    # Per add, the ack confirmed and the response URL took the channel note; lists are acks
    # with their More pages (4) by response URL.
    assert len(bot.double.calls_to("response_url")) == 50 + 4, [
        c.args.get("text", "")[:60] for c in bot.double.calls_to("response_url")
        if "logged retro action" not in c.args.get("text", "")]


# ---------------------------------------------------------------------- your data


async def test_mydata_lists_mine_and_forget_me_deletes_only_mine(bot):
    me = person("U0ME")
    them = person("U0THEM")
    await add(bot, "mine in this channel #1", me)                              # 1
    await add(bot, "mine elsewhere #2", person("U0ME", CHANNEL_B))             # 2
    await add(bot, "theirs but I own it #3 <@U0ME|me>", them)                  # 3
    await add(bot, "theirs alone #4", them)                                    # 4

    _, _, [data] = await retro(bot, "mydata", me)
    seen = shown(data.args)
    assert "3 retro action(s) you wrote or own" in seen
    for text in ("mine in this channel", "mine elsewhere", "theirs but I own it"):
        assert text in seen
    assert "theirs alone" not in seen

    # The same person id in another workspace forgets nothing here.
    elsewhere = person("U0ME", OTHER_TEAM)
    _, url, [confirm] = await retro(bot, "forget-me", elsewhere)
    assert "deletes the 0 retro action(s)" in shown(confirm.args)
    await bot.click(button_action(confirm.args["blocks"], "Delete my data"), url,
                    actor=elsewhere)
    assert (await posts_to(bot, url, 2))[-1].args["text"].startswith("Done: deleted 0 ")

    _, url, [confirm] = await retro(bot, "forget-me", me)
    assert "deletes the 2 retro action(s) you wrote" in shown(confirm.args)
    assert numbers(await everything(bot)) == [4, 3, 1]  # nothing deleted before the click
    await bot.click(button_action(confirm.args["blocks"], "Delete my data"), url, actor=me)
    done = (await posts_to(bot, url, 2))[-1].args
    assert done["text"] == ("Done: deleted 2 action(s) you wrote; you no longer own 1 "
                            "other(s).")

    left = await everything(bot)
    assert numbers(left) == [4, 3]
    assert "owner" not in left[1]["details"]
    assert await everything(bot, person("U0ME", CHANNEL_B)) == []
    _, _, [data] = await retro(bot, "mydata", me)
    assert "0 retro action(s)" in shown(data.args)
    _, _, [data] = await retro(bot, "mydata", them)
    assert "2 retro action(s)" in shown(data.args)


# ---------------------------------------------------------------------- escaping


LIVE = ("<!channel>", "<!here>", "<@U999>", "<@U999|", "<https://evil")


async def test_user_text_never_reaches_slack_as_live_markup(bot):
    acks: list[Reply] = []
    typed = "add &lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.example|x&gt; R&amp;D"
    reply, url, (confirmation, _) = await retro(bot, typed, posts=2)
    acks.append(reply)
    assert "&lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.example|x&gt; R&amp;D" in shown(
        confirmation.args)
    # What Slack sends when someone writes @channel and @person in the command.
    reply, _, _ = await retro(bot, "add <!channel> ping <@U999|eve> about it #2", posts=2)
    acks.append(reply)

    modal = await open_log_modal(bot)
    acks.append(await bot.send(slack.view_submission(ACTOR, modal, log_values(
        "<!here> <@U999> <https://evil.example|x> & co", tags=("2.5",)))))
    await bot.double.wait_for("chat.postEphemeral")

    await bot.click(button_action(confirmation.args["blocks"], "Change tags"), url)
    await bot.double.wait_for("views.open", 2)
    for args in ("all", "open"):
        acks.append((await retro(bot, f"list {args}"))[0])
    acks.append((await retro(bot, "mydata"))[0])
    await home_of(bot, ACTOR)
    await bot.double.settle()

    listed = await everything(bot)
    assert [e["text"] for e in listed] == [
        "&lt;!here&gt; &lt;@U999&gt; &lt;https://evil.example|x&gt; &amp; co",
        "@channel ping @eve about it",
        "&lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.example|x&gt; R&amp;D",
    ]
    sent = [json.dumps(call.args, ensure_ascii=False) for call in bot.double.calls]
    sent += [reply.raw for reply in acks]
    for text in sent:
        for live in LIVE:
            assert live not in text, f"{live} reached Slack in {text[:300]}"
