"""The web pages of "Add to Slack": the install page, and the page a person lands on when
Slack sends them back, saying what happened and what to do next. Every value is escaped."""

from __future__ import annotations

from html import escape

INSTALL_PATH = "/slack/install"
STYLE = ("body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
         "line-height:1.5;color:#1b1b1b}a.add{display:inline-block;padding:.6rem 1.2rem;"
         "background:#1f4e79;color:#fff;border-radius:.3rem;text-decoration:none;"
         "font-weight:600}code{background:#f0f0f0;padding:0 .2rem}")

# Why an install failed, in words for the person who tried: (what happened, what to do).
FAILURES: dict[str, tuple[str, str]] = {
    "access_denied": ("The install was cancelled, so nothing was added to Slack.",
                      "start again"),
    "invalid_browser": ("This install was started in another browser, or its link is more "
                        "than 10 minutes old.", "start again in this browser"),
    "invalid_state": ("This install link has already been used or is more than 10 minutes "
                      "old.", "start again"),
    "missing_code": ("Slack did not confirm the install.", "start again"),
    "invalid_code": ("Slack did not confirm the install (its code was refused or had "
                     "already been used).", "start again"),
    "storage_error": ("Slack confirmed the install, but it could not be saved.",
                      "try again in a few minutes; if it keeps failing, tell whoever runs "
                      "principlebot (the reason is in its log)"),
}


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def install_page(authorize_url: str, scope_reasons: dict[str, str]) -> str:
    """The "Add to Slack" button, and what the app will be allowed to do, scope by scope."""
    scopes = "".join(f"<li><code>{escape(scope)}</code>: {escape(reason)}</li>"
                     for scope, reason in scope_reasons.items())
    return _page("Add principlebot to Slack", (
        "<h1>Add principlebot to your Slack workspace</h1>"
        "<p>principlebot names the OECD digital government practice behind a question, and "
        "keeps the principles in your team's stand-ups and retros.</p>"
        f'<p><a class="add" href="{escape(authorize_url)}">Add to Slack</a></p>'
        "<p>You need permission to install apps in the workspace. Slack will show you the "
        "workspace and these permissions before you allow it:</p>"
        f"<ul>{scopes}</ul>"
        "<p>Removing the app from the workspace deletes its installation at once; the "
        "workspace's stand-ups, retro actions and schedules are deleted after a grace "
        "period, so adding it back within that time keeps them.</p>"))


def success_page(team_name: str, open_url: str, org_admin_url: str | None) -> str:
    """Installed: where it is now, and the first things to type."""
    org = ("<li>It was installed for the whole organisation: an org admin now chooses the "
           f'workspaces that get it, at <a href="{escape(org_admin_url)}">the app\'s '
           "organisation settings</a>.</li>") if org_admin_url else ""
    return _page("principlebot is installed", (
        f"<h1>principlebot is now in {escape(team_name)}</h1>"
        "<p>What to do next:</p><ol>"
        f"{org}"
        "<li>In any channel, type <code>/principles help</code>, or describe a situation: "
        "<code>/principles why do people type their address on every form?</code></li>"
        "<li>For stand-ups and weekly retro prompts in a private channel, invite it there: "
        "<code>/invite @principlebot</code>.</li>"
        "<li><code>/standup help</code> and <code>/retro help</code> list the rest.</li></ol>"
        f'<p><a class="add" href="{escape(open_url)}">Open Slack</a></p>'))


def failure_page(reason: str) -> str:
    """Not installed: what went wrong, in plain words, and the way to try again."""
    what, then = FAILURES.get(reason, (f"Slack answered “{reason}”.", "start again"))
    return _page("principlebot was not installed", (
        "<h1>principlebot was not installed</h1>"
        f"<p>{escape(what)}</p>"
        f'<p>To add it, {escape(then)}: <a href="{INSTALL_PATH}">Add principlebot to '
        "Slack</a>.</p>"))
