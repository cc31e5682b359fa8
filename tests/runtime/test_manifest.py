"""manifest.yaml validates against Slack's app manifest schema and declares what the bot needs."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import pytest
import yaml

from tests.utils.paths import REPO, SHARED

MANIFEST = REPO / "manifest.yaml"
SCHEMA = SHARED / "slack/manifest.schema.1.0.0.json"
REQUEST_URL = "https://bot.example.org/slack/events"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    with MANIFEST.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    if not SCHEMA.exists():
        pytest.skip(f"Slack manifest schema not available at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(validator: jsonschema.protocols.Validator, document: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    messages = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]
    assert not messages, "manifest does not validate:\n" + "\n".join(messages)


def http_mode(manifest: dict[str, Any]) -> dict[str, Any]:
    """The same manifest configured for HTTP mode: request URLs everywhere, no Socket Mode."""
    doc = copy.deepcopy(manifest)
    doc["settings"]["socket_mode_enabled"] = False
    doc["settings"]["event_subscriptions"]["request_url"] = REQUEST_URL
    doc["settings"]["interactivity"]["request_url"] = REQUEST_URL
    for command in doc["features"]["slash_commands"]:
        command["url"] = REQUEST_URL
    return doc


def test_manifest_validates_and_declares_the_bot(manifest, validator) -> None:
    assert_valid(validator, manifest)

    display = manifest["display_information"]
    assert display["name"] == "principlebot"
    # The schema spells this constraint as "regex", which JSON Schema does not enforce.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", display["background_color"])

    features = manifest["features"]
    commands = [c["command"] for c in features["slash_commands"]]
    assert sorted(commands) == ["/principles", "/retro", "/standup"]
    escaping = {c["command"]: c["should_escape"] for c in features["slash_commands"]}
    # /retro needs user ids for owners and filters; the others take text as typed.
    assert escaping == {"/principles": False, "/standup": False, "/retro": True}
    shortcuts = {s["callback_id"]: s["type"] for s in features["shortcuts"]}
    assert shortcuts == {"which_principle": "global", "log_retro_action": "message"}
    assert features["bot_user"]["display_name"] == "principlebot"
    assert features["app_home"]["home_tab_enabled"] is True

    settings = manifest["settings"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == [
        "app_home_opened",
        "app_mention",
        "message.im",
    ]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True

    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # Each subscribed event and feature needs its scope.
    assert {"commands", "app_mentions:read", "im:history", "chat:write"} <= scopes
    # Reminders and exports go by DM; exports as files.
    assert {"im:write", "files:write", "users:read"} <= scopes


def test_http_mode_manifest_validates(manifest, validator) -> None:
    doc = http_mode(manifest)
    assert_valid(validator, doc)
    assert doc["settings"]["socket_mode_enabled"] is False
    assert all(c["url"] == REQUEST_URL for c in doc["features"]["slash_commands"])
    # The loaded manifest itself is left in Socket Mode.
    assert manifest["settings"]["socket_mode_enabled"] is True


@pytest.mark.parametrize(
    ("break_it", "keyword"),
    [
        pytest.param(
            lambda d: d.update(not_a_manifest_key=True),
            "additionalProperties",
            id="unknown-top-level-key",
        ),
        pytest.param(
            lambda d: d["display_information"].update(name="p" * 36),
            "maxLength",
            id="display-name-too-long",
        ),
        pytest.param(
            lambda d: d["features"]["slash_commands"][0].update(url="ftp://example.org/x"),
            "pattern",
            id="slash-command-url-not-http",
        ),
    ],
)
def test_validator_rejects_a_broken_manifest(manifest, validator, break_it, keyword) -> None:
    doc = copy.deepcopy(manifest)
    break_it(doc)
    errors = list(validator.iter_errors(doc))
    assert errors, "a broken manifest passed validation: the validator is not checking anything"
    assert {e.validator for e in errors} == {keyword}
