"""The Slack app manifest (`principlebot manifest`, and manifest.yaml, its Socket Mode output)
validates against Slack's app manifest schema and declares what the bot needs; with --http
every request URL points at the bot."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import pytest
import yaml

from bot.runtime.cli import main
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


def printed(capsys, *args: str) -> tuple[int, str, str]:
    """`principlebot manifest ARGS`: exit code, standard output, standard error."""
    code = main(["manifest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_manifest_yaml_is_what_the_command_prints(manifest, capsys) -> None:
    code, out, _ = printed(capsys)
    assert code == 0
    assert out == MANIFEST.read_text(encoding="utf-8"), (
        "manifest.yaml is out of date: run `principlebot manifest > manifest.yaml`")


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


def test_http_mode_fills_every_request_url_and_validates(validator, capsys) -> None:
    code, out, _ = printed(capsys, "--http", "https://bot.example.org/", "--name",
                           "Digital Office Bot")
    assert code == 0
    doc = yaml.safe_load(out)
    assert_valid(validator, doc)
    settings = doc["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == REQUEST_URL
    assert settings["interactivity"]["request_url"] == REQUEST_URL
    assert all(c["url"] == REQUEST_URL for c in doc["features"]["slash_commands"])
    assert doc["oauth_config"]["redirect_urls"] == [
        "https://bot.example.org/slack/oauth_redirect"]
    # Only a deployment on HTTP can serve many workspaces, and hear them uninstall.
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        settings["event_subscriptions"]["bot_events"])
    assert doc["display_information"]["name"] == "Digital Office Bot"
    assert doc["features"]["bot_user"]["display_name"] == "digital-office-bot"
    assert "https://bot.example.org/slack/install" in out  # the header says where to start


@pytest.mark.parametrize(("args", "mention"), [
    (["--http", "http://bot.example.org"], "--http"),
    (["--http", "bot.example.org"], "--http"),
    (["--name", "p" * 36], "--name"),
])
def test_a_wrong_address_or_name_is_one_line(capsys, args, mention) -> None:
    code, out, err = printed(capsys, *args)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and mention in err


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
