"""Replays change nothing: the same signed request posted again (within Slack's five minutes)
or delivered again, whatever it does, is carried out once and answered once. Every change a
request makes is claimed with the request's key (handlers.kit.replay, bot.domain.deliveries)."""

from __future__ import annotations

import ast
import time

from bot.localslack import signed_requests as slack
from tests.utils.paths import REPO
from tests.utils.retro import RETRO, add, everything, listing, log_values, open_log_modal
from tests.utils.slack import ACTOR, button_action

REPLAYS = 5


async def replay(bot, request: slack.SlackRequest) -> list[int]:
    """Post the very same signed request REPLAYS times; the HTTP statuses."""
    stamp = int(time.time())
    return [(await bot.send(request, timestamp=stamp)).status for _ in range(REPLAYS)]


async def test_the_same_signed_retro_add_five_times_makes_one_action(bot):
    url = bot.double.response_url()
    request = slack.slash_command(ACTOR, RETRO, "add publish the service roadmap #3", url)
    assert await replay(bot, request) == [200] * REPLAYS
    await bot.double.settle()
    assert [e["text"] for e in await everything(bot)] == ["publish the service roadmap"]
    notes = [c for c in bot.double.calls_to("response_url") if c.url == url]
    assert len(notes) == 1  # one channel note: the request was answered once


async def test_a_replayed_click_and_form_change_nothing_more(bot):
    await add(bot, "fix the form #4")
    message, url = await listing(bot)
    click = slack.block_actions(ACTOR, button_action(message["blocks"], "Done"),
                                response_url=url,
                                message={"type": "message", "ts": "0", **message})
    assert await replay(bot, click) == [200] * REPLAYS
    await bot.double.settle()
    redraws = [c for c in bot.double.calls_to("response_url") if c.url == url]
    assert len(redraws) == 1
    assert [e["status"] for e in await everything(bot)] == ["done"]

    form = slack.view_submission(ACTOR, await open_log_modal(bot), log_values("a second one"))
    assert await replay(bot, form) == [200] * REPLAYS
    await bot.double.settle()
    assert len(await everything(bot)) == 2
    assert len(bot.double.calls_to("chat.postEphemeral")) == 1


async def test_a_replayed_standup_posts_one_checklist(bot):
    request = slack.slash_command(ACTOR, "/standup", "", bot.double.response_url())
    assert await replay(bot, request) == [200] * REPLAYS
    await bot.double.settle()
    assert len(bot.double.calls_to("chat.postMessage")) == 1


# Writes that no Slack request makes: background passes claim their work in other ways.
BACKGROUND_WRITES = {
    "bot.domain.deliveries": {"_record", "forget_older_than"},
    "bot.domain.forms": {"forget_older_than"},
    # Background jobs' leases belong to processes, not to any request.
    "bot.domain.leases": {"hold", "release_all"},
    "bot.domain.retro.due": {"_claim", "_unclaim"},
    "bot.domain.retro.editing": {"purge_trash"},
    # A new action claims its request with its own request_key, unique in its team.
    "bot.domain.retro.numbering": {"_in_one_transaction"},
    "bot.domain.schedule.claims": {"claim_row", "release_row", "pause_row"},
    "bot.domain.schedule.service": {"pause", "claim", "release"},
    # A drawing is claimed by a conditional UPDATE after the change's own transaction, which
    # claimed the request: a replay is refused before it gets there.
    "bot.domain.standup.drawing": {"claim_drawing"},
    "bot.domain.standup.reminders": {"_claim_run", "_release_run", "_claim_person",
                                     "_unclaim_person"},
    "bot.domain.standup.service": {"remind_from"},
    # Installs and uninstalls are idempotent by nature (an upsert, a first date kept, a
    # deletion), whoever repeats them; the rest is housekeeping.
    "bot.domain.workspaces": {"seen", "left", "returned", "forget_spent_install_links",
                              "_purge"},
}


def test_every_change_a_request_can_make_goes_through_writing():
    """A transaction begun any other way would not claim the request's key: a replay of the
    request would change things again. New writes go through `writing` by default."""
    opened_elsewhere = []
    for path in sorted((REPO / "bot" / "domain").rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            begins = [call for call in ast.walk(node) if isinstance(call, ast.Call)
                      and isinstance(call.func, ast.Attribute) and call.func.attr == "begin"]
            if begins and node.name not in BACKGROUND_WRITES.get(module, set()) \
                    and node.name != "writing":
                opened_elsewhere.append(f"{module}.{node.name}")
    assert opened_elsewhere == []
