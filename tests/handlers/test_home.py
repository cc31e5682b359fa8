"""The App Home, end to end: app_home_opened -> views.publish with the person's open retro actions
and their team's coverage by principle; Done on a Home action republishes it.

The real app over HTTP, Slack-signed requests, the Slack double (which validates every view).
"""

from __future__ import annotations

import re

from bot.localslack import signed_requests as slack
from handlers.home import views
from tests.utils.retro import CHANNEL_B, add, button_on, everything, home_of, person, retro
from tests.utils.slack import ACTOR, button_labels, shown

ME = person("U0HOME")


def chart_counts(view: dict) -> dict[int, int]:
    """Principle -> count, read from the coverage chart's code block."""
    [chart] = [t for t in (b.get("text", {}).get("text", "") for b in view["blocks"])
               if t.startswith("```")]
    rows = chart.strip("`").splitlines()
    counts = {}
    for row in rows:
        found = re.fullmatch(r"\s*(\d+) .*? (?:\u2588+|\u00b7) (\d+)", row)
        assert found, f"unreadable chart row {row!r}"
        counts[int(found.group(1))] = int(found.group(2))
    return counts


def home_actions(view: dict) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"]
            if b.get("accessory", {}).get("action_id") in (views.DONE, views.REOPEN)]


async def test_home_shows_my_open_actions_and_the_teams_coverage(bot, index):
    # One action for every principle but 7; principle 4 twice (one action tagged 4 and 9).
    for number in (1, 2, 3, 5, 6, 8, 10):
        await add(bot, f"principle {number} work #{number}", ME)
    await add(bot, "owned by me, written by someone else #4 #9 <@U0HOME|me>", person("U0ELSE"))
    await add(bot, "in another channel #4", person("U0HOME", CHANNEL_B))
    await add(bot, "someone else's #1", person("U0ELSE"))
    await retro(bot, "done 2", ME)

    view = await home_of(bot, ME)
    assert view["type"] == "home"
    mine = home_actions(view)
    assert "*#9* in another channel" in mine
    assert "*#8* owned by me, written by someone else" in mine
    assert "*#1* principle 1 work" in mine
    assert not any("principle 2 work" in text for text in mine)  # done
    assert not any("someone else's" in text for text in mine)    # neither mine nor owned
    assert len(mine) == 8
    assert set(button_labels(view["blocks"])) == {"Done"}

    counts = chart_counts(view)
    assert counts == {1: 2, 2: 1, 3: 1, 4: 2, 5: 1, 6: 1, 7: 0, 8: 1, 9: 1, 10: 1}
    text = shown(view)
    principle = index.knowledge.principle(7)
    assert f"Least covered: principle 7, {principle.title}" in text
    assert any(f"*{p.id} {p.title}*" in text for p in principle.practices)
    assert "10 action(s) logged by your team in the last 4 weeks" in text


async def test_a_home_with_nothing_open_says_so_and_still_charts_the_team(bot):
    await add(bot, "someone else's #3", person("U0ELSE"))
    view = await home_of(bot, ME)
    assert home_actions(view) == []
    assert "Nothing open that you wrote or own" in shown(view)
    assert chart_counts(view)[3] == 1
    assert "Least covered: principle 1" in shown(view)


async def test_done_on_a_home_action_republishes_home_without_it(bot):
    await add(bot, "first of mine #1", ME)
    second = await add(bot, "second of mine #2", ME)
    view = await home_of(bot, ME)
    assert len(home_actions(view)) == 2

    published = {**view, "id": "VHOME0001"}
    click = button_on(view["blocks"], f"{ACTOR.channel_id}:{second}", "Done")
    reply = await bot.send(slack.block_actions(ME, click, response_url="", view=published))
    assert reply.status == 200
    [_, republished] = await bot.double.wait_for("views.publish", 2)
    assert republished.args["user_id"] == ME.user_id
    assert home_actions(republished.args["view"]) == ["*#1* first of mine"]
    assert [e["status"] for e in await everything(bot, ME)] == ["done", "open"]


async def test_other_tabs_publish_nothing(bot):
    event = {"type": "app_home_opened", "user": ME.user_id, "channel": "DHOME",
             "tab": "messages", "ts": "1700000000.000001"}
    assert (await bot.event(event, actor=ME)).status == 200
    await bot.double.settle()
    assert bot.double.calls_to("views.publish") == []
    await home_of(bot, ME)  # while the home tab is published
