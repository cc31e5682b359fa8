"""A stand-up served by two replicas of the bot (two `principlebot serve` on one database, one
Slack app): sixty people tick at once, their clicks spread over both, and the channel's message
ends showing exactly what is stored. No replica can hold the other's redraws back, so the
message is drawn only with the newest state and checked again after every post."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

from bot.localslack.standin import SlackStandIn
from bot.runtime.backend import build_backend
from bot.runtime.settings import Settings
from knowledge.index import PracticeIndex
from tests.handlers.test_standup import (
    checkboxes,
    counts,
    drawn,
    latest,
    run_id,
    start,
    tick_request,
)
from tests.utils.retro import person
from tests.utils.slack import BotClient, serving_bot, shown

T = TypeVar("T")
PEOPLE = 60
# Slack carries out each redraw up to this late, so redraws sent one after the other may land
# in the other order, as they may on Slack's many servers.
UPDATE_JITTER_SECONDS = 0.05


@contextlib.asynccontextmanager
async def two_replicas(double: SlackStandIn, index: PracticeIndex, database_url: str
                       ) -> AsyncIterator[tuple[BotClient, BotClient]]:
    secret = secrets.token_hex(16)
    async with serving_bot(double, index, database_url, secret) as first, \
            serving_bot(double, index, database_url, secret) as second:
        yield first, second


async def stored_counts(database_url: str, index: PracticeIndex, team_id: str, run: int
                        ) -> tuple[dict[str, tuple[int, int]], int]:
    """Item id -> (people who ticked it, people who responded), and how many are done, as
    the database holds them."""
    backend = build_backend(Settings(database_url=database_url), index)
    try:
        summary = await backend.services.standups.summary(team_id, run)
    finally:
        await backend.close()
    return ({item.id: (summary.count(item.id), summary.responded)
             for item in summary.run.checklist.items}, summary.done)


async def later(seconds: float, work: Awaitable[T]) -> T:
    await asyncio.sleep(seconds)
    return await work


async def test_sixty_clicks_over_two_replicas_end_with_the_stored_state(
        slack_double, index, database_url):
    async with two_replicas(slack_double, index, database_url) as replicas:
        slack_double.jitter("chat.update", UPDATE_JITTER_SECONDS)
        message = await start(replicas[0])
        items = list(counts(message))
        block_id = checkboxes(message)[0]
        people = [person(f"U0R{n:03d}") for n in range(PEOPLE)]
        chosen = [[item for j, item in enumerate(items) if (n + j) % 3 != 1]
                  for n in range(PEOPLE)]
        replies = await asyncio.gather(*(
            replicas[n % 2].send(tick_request(p, block_id, c, slack_double.response_url()))
            for n, (p, c) in enumerate(zip(people, chosen, strict=True))))
        assert [r.status for r in replies] == [200] * PEOPLE
        expected = {item: (sum(item in c for c in chosen), PEOPLE) for item in items}
        await drawn(replicas[0], expected)

        stored, done = await stored_counts(database_url, index, replicas[0].actor.team_id,
                                           run_id(message))
        assert stored == expected and done == 0
        last = latest(replicas[0])
        assert counts(last) == expected
        assert f"{PEOPLE} responded \u00b7 0 done" in shown(last)


async def test_two_clicks_at_once_on_two_replicas_end_with_the_newest_state(
        slack_double, index, database_url):
    """The last two clicks of a stand-up, one on each replica, again and again: whichever
    redraw Slack carries out last, the message ends showing both."""
    async with two_replicas(slack_double, index, database_url) as replicas:
        slack_double.jitter("chat.update", UPDATE_JITTER_SECONDS)
        message = await start(replicas[0])
        items = list(counts(message))
        block_id = checkboxes(message)[0]
        ticked: dict[str, int] = dict.fromkeys(items, 0)
        for pair in range(10):
            people = [person(f"U0S{pair:02d}{n}") for n in range(2)]
            chosen = [items[(2 * pair + n) % len(items)] for n in range(2)]
            requests = [tick_request(p, block_id, [c], slack_double.response_url())
                        for p, c in zip(people, chosen, strict=True)]
            # The second click comes a little later each time (0 to 12 ms), so that it lands
            # at each step of the first one's redraw in turn.
            await asyncio.gather(replicas[0].send(requests[0]),
                                 later(pair % 5 * 0.003, replicas[1].send(requests[1])))
            for item in chosen:
                ticked[item] += 1
            expected = {item: (ticked[item], 2 * pair + 2) for item in items}
            last = await drawn(replicas[0], expected, quiet=0.1)
            assert counts(last) == expected, f"pair {pair}"
