"""A 60-person stand-up through `principlebot serve` and the Slack double: `/standup` posts the
checklist, then 60 people tick their boxes on the shared message at the same moment.

Measured: each click's ack (client-side) and the server's CPU from the first click until the
double has gone quiet (so every redraw the clicks caused is paid for), per click; how many
redraws the 60 clicks cost (clicks at once share them). Checked: the last redraw the channel got
shows exactly what the 60 people ticked, and everyone responded.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import statistics
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from benchmarks.retro import BotProcess
from benchmarks.serving import CpuMeter, Double, client_session, drive
from bot.localslack.signed_requests import Actor, block_actions, slash_command
from knowledge.evaluation import percentile

PEOPLE = 60
TICK_ACTION = "standup_tick"
REDRAW_TIMEOUT_SECONDS = 120
POLL_SECONDS = 0.05


@dataclass
class TickRound:
    ack_p99_ms: float
    cpu_ms_per_tick: float | None
    redraws: int
    problems: list[str] = field(default_factory=list)


def _checkboxes(message: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    [(block_id, options)] = [(b["block_id"], e["options"]) for b in message["blocks"]
                             if b["type"] == "actions" for e in b["elements"]
                             if e["type"] == "checkboxes"]
    return block_id, options


def _counts(message: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Item id -> (people who ticked it, people who responded), as the message shows them."""
    found = {}
    for option in _checkboxes(message)[1]:
        ticked, of = re.match(r"(\d+) of (\d+) \u00b7 practice ",
                              option["description"]["text"]).groups()
        found[option["value"]] = (int(ticked), int(of))
    return found


def _tick(actor: Actor, block_id: str, selected: list[str], secret: str
          ) -> tuple[bytes, dict[str, str]]:
    action = {"type": "checkboxes", "action_id": TICK_ACTION, "block_id": block_id,
              "selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}}
                                   for v in selected]}
    request = block_actions(actor, action, response_url="https://hooks.invalid/unused",
                            is_ephemeral=False)
    return request.body.encode(), request.headers(secret)


async def _post_checklist(bot: BotProcess, double: Double, control: aiohttp.ClientSession,
                          starter: Actor, secret: str) -> dict[str, Any]:
    [url] = await double.issue(control, 1)
    request = slash_command(starter, "/standup", "", url)
    async with control.post(bot.url, data=request.body.encode(),
                            headers=request.headers(secret)) as response:
        if response.status != 200:
            raise SystemExit(f"/standup answered {response.status}: {await response.text()}")
    posted = await double.wait(control, 1, method="chat.postMessage", last=1)
    if not posted["reached"]:
        raise SystemExit("/standup posted no checklist")
    return posted["last"][0]


async def _until_drawn(double: Double, control: aiohttp.ClientSession,
                       expected: dict[str, tuple[int, int]]) -> bool:
    """Wait until the channel's last redraw shows `expected`; False when it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REDRAW_TIMEOUT_SECONDS
    while loop.time() < deadline:
        last = await double.wait(control, 1, method="chat.update", last=1,
                                 timeout=REDRAW_TIMEOUT_SECONDS)
        if last["last"] and _counts(last["last"][0]) == expected:
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False


async def tick_round(bot: BotProcess, double: Double, secret: str, team_id: str,
                     round_no: int) -> TickRound:
    channel_id = f"CSTANDUP{round_no}{secrets.token_hex(2).upper()}"
    async with aiohttp.ClientSession() as control, client_session(PEOPLE) as session:
        await double.clear(control)
        starter = Actor(team_id=team_id, channel_id=channel_id, user_id="U9LEAD")
        message = await _post_checklist(bot, double, control, starter, secret)
        block_id, options = _checkboxes(message)
        items = [o["value"] for o in options]
        people = [Actor(team_id=team_id, channel_id=channel_id, user_id=f"U9P{n:03d}")
                  for n in range(PEOPLE)]
        chosen = [[item for j, item in enumerate(items) if (n + j) % 3 != 1]
                  for n in range(PEOPLE)]
        batch = [_tick(p, block_id, c, secret) for p, c in zip(people, chosen, strict=True)]
        expected = {item: (sum(item in c for c in chosen), PEOPLE) for item in items}
        meter = CpuMeter(bot.process.pid)
        latencies, errors = await drive(session, bot.url, batch, PEOPLE)
        reached = await _until_drawn(double, control, expected)
        await double.settle(control)
        cpu = meter.stop()
        final = await double.wait(control, 1, method="chat.update", last=1)
    result = TickRound(percentile(latencies, 0.99) if latencies else float("nan"),
                       cpu * 1000 / PEOPLE if cpu is not None else None, final["count"],
                       errors[:3])
    if not reached:
        result.problems.append(f"no redraw showed {expected} within "
                               f"{REDRAW_TIMEOUT_SECONDS} s")
    elif _counts(final["last"][0]) != expected:
        result.problems.append(f"last redraw shows {_counts(final['last'][0])}, expected "
                               f"{expected}")
    if final["rejected"]:
        result.problems.append(f"the double rejected {final['rejected'][:1]}")
    return result


@dataclass
class Ticks:
    """Medians over rounds: ack p99 (ms), server CPU per tick (ms), redraws per round."""

    ack_p99_ms: float
    cpu_ms_per_tick: float | None
    redraws: float
    problems: list[str]


async def ticks(bot: BotProcess, double: Double, secret: str, team_id: str,
                rounds: int) -> Ticks:
    results = [await tick_round(bot, double, secret, team_id, n) for n in range(rounds)]
    cpu = [r.cpu_ms_per_tick for r in results if r.cpu_ms_per_tick is not None]
    return Ticks(statistics.median(r.ack_p99_ms for r in results),
                 statistics.median(cpu) if cpu else None,
                 statistics.median(r.redraws for r in results),
                 [p for r in results for p in r.problems])
