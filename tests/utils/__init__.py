"""Helpers the tests share: a movable clock, databases, and Slack's side of the conversation."""
