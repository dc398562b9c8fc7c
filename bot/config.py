"""Settings from the environment (and an optional ``.env``); read only when asked."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///cohortbot.db"
    content_dir: Path | None = None
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    port: int = 3000
    log_level: str = "INFO"
    grace_minutes: int = Field(default=120, ge=0, le=24 * 60)
    # Bounds on every database wait: a command's unit of work, and the scheduler's,
    # reports' and exports' (README, "Database timeouts").
    db_timeout_seconds: float = Field(default=2.0, gt=0, le=600)
    db_slow_timeout_seconds: float = Field(default=120.0, gt=0, le=24 * 3600)
