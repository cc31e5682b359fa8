"""Changing retro actions from Slack, end to end: `/retro assign|due|edit` (by the author or
the owner only, confirmed like an add and noted in the channel), the Edit button and its modal,
Delete with a confirm and Undo (the action comes back with its number and tags), `/retro
export` by DM as a file, and `forget-me` saying exactly what it deletes. Bad input for each new
verb gets one clear line and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

from bot.localslack import signed_requests as slack
from tests.utils.retro import (
    add,
    entries,
    everything,
    listing,
    person,
    posts_to,
    refusal,
    retro,
)
from tests.utils.slack import ACTOR, BotClient, button_action, shown

AUTHOR = person("U0AUTHOR")
OWNER = person("U0OWNER")
STRANGER = person("U0STRANGER")
LONDON = ZoneInfo("Europe/London")  # the stand-in's default time zone for everyone


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


async def details(bot: BotClient, number: int) -> dict:
    [found] = [e for e in await everything(bot) if e["number"] == number]
    return found


async def changed(bot: BotClient, text: str, actor: slack.Actor) -> tuple[str, str]:
    """A change confirmed: what the person saw, and the note the channel saw."""
    _, _, (confirmation, note) = await retro(bot, text, actor, posts=2)
    assert confirmation.args["response_type"] == "ephemeral"
    assert note.args["response_type"] == "in_channel"
    return shown(confirmation.args), note.args["text"]


async def refused(bot: BotClient, text: str, actor: slack.Actor = AUTHOR) -> str:
    return await refusal(bot, text, "/retro", actor)


async def test_assign_due_and_edit_by_the_author_and_the_owner(bot):
    number = await add(bot, "publish the performance data #3.3", AUTHOR)
    seen, note = await changed(bot, f"assign {number} <@U0OWNER|owner>", AUTHOR)
    assert "owner <@U0OWNER>" in seen
    assert note == ("<@U0AUTHOR> changed retro action *#1* publish the performance data: "
                    "owner <@U0OWNER>")
    # The owner may change it too: a date in words, read in their time zone.
    seen, note = await changed(bot, f"due {number} in 3 days", OWNER)
    due = (today() + dt.timedelta(days=3)).isoformat()
    assert f"due {due}" in seen and note.endswith(f": due {due}")
    # Slack sends typed <, > and & as entities.
    seen, _ = await changed(bot, f"edit {number} publish the &lt;b&gt;monthly&lt;/b&gt; data",
                            OWNER)
    assert "publish the &lt;b&gt;monthly&lt;/b&gt; data" in seen
    found = await details(bot, number)
    assert found["text"] == "publish the &lt;b&gt;monthly&lt;/b&gt; data"
    assert f"owner <@U0OWNER> \u00b7 due {due}" in found["details"]
    assert found["details"].startswith("3.3 ")  # tags unchanged

    await changed(bot, f"due {number} none", AUTHOR)
    await changed(bot, f"assign {number} me", AUTHOR)
    found = await details(bot, number)
    assert "due" not in found["details"] and "owner <@U0AUTHOR>" in found["details"]
    await changed(bot, f"assign {number} nobody", AUTHOR)
    assert "owner" not in (await details(bot, number))["details"]


async def test_someone_neither_author_nor_owner_is_refused_and_nothing_changes(bot):
    await add(bot, "retire the old form #8.6 <@U0OWNER|o>", AUTHOR)
    before = await everything(bot)
    for text in ("assign 1 <@U0STRANGER|s>", "due 1 friday", "edit 1 something else",
                 "delete 1"):
        assert "Only the author or the owner of #1" in await refused(bot, text, STRANGER), text
        assert await everything(bot) == before, text
    await bot.double.settle()
    assert [c for c in bot.double.calls_to("response_url")
            if c.args.get("response_type") == "in_channel"][1:] == []


BAD_INPUT = [
    ("assign", "`/retro assign` needs an action number"),
    ("assign 1", "`/retro assign` needs an action number"),
    ("assign x <@U0OWNER|o>", "`/retro assign` needs an action number"),
    ("assign 1 bob", "I don't know who `bob` is"),
    ("assign 99 me", "There is no action #99 in this channel"),
    ("due 1", "`/retro due` needs an action number"),
    ("due 1 someday", "I don't know the date `someday`"),
    ("due 1 2020-01-01", "2020-01-01 is in the past"),
    ("due 1 2026-13-01", "I don't know the date `2026-13-01`"),
    ("due 1 in 9999 days", "That date is too far ahead"),
    ("edit 1", "`/retro edit` needs an action number"),
    ("edit 1 " + "x" * 2001, "Keep the text under 2000 characters"),
    ("export xml", "`/retro export` takes csv or json"),
]


async def test_bad_input_for_each_new_verb_gets_one_line_and_changes_nothing(bot):
    # One bot for every case (a bot per case would cost a server start each).
    await add(bot, "retire the old form #8.6", AUTHOR)
    before = await everything(bot)
    for text, says in BAD_INPUT:
        assert says in await refused(bot, text), text
        assert await everything(bot) == before, text


async def test_the_edit_button_opens_the_action_filled_in_and_saving_it_changes_it(bot):
    await add(bot, "retire the old form #8.6", AUTHOR)
    message, url = await listing(bot, "all", AUTHOR)
    [row] = entries(message["blocks"])
    assert [b for b in message["blocks"] if b.get("block_id") == f"retro_tools:{row['value']}"]
    await bot.click(button_action(message["blocks"], "Edit"), url, actor=AUTHOR,
                    message={"type": "message", "ts": "0", **message})
    [opened] = await bot.double.wait_for("views.open")
    modal = opened.args["view"]
    assert modal["title"]["text"] == "Edit #1"
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["text"]["initial_value"] == "retire the old form"
    assert [o["value"] for o in inputs["tags"]["initial_options"]] == ["8.6"]

    due = (today() + dt.timedelta(days=7)).isoformat()
    values = {
        "text": {"text": {"type": "plain_text_input", "value": "retire both old forms"}},
        "owner": {"owner": {"type": "users_select", "selected_user": "U0OWNER"}},
        "due": {"due": {"type": "datepicker", "selected_date": due}},
        "tags": {"tags": {"type": "multi_static_select", "selected_options": [
            {"value": "4.2"}]}}}
    reply = await bot.send(slack.view_submission(AUTHOR, modal, values))
    assert reply.status == 200 and not reply.body, reply.raw
    [told] = await bot.double.wait_for("chat.postEphemeral")
    assert told.args["text"] == "Changed #1"
    [note] = await bot.double.wait_for("chat.postMessage")
    assert note.args["text"].startswith("<@U0AUTHOR> changed retro action *#1* retire both")
    found = await details(bot, 1)
    assert found["text"] == "retire both old forms"
    assert found["details"].startswith("4.2 ")
    assert f"owner <@U0OWNER> \u00b7 due {due}" in found["details"]

    # A past date in the modal is refused on its field; nothing changes.
    values["due"]["due"]["selected_date"] = "2020-01-01"
    reply = await bot.send(slack.view_submission(AUTHOR, modal, values))
    assert reply.body == {"response_action": "errors",
                          "errors": {"due": "2020-01-01 is in the past: give today or a later "
                                            "day."}}
    assert (await details(bot, 1)) == found


async def test_the_edit_button_and_modal_refuse_a_stranger(bot):
    await add(bot, "retire the old form #8.6", AUTHOR)
    message, url = await listing(bot, "all", STRANGER)
    await bot.click(button_action(message["blocks"], "Edit"), url, actor=STRANGER,
                    message={"type": "message", "ts": "0", **message})
    said = (await posts_to(bot, url, 2))[-1].args["text"]
    assert said == ":warning: Only the author or the owner of #1 can edit it."
    assert bot.double.calls_to("views.open") == []
    # A modal the bot never opened for the stranger (its metadata names the action), or the
    # author's own form submitted by the stranger, changes nothing.
    modal = {"type": "modal", "callback_id": "retro_edit_modal", "blocks": [],
             "private_metadata": json.dumps({"channel": ACTOR.channel_id, "number": 1})}
    values = {"text": {"text": {"type": "plain_text_input", "value": "mine now"}}}
    reply = await bot.send(slack.view_submission(STRANGER, modal, values))
    assert "This form has expired" in shown(reply.body["view"])
    mine, url = await listing(bot, "all", AUTHOR)
    await bot.click(button_action(mine["blocks"], "Edit"), url, actor=AUTHOR,
                    message={"type": "message", "ts": "0", **mine})
    [opened] = await bot.double.wait_for("views.open")
    reply = await bot.send(slack.view_submission(STRANGER, opened.response["view"], values))
    assert "This form has expired" in shown(reply.body["view"])
    assert (await details(bot, 1))["text"] == "retire the old form"


async def test_delete_asks_first_and_undo_restores_the_action_with_its_number_and_tags(bot):
    for text in ("one thing #1", "two things #2.1 #7", "three things #3"):
        await add(bot, text, AUTHOR)
    message, url = await listing(bot, "all", AUTHOR)
    delete = button_action([b for b in message["blocks"]
                            if b.get("block_id") == "retro_tools:C0001:2"], "Delete")
    [element] = [e for b in message["blocks"] if b.get("block_id") == "retro_tools:C0001:2"
                 for e in b["elements"] if e["action_id"] == "retro_delete"]
    assert element["confirm"]["confirm"]["text"] == "Delete" and element["style"] == "danger"
    before = await details(bot, 2)

    await bot.click(delete, url, actor=AUTHOR, message={"type": "message", "ts": "0",
                                                        **message})
    redrawn = (await posts_to(bot, url, 2))[-1].args
    assert redrawn["replace_original"] is True
    assert [e["number"] for e in entries(redrawn["blocks"])] == [3, 1]
    assert "Deleted *#2* two things" in shown(redrawn)
    assert [e["number"] for e in await everything(bot)] == [3, 1]
    assert "There is no action #2" in await refused(bot, "done 2")

    undo = button_action(redrawn["blocks"], "Undo")
    await bot.click(undo, url, actor=STRANGER)  # not theirs to undo
    assert "Only the person who deleted it" in (await posts_to(bot, url, 3))[-1].args["text"]
    await bot.click(undo, url, actor=AUTHOR)
    restored = (await posts_to(bot, url, 4))[-1].args
    assert "Restored: *#2* two things" in shown(restored)
    assert await details(bot, 2) == before  # number, text, tags as they were
    assert [e["number"] for e in await everything(bot)] == [3, 2, 1]
    await bot.click(undo, url, actor=AUTHOR)  # twice: nothing more to undo
    assert "too late to undo" in (await posts_to(bot, url, 5))[-1].args["text"]
    assert await add(bot, "four things #4", AUTHOR) == 4  # numbers are never reused


async def test_delete_by_command_answers_with_undo(bot):
    await add(bot, "one thing #1", AUTHOR)
    _, url, [deleted] = await retro(bot, "delete 1", AUTHOR)
    assert "Deleted *#1* one thing" in shown(deleted.args)
    await bot.click(button_action(deleted.args["blocks"], "Undo"), url, actor=AUTHOR)
    await posts_to(bot, url, 2)
    assert [e["number"] for e in await everything(bot)] == [1]


async def test_export_sends_the_channels_actions_by_dm_with_names(bot):
    bot.double.users["U0AUTHOR"] = {"profile": {"display_name": "ana"}}
    await add(bot, "one thing #1 <@U0OWNER|o>", AUTHOR)
    await add(bot, "elsewhere #2", person("U0AUTHOR", slack.Actor(channel_id="COTHER")))
    for fmt in ("csv", "json"):
        _, _, [said] = await retro(bot, f"export {fmt}", AUTHOR)
        assert said.args["text"] == (f"Sent you 1 action(s) by DM as "
                                     f"`retro-actions-C0001.{fmt}`.")
        complete = bot.double.calls_to("files.completeUploadExternal")[-1]
        assert complete.args["channel_id"] == "DU0AUTHOR"
        shared = list(bot.double.workspace.files.values())[-1]
        content = shared["content"].decode()
        if fmt == "csv":
            [row] = list(csv.DictReader(io.StringIO(content)))
        else:
            [row] = json.loads(content)
        assert row["number"] in ("1", 1) and row["text"] == "one thing"
        assert row["author_name"] == "ana" and row["owner_name"] == "u0owner"


async def test_forget_me_says_exactly_what_it_deletes(bot):
    await add(bot, "mine #1", AUTHOR)
    await add(bot, "theirs but mine to do #2 <@U0AUTHOR|a>", OWNER)
    await retro(bot, "assign 1 <@U0OWNER|o>", AUTHOR, posts=2)
    reply, _ = await bot.command("join", "/standup", actor=AUTHOR)
    assert reply.status == 200
    await bot.double.settle()
    _, url, [confirm] = await retro(bot, "forget-me", AUTHOR)
    said = shown(confirm.args)
    assert "deletes the 1 retro action(s) you wrote: #1 mine." in said
    assert "removes you as owner of 1 action(s) others wrote" in said
    assert "stand-ups of <#C0001>" in said
    await bot.click(button_action(confirm.args["blocks"], "Delete my data"), url, actor=AUTHOR)
    done = (await posts_to(bot, url, 2))[-1].args["text"]
    assert done == ("Done: deleted 1 action(s) you wrote; you no longer own 1 other(s). "
                    "You left the stand-ups of 1 channel(s).")
    _, who_url = await bot.command("who", "/standup", actor=OWNER)
    assert "Nobody has joined" in (await posts_to(bot, who_url, 1))[0].args["text"]
