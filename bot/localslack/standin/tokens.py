"""Whose token is it: the workspaces the Slack stand-in plays, the tokens it accepts, and
Slack's side of "Add to Slack" (OAuth v2).

Every Web API call is answered by the workspace its token belongs to. Tokens issued here by
`oauth.v2.access` belong to the workspace (or Enterprise Grid org) they were installed to, carry
the scopes granted, and, for an app with token rotation, expire and come with a refresh token.
Any other `xoxb-`/`xoxp-` token is taken as the default workspace's (the single-workspace bot's
SLACK_BOT_TOKEN); a token of another shape is refused with `invalid_auth`, as Slack does.

The authorize page plays the installing person who clicks "Allow": it redirects at once to the
app's redirect URL with a one-time code and the state it was given.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bot.localslack.standin.wire import Reply
from bot.localslack.standin.workspace import Workspace

APP_TOKEN_PREFIX = "xapp-"
USER_TOKEN_PREFIXES = ("xoxb-", "xoxp-")
DEFAULT_LIFETIME_SECONDS = 12 * 3600  # what Slack gives a rotating token


@dataclass(frozen=True)
class OAuthApp:
    """A Slack app as its settings page has it: credentials, redirect URL, token rotation."""

    client_id: str
    client_secret: str
    redirect_url: str = ""
    app_id: str = "ASTANDIN"
    token_rotation: bool = False
    token_lifetime: int = DEFAULT_LIFETIME_SECONDS


@dataclass
class Grant:
    """A token this stand-in issued, and what it is for."""

    token: str
    workspace: Workspace
    app: OAuthApp
    scopes: tuple[str, ...]
    refresh_token: str | None = None
    expires_at: float | None = None
    revoked: bool = False


@dataclass(frozen=True)
class Refresh:
    """A rotation: the token replaced, and how long it still had to live."""

    old_token: str
    new_token: str
    seconds_left: float


@dataclass
class _Code:
    app: OAuthApp
    workspace: Workspace
    scopes: tuple[str, ...]
    redirect_uri: str | None
    installer: str


@dataclass
class TokenBook:
    """The stand-in's workspaces, OAuth apps, issued tokens and one-time codes."""

    default: Workspace
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    apps: dict[str, OAuthApp] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    refreshes: list[Refresh] = field(default_factory=list)
    revoked: dict[str, str] = field(default_factory=dict)  # other tokens refused, and why
    lifetimes: dict[str, int] = field(default_factory=dict)  # by workspace, over the app's
    upload_root: str = ""
    # Some org-wide installs were reported to name the workspace they were started from.
    org_install_team: str | None = None
    _codes: dict[str, _Code] = field(default_factory=dict)
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.workspaces[self.default.team_id] = self.default

    # ------------------------------------------------------------------ set-up

    def add_workspace(self, team_id: str, *, enterprise_id: str | None = None,
                      name: str | None = None) -> Workspace:
        """A workspace (or, with an id starting with E, an Enterprise Grid org) to install to."""
        org = team_id.startswith("E")
        workspace = Workspace(team_id, f"UB{team_id[1:]}", f"BB{team_id[1:]}",
                              enterprise_id=team_id if org else enterprise_id, org=org,
                              name=name or f"Workspace {team_id}")
        self.workspaces[team_id] = workspace
        if self.upload_root:
            workspace.upload_base = f"{self.upload_root}{team_id}/"
        return workspace

    def serve_uploads_at(self, root: str) -> None:
        """Where files.getUploadURLExternal's URLs point: root/TEAM/FILE."""
        self.upload_root = root
        for workspace in self.workspaces.values():
            workspace.upload_base = f"{root}{workspace.team_id}/"

    def workspace_of(self, token: str) -> Workspace | None:
        grant = self.grants.get(token)
        return grant.workspace if grant else None

    def tokens_of(self, team_id: str) -> list[str]:
        """Every token issued to the workspace or org, oldest first."""
        return [g.token for g in self.grants.values() if g.workspace.team_id == team_id]

    def uninstall(self, team_id: str) -> None:
        """The app is removed from the workspace: its tokens stop working."""
        for grant in self.grants.values():
            if grant.workspace.team_id == team_id:
                grant.revoked = True

    # ------------------------------------------------------------------ tokens on API calls

    def resolve(self, method: str, token: str) -> Workspace | Reply:
        """The workspace a call with `token` acts in, or the error Slack would answer."""
        if token in self.revoked:
            return Reply(body={"ok": False, "error": self.revoked[token]})
        if not token.startswith(("xox", APP_TOKEN_PREFIX)):
            return Reply(body={"ok": False, "error": "invalid_auth"})
        if method == "apps.connections.open":
            if not token.startswith(APP_TOKEN_PREFIX):
                return Reply(body={"ok": False, "error": "not_allowed_token_type"})
            return self.default
        if token.startswith(APP_TOKEN_PREFIX):
            return Reply(body={"ok": False, "error": "not_allowed_token_type"})
        grant = self.grants.get(token)
        if grant is None:
            if token.startswith(USER_TOKEN_PREFIXES):
                return self.default
            return Reply(body={"ok": False, "error": "invalid_auth"})
        if grant.revoked:
            return Reply(body={"ok": False, "error": "token_revoked"})
        if grant.expires_at is not None and time.time() >= grant.expires_at:
            return Reply(body={"ok": False, "error": "token_expired"})
        return grant.workspace

    def scopes_header(self, token: str) -> dict[str, str]:
        grant = self.grants.get(token)
        return {"X-OAuth-Scopes": ",".join(grant.scopes)} if grant else {}

    # ------------------------------------------------------------------ OAuth v2

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The person approves the install: (302, the redirect URL with code and state), or
        (400, Slack's error) for a request Slack would not accept."""
        app = self.apps.get(query.get("client_id", ""))
        if app is None:
            return 400, "invalid_client_id"
        redirect = query.get("redirect_uri") or app.redirect_url
        if not redirect:
            return 400, "no_redirect_url"
        workspace = self.workspaces.get(query.get("team") or self.default.team_id)
        if workspace is None:
            return 400, "invalid_team"
        scopes = tuple(s for s in query.get("scope", "").split(",") if s)
        if not scopes:
            return 400, "invalid_scope"
        code = f"code-{next(self._serial)}-{secrets.token_hex(4)}"
        self._codes[code] = _Code(app, workspace, scopes, query.get("redirect_uri"),
                                  installer=f"U{workspace.team_id[1:]}ADMIN")
        return 302, f"{redirect}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def exchange(self, args: dict[str, Any], client: tuple[str, str] | None) -> Reply:
        """oauth.v2.access: a one-time code (an install) or a refresh token (a rotation)."""
        client_id, client_secret = client or (str(args.get("client_id", "")),
                                              str(args.get("client_secret", "")))
        app = self.apps.get(client_id)
        if app is None:
            return Reply.reject("invalid_client_id", f"unknown client_id {client_id!r}")
        if client_secret != app.client_secret:
            return Reply.reject("bad_client_secret", "client_secret does not match")
        if args.get("grant_type") == "refresh_token":
            return self._refresh(app, str(args.get("refresh_token", "")))
        pending = self._codes.pop(str(args.get("code", "")), None)
        if pending is None or pending.app != app:
            return Reply(body={"ok": False, "error": "invalid_code"})
        if pending.redirect_uri and args.get("redirect_uri") != pending.redirect_uri:
            return Reply(body={"ok": False, "error": "bad_redirect_uri"})
        grant = self._issue(app, pending.workspace, pending.scopes)
        return Reply(body={**self._token_fields(grant), "authed_user": {"id": pending.installer}})

    def _refresh(self, app: OAuthApp, refresh_token: str) -> Reply:
        old = next((g for g in self.grants.values()
                    if g.refresh_token == refresh_token and g.app == app and not g.revoked),
                   None)
        if old is None:
            return Reply(body={"ok": False, "error": "invalid_refresh_token"})
        new = self._issue(app, old.workspace, old.scopes)
        left = (old.expires_at or time.time()) - time.time()
        self.refreshes.append(Refresh(old.token, new.token, left))
        return Reply(body=self._token_fields(new))

    def _issue(self, app: OAuthApp, workspace: Workspace, scopes: tuple[str, ...]) -> Grant:
        serial = next(self._serial)
        token = f"xoxb-{workspace.team_id}-{serial}-{secrets.token_hex(6)}"
        grant = Grant(token, workspace, app, scopes)
        if app.token_rotation:
            token = grant.token = token.replace("xoxb-", "xoxe.xoxb-1-", 1)
            grant.refresh_token = f"xoxe-1-{workspace.team_id}-{serial}-{secrets.token_hex(6)}"
            lifetime = self.lifetimes.get(workspace.team_id, app.token_lifetime)
            grant.expires_at = time.time() + lifetime
        self.grants[token] = grant
        return grant

    def _token_fields(self, grant: Grant) -> dict[str, Any]:
        workspace = grant.workspace
        org = self.workspaces.get(workspace.enterprise_id or "")
        enterprise = ({"id": workspace.enterprise_id,
                       "name": org.team_name if org else f"Org {workspace.enterprise_id}"}
                      if workspace.enterprise_id else None)
        body: dict[str, Any] = {
            "ok": True, "app_id": grant.app.app_id, "token_type": "bot",
            "access_token": grant.token, "scope": ",".join(grant.scopes),
            "bot_user_id": workspace.bot_user_id,
            "team": ({"id": self.org_install_team, "name": workspace.team_name}
                     if workspace.org and self.org_install_team else
                     None if workspace.org else {"id": workspace.team_id,
                                                 "name": workspace.team_name}),
            "enterprise": enterprise, "is_enterprise_install": workspace.org,
        }
        if grant.refresh_token:
            body["refresh_token"] = grant.refresh_token
            body["expires_in"] = int((grant.expires_at or 0) - time.time())
        return body
