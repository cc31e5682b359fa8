"""The due-date reminder pass, for the background runner: each person's time zone from Slack
(looked up once a pass), and the DM listing what is due today and overdue."""

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


def make_due_reminders(clients: TeamClients, services: Services
                       ) -> Callable[[], Awaitable[int]]:
    async def run_once() -> int:
        zones: dict[tuple[str, str], str | None] = {}

        async def zone_of(team_id: str, person: str) -> str | None:
            if (team_id, person) not in zones:
                client = await clients.for_team(team_id)
                zones[team_id, person] = (await user_zone(client, person)
                                          if client is not None else None)
            return zones[team_id, person]

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

        return await services.due_reminders.run_once(zone_of, send)

    return run_once
