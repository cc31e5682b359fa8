"""The OAuth scopes the bot asks for, and why: derived from the Web API methods it calls, the
events it subscribes to and the Slack features it offers.

Least privilege is checked by tests: every method the code calls (read from the code, and every
call the end-to-end suite records at the Slack double) must be in `METHOD_SCOPES`, every entry
must still be called, and the manifest must ask for exactly `needed_scopes()`. The install link
of "Add to Slack" asks for the same list.
"""

from __future__ import annotations

# Web API method -> the bot scopes its calls need (Slack's method reference).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "apps.connections.open": (),  # with the app-level token (connections:write), Socket Mode
    "oauth.v2.access": (),  # with the client id and secret: installs and token rotation
    # chat:write.public: stand-up checklists and weekly prompts go to public channels the bot
    # was not invited to.
    "chat.postMessage": ("chat:write", "chat:write.public"),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.open": ("im:write",),  # the DM a /retro export is sent to
    "files.getUploadURLExternal": ("files:write",),  # files_upload_v2: the export, as a file
    "files.completeUploadExternal": ("files:write",),
    "users.info": ("users:read",),
    "views.open": (),
    "views.publish": (),
    "views.update": (),
}

# Event the bot subscribes to -> the scope Slack requires for it (None: none).
EVENT_SCOPES: dict[str, str | None] = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "app_home_opened": None,
}

# Events only a deployment serving many workspaces needs: uninstalls end an installation.
UNINSTALL_EVENTS: tuple[str, ...] = ("app_uninstalled", "tokens_revoked")

# Slack features of the app (slash commands, shortcuts) -> their scope.
FEATURE_SCOPES: dict[str, str] = {"slash commands and shortcuts": "commands"}

# Why each scope is asked for: shown in the manifest and on the install page.
SCOPE_REASONS: dict[str, str] = {
    "commands": "the /principles, /standup and /retro commands and the two shortcuts",
    "chat:write": "post answers, stand-up checklists, weekly retro prompts and notices",
    "chat:write.public": "post checklists and weekly prompts in public channels it was not "
                         "invited to",
    "app_mentions:read": "answer \"@principlebot …\" questions in channels",
    "im:history": "read direct messages sent to the bot",
    "im:write": "open a direct message to send a person the /retro export they asked for",
    "files:write": "send /retro export as a file, in a direct message to the person who asked",
    "users:read": "read people's names and time zones for exports, schedules and reminders",
}


def needed_scopes() -> list[str]:
    """Every bot scope the code needs, in the order of SCOPE_REASONS."""
    needed = {scope for scopes in METHOD_SCOPES.values() for scope in scopes}
    needed |= {scope for scope in EVENT_SCOPES.values() if scope}
    needed |= set(FEATURE_SCOPES.values())
    ordered = [scope for scope in SCOPE_REASONS if scope in needed]
    return ordered + sorted(needed - set(ordered))
