"""Thin Slack listeners, one module per feature, each exposing `register(app, ...)`."""
