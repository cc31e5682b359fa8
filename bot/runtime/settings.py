"""Settings from the environment (names in DESIGN.md, Interfaces), read with pydantic-settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.runtime.errors import SettingsError
from bot.storage.engine import DEFAULT_MAX_OVERFLOW, DEFAULT_POOL_SIZE

SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{Path('data') / 'principlebot.db'}"
# The console keeps its own database: DATABASE_URL on a server is production's.
CONSOLE_DATABASE = f"sqlite+aiosqlite:///{Path('data') / 'console.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Many workspaces ("Add to Slack"): the app's OAuth credentials, and the authorize page.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_authorize_url: str = SLACK_AUTHORIZE_URL
    # Days an uninstalled workspace's data is kept, so a reinstall keeps its history.
    principlebot_uninstall_grace: float = Field(default=30, ge=0)
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=DEFAULT_POOL_SIZE, ge=1)
    database_max_overflow: int = Field(default=DEFAULT_MAX_OVERFLOW, ge=0)
    port: int = Field(default=3000, ge=0, le=65535)
    log_level: str = "INFO"

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        # slack_sdk joins base_url and method name by concatenation.
        return value if value.endswith("/") else value + "/"

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @property
    def many_workspaces(self) -> bool:
        """Installed through "Add to Slack" in many workspaces, rather than one token."""
        return bool(self.slack_client_id or self.slack_client_secret)

    @property
    def uninstall_grace(self) -> dt.timedelta:
        return dt.timedelta(days=self.principlebot_uninstall_grace)

    def require_one_mode(self) -> None:
        """One workspace (SLACK_BOT_TOKEN) or many (SLACK_CLIENT_ID and _SECRET), not both."""
        if not self.many_workspaces:
            return
        self.require("slack_client_id", "slack_client_secret")
        if self.slack_bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN is set as well as SLACK_CLIENT_ID: unset SLACK_BOT_TOKEN to "
                "serve every workspace that installs the app, or unset SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET to serve the one workspace of the token")

    def require(self, *names: str) -> None:
        """Fail with one line naming the missing variables, for the mode that needs them."""
        missing = [name.upper() for name in names if not getattr(self, name)]
        if missing:
            raise SettingsError(
                f"missing {', '.join(missing)}: set {'them' if len(missing) > 1 else 'it'} in "
                "the environment (see README, Connect to Slack), or try `principlebot console`"
            )

    def secret(self, name: str) -> str:
        value = getattr(self, name)
        return value.get_secret_value() if value else ""
