"""Being installed in many workspaces: the "Add to Slack" pages and flow, and what happens when
a workspace removes the app."""
