"""Failures that stop the bot from starting; the CLI prints their one-line message and exits."""


class StartupError(Exception):
    """The bot cannot start; the message says what to change."""


class SettingsError(StartupError, ValueError):
    """A missing or invalid setting."""


class PortInUseError(StartupError):
    """The HTTP port is taken by another process."""
