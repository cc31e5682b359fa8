"""Who may act on what is decided by stored rows and the verified request, never by what a
client could edit: a button's value, its container, a modal's private_metadata. Stored user
ids match Slack's pattern, so none can render as live markup."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.localslack import signed_requests as slack
from tests.utils.retro import (
    CHANNEL_A,
    CHANNEL_B,
    add,
    everything,
    log_values,
    open_log_modal,
    person,
    posts_to,
    retro,
)
from tests.utils.slack import ACTOR, button_action, interactive_payload, live_markup, shown

OUTSIDER = person("U0OUTS", CHANNEL_A)
THEIRS = person("U0THEM", CHANNEL_B)


async def forged_click(bot, actor, action_id: str, value: str, *, container: dict) -> str:
    """A click whose value and container say what the clicker likes; the response URL."""
    url = bot.double.response_url()
    request = slack.block_actions(actor, {"type": "button", "action_id": action_id,
                                          "block_id": "b", "value": value}, response_url=url)
    payload = interactive_payload(request)
    payload["container"] = container
    if container.get("type") == "view":
        payload.pop("channel", None)
    request = slack.SlackRequest(urlencode({"payload": json.dumps(payload)}),
                                 request.content_type)
    assert (await bot.send(request)).status == 200
    return url


async def test_a_forged_done_cannot_close_another_channels_action(bot):
    number = await add(bot, "keep channel B's promise #5", THEIRS)
    for container in ({"type": "view", "view_id": "V1"},
                      {"type": "message", "message_ts": "1.0"},  # no channel_id
                      {"type": "message", "channel_id": CHANNEL_B.channel_id}):
        url = await forged_click(bot, OUTSIDER, "retro_done",
                                 f"{CHANNEL_B.channel_id}:{number}", container=container)
        [told] = await posts_to(bot, url, 1)
        assert told.args["text"].startswith(":warning:"), told.args
    assert [e["status"] for e in await everything(bot, THEIRS)] == ["open"]


async def test_change_tags_never_shows_another_channels_action(bot):
    number = await add(bot, "secret plan of channel B #5", THEIRS)
    url = await forged_click(bot, OUTSIDER, "retro_change_tags",
                             f"{CHANNEL_B.channel_id}:{number}",
                             container={"type": "view", "view_id": "V1"})
    [told] = await posts_to(bot, url, 1)
    assert told.args["text"].startswith(":warning:")
    await bot.double.settle()
    assert bot.double.calls_to("views.open") == []


async def test_private_metadata_cannot_retag_or_plant_actions_elsewhere(bot):
    number = await add(bot, "channel B's own #5", THEIRS)
    retag = {"type": "modal", "callback_id": "retro_tags_modal", "id": "V0FORGED",
             "private_metadata": json.dumps({"channel": CHANNEL_B.channel_id,
                                             "number": number})}
    values = {"tags": {"tags": {"type": "multi_static_select",
                                "selected_options": [{"value": "1"}]}}}
    reply = await bot.send(slack.view_submission(OUTSIDER, retag, values))
    assert "expired" in shown(reply.body.get("view", reply.body))
    plant = {**await open_log_modal(bot, OUTSIDER),
             "private_metadata": json.dumps({"channel": CHANNEL_B.channel_id})}
    await bot.send(slack.view_submission(OUTSIDER, plant, log_values("planted")))
    await bot.double.settle()
    [theirs] = await everything(bot, THEIRS)
    assert theirs["text"] == "channel B's own" and theirs["details"].startswith("Principle 5")
    assert [e["text"] for e in await everything(bot, OUTSIDER)] == ["planted"]


async def test_a_standup_run_is_reached_only_from_its_channel(bot):
    await bot.command("", "/standup", actor=THEIRS)
    [posted] = await bot.double.wait_for("chat.postMessage")
    run = posted.args["blocks"][-1]["elements"][0]["value"]
    url = await forged_click(bot, OUTSIDER, "standup_done", run,
                             container={"type": "message", "channel_id": CHANNEL_A.channel_id,
                                        "message_ts": "1.0"})
    [told] = await posts_to(bot, url, 1)
    assert "no longer exists" in told.args["text"]
    await bot.double.settle()
    assert bot.double.calls_to("chat.update") == []


async def test_an_owner_that_is_not_a_slack_user_id_is_refused_and_never_rendered(bot):
    view = await open_log_modal(bot)
    reply = await bot.send(slack.view_submission(ACTOR, view, log_values(
        "sneak a ping in", owner="U1> <!channel")))
    assert reply.body["response_action"] == "errors"
    assert "person" in json.dumps(reply.body["errors"])
    assert await everything(bot) == []
    _, _, [listed] = await retro(bot, "list all")
    assert live_markup(listed.args) == []


async def test_change_tags_in_the_fallback_dm_opens_for_the_author(bot):
    _, url, (confirmation, _) = await retro(bot, "add fix the address form #4", posts=2)
    in_dm = slack.Actor(channel_id="D0001", channel_name="directmessage")
    await bot.click(button_action(confirmation.args["blocks"], "Change tags"), url,
                    actor=in_dm, message={"type": "message", "ts": "0", **confirmation.args})
    [opened] = await bot.double.wait_for("views.open")
    assert "fix the address form" in shown(opened.args["view"])
    values = {"tags": {"tags": {"type": "multi_static_select",
                                "selected_options": [{"value": "7.1"}]}}}
    reply = await bot.send(slack.view_submission(in_dm, opened.response["view"], values))
    assert reply.status == 200 and not reply.body, reply.raw
    [found] = await everything(bot)
    assert found["details"].startswith("7.1 ")


async def test_home_done_reaches_only_what_the_clicker_wrote_or_owns(bot):
    number = await add(bot, "not yours #5", THEIRS)
    await forged_click(bot, OUTSIDER, "home_retro_done", f"{CHANNEL_B.channel_id}:{number}",
                       container={"type": "view", "view_id": "V1"})
    [told] = await bot.double.wait_for("chat.postMessage")  # Home has no response URL: a DM
    assert told.args["channel"] == OUTSIDER.user_id and "#" in told.args["text"]
    assert [e["status"] for e in await everything(bot, THEIRS)] == ["open"]
