"""Retro actions from Slack: /retro, its buttons, the log and tag modals, the message shortcut,
and the weekly prompt's schedule."""
