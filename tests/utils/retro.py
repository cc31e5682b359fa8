"""Driving `/retro` like a person in Slack, and reading what the bot showed: the helpers the
retro, Home, stand-up and prompt tests share."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.localslack import signed_requests as slack
from bot.localslack.standin import RecordedCall
from handlers.retro import views
from tests.utils.slack import ACTOR, BotClient, Reply, button_action, button_labels, shown

RETRO = "/retro"
ADDRESS = "why do people have to type their address on every form?"

CHANNEL_A = slack.Actor(channel_id="CAAAA", channel_name="team-a")
CHANNEL_B = slack.Actor(channel_id="CBBBB", channel_name="team-b")
OTHER_TEAM = slack.Actor(team_id="T0002", channel_id="CAAAA", channel_name="team-a")


def person(user_id: str, actor: slack.Actor = ACTOR) -> slack.Actor:
    return slack.Actor(team_id=actor.team_id, channel_id=actor.channel_id, user_id=user_id,
                       user_name=user_id.lower(), channel_name=actor.channel_name)


# ---------------------------------------------------------------------- driving /retro


def ack_message(bot: BotClient, url: str) -> list[RecordedCall]:
    """The message a command's ack carried (recorded as method "ack"), if it carried one."""
    reply = bot.acks.get(url)
    body = reply.body if reply is not None else None
    if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
        return [RecordedCall(method="ack", args=body, url=url)]
    return []


async def posts_to(bot: BotClient, url: str, count: int, timeout: float = 15.0
                   ) -> list[RecordedCall]:
    """The messages a person got through one response URL, once there are at least `count`:
    for a command, the message its ack carried comes first (Slack shows it the same way),
    then the posts to the URL."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = ack_message(bot, url) + [
            c for c in bot.double.calls_to("response_url") if c.url == url]
        if len(found) >= count:
            return found
        if loop.time() > deadline:
            raise AssertionError(f"expected {count} post(s) to {url}, got "
                                 f"{[shown(c.args) for c in found]}")
        await asyncio.sleep(0.005)


async def retro(bot: BotClient, text: str, actor: slack.Actor | None = None, *,
                posts: int = 1) -> tuple[Reply, str, list[RecordedCall]]:
    """`/retro text`: the ack, the response URL and the first `posts` messages the person got:
    the ack's own message (recorded as method "ack") if it carries one, then the posts to the
    response URL."""
    reply, url = await bot.command(text, RETRO, actor=actor)
    assert reply.status == 200, reply.raw
    return reply, url, (await posts_to(bot, url, posts))[:posts] if posts else []


async def refusal(bot: BotClient, text: str, command: str, actor: slack.Actor | None = None
                  ) -> str:
    """`command text` refused: the one warning line, in the ack or through the response URL."""
    reply, url = await bot.command(text, command, actor=actor)
    assert reply.status == 200
    if reply.raw:
        line = reply.body["text"] if isinstance(reply.body, dict) else reply.raw
    else:
        [answer] = await posts_to(bot, url, 1)
        line = answer.args["text"]
    assert line.startswith(":warning:") and "\n" not in line, line
    return line


async def add(bot: BotClient, text: str, actor: slack.Actor | None = None) -> int:
    """`/retro add text`, checked to be confirmed; the action's number."""
    _, _, (confirmation, note) = await retro(bot, f"add {text}", actor, posts=2)
    found = re.fullmatch(r"Logged #(\d+)", confirmation.args.get("text", ""))
    assert found, f"not confirmed: {shown(confirmation.args)}"
    assert note.args["response_type"] == "in_channel"
    return int(found.group(1))


def entries(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actions a message shows: number, text, status (from its button), details line."""
    found = []
    for i, block in enumerate(blocks):
        button = block.get("accessory") or {}
        if button.get("action_id") not in (views.DONE, views.REOPEN):
            continue
        number, text = re.fullmatch(r"\*#(\d+)\* (.*)", block["text"]["text"], re.S).groups()
        details = shown([blocks[i + 1]]) if i + 1 < len(blocks) else ""
        found.append({"number": int(number), "text": text, "details": details,
                      "status": "open" if button["action_id"] == views.DONE else "done",
                      "value": button["value"]})
    return found


async def listing(bot: BotClient, args: str = "all", actor: slack.Actor | None = None
                  ) -> tuple[dict[str, Any], str]:
    """`/retro list args`: the message posted and its response URL."""
    _, url, [posted] = await retro(bot, f"list {args}".strip(), actor)
    return posted.args, url


async def everything(bot: BotClient, actor: slack.Actor | None = None,
                     args: str = "all") -> list[dict[str, Any]]:
    """Every action `/retro list` shows in a channel, following More to the last page."""
    message, url = await listing(bot, args, actor)
    found = entries(message["blocks"])
    pages = 1
    while "More" in button_labels(message["blocks"]):
        await bot.click(button_action(message["blocks"], "More"), url, actor=actor,
                        message={"type": "message", "ts": "0", **message})
        pages += 1
        message = (await posts_to(bot, url, pages))[-1].args
        assert message.get("replace_original") is True
        found += entries(message["blocks"])
    return found


def button_on(blocks: list[dict[str, Any]], value: str, label: str) -> dict[str, Any]:
    """The click on the `label` button of the action whose button value is `value`."""
    return button_action([b for b in blocks if b.get("accessory", {}).get("value") == value],
                         label)


def numbers(found: list[dict[str, Any]]) -> list[int]:
    return [e["number"] for e in found]


async def open_log_modal(bot: BotClient, actor: slack.Actor | None = None) -> dict[str, Any]:
    """`/retro` alone: the modal views.open showed."""
    opened_before = len(bot.double.calls_to("views.open"))
    reply, _ = await bot.command("", RETRO, actor=actor)
    assert reply.status == 200
    opened = (await bot.double.wait_for("views.open", opened_before + 1))[-1]
    return opened.response["view"]  # as Slack shows it: with its view id


def log_values(text: str | None, *, owner: str | None = None, due: str | None = None,
               tags: tuple[str, ...] = ()) -> dict[str, Any]:
    """What Slack sends for the log modal's inputs."""
    return {
        "text": {"text": {"type": "plain_text_input", "value": text}},
        "owner": {"owner": {"type": "users_select", "selected_user": owner}},
        "due": {"due": {"type": "datepicker", "selected_date": due}},
        "tags": {"tags": {"type": "multi_static_select", "selected_options": [
            {"value": tag, "text": {"type": "plain_text", "text": tag}} for tag in tags]}},
    }


async def home_of(bot: BotClient, actor: slack.Actor) -> dict[str, Any]:
    """Open the person's App Home; the home view the bot published for them."""
    before = len(bot.double.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": actor.user_id, "channel": "D" + actor.user_id,
             "tab": "home", "ts": "1700000000.000001"}
    assert (await bot.event(event, actor=actor)).status == 200
    published = (await bot.double.wait_for("views.publish", before + 1))[-1]
    assert published.args["user_id"] == actor.user_id
    return published.args["view"]
