"""One workspace (SLACK_BOT_TOKEN) or many (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): mixing
them, or half of the pair, is refused by `serve` and `socket` in one line before anything
starts; Socket Mode cannot serve many workspaces."""

from __future__ import annotations

import pytest

from bot.runtime.cli import main
from tests.utils.processes import SETTINGS


@pytest.fixture
def environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    return monkeypatch


@pytest.mark.parametrize(("command", "settings", "mentions"), [
    ("serve", {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "111.222",
               "SLACK_CLIENT_SECRET": "x"}, ["SLACK_BOT_TOKEN", "SLACK_CLIENT_ID"]),
    ("serve", {"SLACK_CLIENT_ID": "111.222"}, ["SLACK_CLIENT_SECRET"]),
    ("serve", {"SLACK_CLIENT_SECRET": "x"}, ["SLACK_CLIENT_ID"]),
    ("socket", {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "x",
                "SLACK_APP_TOKEN": "xapp-1"}, ["principlebot serve"]),
])
def test_mixed_or_half_modes_are_one_line(environment, capsys, command, settings, mentions):
    for name, value in settings.items():
        environment.setenv(name, value)
    assert main([command]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert all(mention in lines[0] for mention in mentions)
