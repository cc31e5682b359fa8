"""The due-date reminder pass, for the background runner: each person's time zone from Slack
(looked up at most once an hour, not on every pass), and the DM listing what is due today and
overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bot.domain.retro.values import RetroAction
from bot.domain.schedule.firing import Outcome
from bot.domain.services import Services
from handlers.kit.clients import TeamClients
from handlers.kit.delivery import post_for
from handlers.kit.people import user_zone
from handlers.retro.followup import due_blocks

ZONE_KEPT = dt.timedelta(hours=1)
MAX_ZONES = 10_000  # people remembered at once; beyond, all are looked up afresh


def make_due_reminders(clients: TeamClients, services: Services
                       ) -> Callable[[], Awaitable[int]]:
    zones: dict[tuple[str, str], tuple[dt.datetime, str]] = {}

    async def zone_of(team_id: str, person: str) -> str | None:
        now = services.clock()
        known = zones.get((team_id, person))
        if known and now - known[0] < ZONE_KEPT:
            return known[1]
        client = await clients.for_team(team_id)
        if client is None:
            return None  # not installed there: skip the team
        if len(zones) >= MAX_ZONES:
            zones.clear()
        zones[team_id, person] = (now, await user_zone(client, person))
        return zones[team_id, person][1]

    async def send(team_id: str, person: str, actions: list[RetroAction],
                   today: dt.date) -> Outcome:
        client = await clients.for_team(team_id)
        if client is None:
            return Outcome.PAUSE
        delivery = await post_for(
            f"due reminder to {person}",
            client.chat_postMessage(channel=person, text="Retro actions due",
                                    blocks=due_blocks(actions, today)))
        return delivery.outcome

    async def run_once() -> int:
        return await services.due_reminders.run_once(zone_of, send)

    return run_once
