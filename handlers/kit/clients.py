"""The Web API client to reach a workspace with, for work no Slack request started (weekly
prompts, reminders): a request carries its own client, a background job asks for one by team.

With one workspace (SLACK_BOT_TOKEN) every team gets the app's client (`OneWorkspace`). A
deployment serving many workspaces answers with that workspace's installed token, refreshed
when it rotates, or None once it is uninstalled: the job then skips the team
(handlers.kit.installations.Installations).
"""

from __future__ import annotations

from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient


class TeamClients(Protocol):
    async def for_team(self, team_id: str) -> AsyncWebClient | None:
        """A client holding the bot token of `team_id`, or None when the bot is not there."""


class OneWorkspace:
    """Every team is the one workspace of the app's own token."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def for_team(self, team_id: str) -> AsyncWebClient | None:
        return self._client
