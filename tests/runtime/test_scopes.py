"""Least privilege: the manifest asks for exactly the scopes the code needs.

The code's needs are the table beside the client code (handlers.kit.scopes). The table is kept
true from both sides: every Web API method the code calls (read from the code here, and every
call the end-to-end suite makes at the Slack double, checked by the `slack_double` fixture) is
in it, and every method in it is still called. The manifest's events are the ones listeners
are registered for, and its commands the ones handled.
"""

from __future__ import annotations

import ast
import inspect
import re
from functools import cache
from pathlib import Path

import yaml
from slack_sdk.web.async_client import AsyncWebClient

from handlers.kit.scopes import (
    EVENT_SCOPES,
    FEATURE_SCOPES,
    METHOD_SCOPES,
    SCOPE_REASONS,
    UNINSTALL_EVENTS,
    needed_scopes,
)
from tests.utils.paths import REPO

CODE = ("bot", "handlers")
NOT_THE_BOT = "bot/localslack"  # the console and the Slack double play Slack's side
# Called for the bot by its libraries, not by its own code: Bolt's install flow and
# slack_sdk's token rotation.
CALLED_BY_LIBRARIES = {"oauth.v2.access"}
# Slack subscribes a bot to `message.im` for the `message` events of direct messages.
SUBSCRIPTION = {"message": "message.im"}


@cache
def api_methods(client_method: str) -> frozenset[str]:
    """The Web API methods an AsyncWebClient method calls ("chat_postMessage" -> its method;
    "files_upload_v2" -> the two it is made of)."""
    method = getattr(AsyncWebClient, client_method, None)
    if not inspect.isfunction(method):
        return frozenset()
    source = inspect.getsource(method)
    direct = re.search(r'api_call\(\s*"([\w.]+)"', source)
    if direct:
        return frozenset({direct.group(1)})
    return frozenset().union(*(api_methods(name) for name in set(
        re.findall(r"self\.(\w+)\(", source)) if name != client_method))


def sources() -> list[Path]:
    return [path for package in CODE for path in (REPO / package).rglob("*.py")
            if not path.relative_to(REPO).as_posix().startswith(NOT_THE_BOT)]


def called_methods() -> set[str]:
    """Every Web API method the bot's code calls through a client."""
    found = set()
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # Calls, and bound methods handed on to be called (client.auth_test).
            if isinstance(node, ast.Attribute):
                found |= api_methods(node.attr)
    return found


def registered(kind: str) -> set[str]:
    """The names listeners are registered for: app.event("x"), app.command("/x")."""
    found = set()
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == kind and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def manifest() -> dict:
    return yaml.safe_load((REPO / "manifest.yaml").read_text(encoding="utf-8"))


def test_the_manifest_asks_for_exactly_the_scopes_the_code_needs():
    asked = manifest()["oauth_config"]["scopes"]["bot"]
    assert len(asked) == len(set(asked)), "a scope is asked for twice"
    unused = set(asked) - set(needed_scopes())
    missing = set(needed_scopes()) - set(asked)
    assert not unused, f"manifest.yaml asks for scopes nothing uses: {sorted(unused)}"
    assert not missing, f"the code needs scopes manifest.yaml lacks: {sorted(missing)}"


def test_every_scope_says_why():
    assert set(SCOPE_REASONS) == set(needed_scopes())


def test_every_method_the_code_calls_is_in_the_table_and_every_entry_is_called():
    called = called_methods()
    assert "chat.postMessage" in called and "users.info" in called  # the scan finds calls
    assert called - METHOD_SCOPES.keys() == set(), "add these methods and their scopes to " \
        "handlers/kit/scopes.py"
    assert METHOD_SCOPES.keys() - called - CALLED_BY_LIBRARIES == set(), \
        "nothing calls these any more: remove them (and scopes only they need)"


def test_the_events_and_commands_are_the_ones_handled():
    handled_events = {SUBSCRIPTION.get(event, event) for event in registered("event")}
    assert handled_events == set(EVENT_SCOPES) | set(UNINSTALL_EVENTS)
    subscribed = manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert set(subscribed) == set(EVENT_SCOPES)  # uninstall events only with --http
    commands = {c["command"] for c in manifest()["features"]["slash_commands"]}
    assert commands == registered("command")
    assert "commands" in FEATURE_SCOPES.values()

