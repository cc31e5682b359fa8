"""`principlebot manifest [--http https://HOST] [--name NAME]`: the Slack app manifest to paste
at api.slack.com/apps. Socket Mode by default; with --http, HTTP mode with every request URL
and the "Add to Slack" redirect URL filled in. It asks for exactly the scopes the code needs
(handlers.kit.scopes), each with its reason; `manifest.yaml` is its Socket Mode output.
"""

from __future__ import annotations

import argparse
import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from handlers.kit.scopes import EVENT_SCOPES, SCOPE_REASONS, UNINSTALL_EVENTS, needed_scopes

NAME = "principlebot"
NAME_LIMIT = 35  # Slack's limit on an app's name
EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"
DESCRIPTION = ("Names the OECD digital government principle behind a question, and keeps it in "
               "stand-ups and retros.")
LONG_DESCRIPTION = (
    "principlebot helps public-sector digital service teams put the OECD Good Practice "
    "Principles for Public Service Design and Delivery in the Digital Age into daily practice. "
    "Ask which principle applies by describing a situation in your own words, with "
    "/principles, the \"Which principle applies?\" shortcut, a mention or a direct message: the "
    "bot names the practice (for example 10.3, asking users for information once) and quotes "
    "the source text. Run stand-up checklists with /standup, log retro actions tagged by "
    "principle with /retro or the \"Log as retro action\" message shortcut, see which "
    "principles the team neglects, and get a weekly retro prompt in your channel. The "
    "principles and their text are the OECD's (draft updated 18 May 2022); principlebot is "
    "not an OECD product.")
COMMANDS = [
    {"command": "/principles", "description": "Which OECD principle applies?",
     "usage_hint": "[question] | help", "should_escape": False},
    {"command": "/standup", "description": "Run a stand-up checklist built on the OECD principles",
     "usage_hint": "[checklist] | principle N | list | report [days] | help",
     "should_escape": False},
    # Escaped: people and channels arrive as ids (<@U123>), for owners and filters.
    {"command": "/retro", "description": "Log and review retro actions tagged by OECD principle",
     "usage_hint": "add TEXT [#tag] | list | done N | schedule | help", "should_escape": True},
]
SHORTCUTS = [
    {"name": "Which principle applies?", "type": "global", "callback_id": "which_principle",
     "description": "Describe a situation and see which OECD practice applies"},
    {"name": "Log as retro action", "type": "message", "callback_id": "log_retro_action",
     "description": "Save this message as a retro action, tagged by principle"},
]
SOCKET_HEADER = """\
# Slack app manifest for {name} (https://api.slack.com/reference/manifests), printed by
# `principlebot manifest`. Create the app in one step: https://api.slack.com/apps -> Create New
# App -> From an app manifest, pick the workspace, paste this, then install it.
#
# Socket Mode (`principlebot socket`, needs SLACK_APP_TOKEN): the bot connects out to Slack, so
# no public URL is needed. For HTTP mode, and for offering the bot to many workspaces, print
# the manifest with `principlebot manifest --http https://YOUR-HOST`.
"""
HTTP_HEADER = """\
# Slack app manifest for {name} (https://api.slack.com/reference/manifests), printed by
# `principlebot manifest --http {host}`.
# Create the app in one step: https://api.slack.com/apps -> Create New App -> From an app
# manifest, paste this.
#
# HTTP mode (`principlebot serve`): every Slack request goes to
#   {host}{events}
# Serving many workspaces (SLACK_CLIENT_ID), "Add to Slack" starts at
#   {host}/slack/install
# and Slack sends people back to
#   {host}{redirect}
"""


def public_base(raw: str) -> str:
    """The --http address as the base of every URL; ValueError saying what to write."""
    parts = urlsplit(raw.strip())
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"--http {raw!r}: give the bot's public HTTPS address, for example "
                         "https://principlebot.example.org")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}"


def manifest(*, http: str | None = None, name: str = NAME) -> dict[str, Any]:
    """The manifest as a document; `http` is the public base from `public_base`."""
    if not 1 <= len(name) <= NAME_LIMIT:
        raise ValueError(f"--name must be 1 to {NAME_LIMIT} characters (Slack's limit)")
    commands = [dict(command) for command in COMMANDS]
    events = list(EVENT_SCOPES)
    settings: dict[str, Any] = {"event_subscriptions": {"bot_events": events},
                                "interactivity": {"is_enabled": True}}
    oauth: dict[str, Any] = {"scopes": {"bot": needed_scopes()}}
    if http:
        for command in commands:
            command["url"] = http + EVENTS_PATH
        events += UNINSTALL_EVENTS
        settings["event_subscriptions"]["request_url"] = http + EVENTS_PATH
        settings["interactivity"]["request_url"] = http + EVENTS_PATH
        oauth = {"redirect_urls": [http + REDIRECT_PATH], **oauth}
    settings.update(org_deploy_enabled=False, socket_mode_enabled=not http,
                    token_rotation_enabled=False)
    return {
        "display_information": {"name": name, "description": DESCRIPTION,
                                "long_description": LONG_DESCRIPTION,
                                "background_color": "#1f4e79"},
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": _display_name(name), "always_online": True},
            "slash_commands": commands,
            "shortcuts": SHORTCUTS,
        },
        "oauth_config": oauth,
        "settings": settings,
    }


def render(document: dict[str, Any], *, http: str | None = None) -> str:
    """The manifest as YAML, with a header saying how to use it and each scope's reason."""
    header = (HTTP_HEADER if http else SOCKET_HEADER).format(
        name=document["display_information"]["name"], host=http, events=EVENTS_PATH,
        redirect=REDIRECT_PATH)
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
    lines = []
    for line in body.splitlines():
        item = re.fullmatch(r"(\s*)- (\S+)", line)
        if item and item.group(2) in SCOPE_REASONS:
            line = f"{line}  # {SCOPE_REASONS[item.group(2)]}"
        if lines and line[:1].isalpha():  # a blank line before each section
            lines.append("")
        lines.append(line)
    return header + "\n" + "\n".join(lines) + "\n"


def cmd_manifest(args: argparse.Namespace) -> int:
    http = public_base(args.http) if args.http else None
    print(render(manifest(http=http, name=args.name), http=http), end="")
    return 0


class _Dumper(yaml.SafeDumper):
    """Long texts as folded blocks, lists indented under their key: a manifest to read."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 120 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _display_name(name: str) -> str:
    """The bot user's name: Slack wants it lowercase, without spaces."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or NAME
