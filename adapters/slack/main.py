"""``cohortbot run slack [--http]``: Socket Mode by default, or HTTP on ``$PORT``.

Single workspace: ``SLACK_BOT_TOKEN`` + ``SLACK_SIGNING_SECRET`` (+ ``SLACK_APP_TOKEN``
for Socket Mode). Multi-workspace: ``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET``
turn on Bolt's OAuth flow (HTTP mode), with installations kept in our database.
Configuration errors are one line naming the variable, never a value.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from slack_bolt import App as BoltApp
from slack_bolt.error import BoltError
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from adapters.slack.app import build_app
from adapters.slack.platform import SlackPlatform
from adapters.slack.server import make_server
from bot.bootstrap import settle_heap
from bot.cli import ConfigError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.bootstrap import App
    from bot.config import Settings

log = logging.getLogger(__name__)

# Keep in step with manifest.yml (a test checks).
BOT_SCOPES = (
    "chat:write",
    "chat:write.public",
    "commands",
    "files:write",
    "im:write",
    "users:read",
)
OAUTH_STATE_SECONDS = 600


class SlackConfigError(ConfigError):
    """Slack is not configured well enough to start; the message names what is missing."""


class SlackOAuthEnv(BaseSettings):
    """Multi-workspace settings, read only when ``run`` asks."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None  # not needed by Bolt for Python; accepted
    slack_redirect_uri: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.slack_client_id or self.slack_client_secret)


def _value(secret: SecretStr | None) -> str:
    return secret.get_secret_value().strip() if secret is not None else ""


def make_client(token: str | None, base_url: str | None = None) -> WebClient:
    """A Web API client; a short 429 in a listener is retried once, after Retry-After."""
    options: dict[str, Any] = {"base_url": base_url} if base_url else {}
    client = WebClient(token=token or None, **options)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    return client


def oauth_settings(engine: Engine, env: SlackOAuthEnv) -> OAuthSettings:
    """Bolt's OAuth flow with its installation and state stores on our engine.

    The tables come from migration 0002; nothing here creates tables. (slack_sdk's
    SQLAlchemy stores import sqlalchemy.ext.asyncio, which needs greenlet: imported
    here, so single-workspace mode never needs it.)
    """
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    client_id = env.slack_client_id or ""
    return OAuthSettings(
        client_id=client_id,
        client_secret=_value(env.slack_client_secret),
        scopes=list(BOT_SCOPES),
        redirect_uri=env.slack_redirect_uri,
        installation_store=SQLAlchemyInstallationStore(client_id=client_id, engine=engine),
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_SECONDS, engine=engine
        ),
    )


def prepare(app: App, *, http: bool, env: SlackOAuthEnv | None = None) -> tuple[BoltApp, str]:
    """Check the configuration and build the Bolt app; returns it and the app-level token."""
    settings: Settings = app.settings
    env = env or SlackOAuthEnv()
    signing_secret = _value(settings.slack_signing_secret)
    token = _value(settings.slack_bot_token)
    app_token = _value(settings.slack_app_token)
    if not signing_secret:
        raise SlackConfigError(
            "SLACK_SIGNING_SECRET is not set (Basic Information > App Credentials)"
        )
    oauth = None
    if env.enabled:
        if not env.slack_client_id:
            raise SlackConfigError("SLACK_CLIENT_ID is not set (needed with SLACK_CLIENT_SECRET)")
        if not _value(env.slack_client_secret):
            raise SlackConfigError("SLACK_CLIENT_SECRET is not set (needed with SLACK_CLIENT_ID)")
        if not http:
            raise SlackConfigError(
                "multi-workspace install (SLACK_CLIENT_ID) needs HTTP mode: run with --http"
            )
        oauth = oauth_settings(app.engine, env)
        token = ""
    elif not token:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set (OAuth & Permissions, xoxb-...)")
    if not http and not app_token:
        raise SlackConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) "
            "with connections:write, or run with --http"
        )
    client = make_client(token or None, settings.slack_api_url)
    try:
        bolt = build_app(
            app.core,
            signing_secret=signing_secret,
            client=client,
            installation_store=oauth.installation_store if oauth else None,
            oauth_settings=oauth,
            # Listeners write, ack, and hand the rest to a background pool, so the
            # response can leave as soon as the listener returns: no polling for ack.
            process_before_response=True,
        )
    except BoltError as exc:
        # Bolt checks the bot token with auth.test; say which variable, not its value.
        cause = exc.__cause__ or exc.__context__
        reason = cause.response.get("error") if isinstance(cause, SlackApiError) else None
        raise SlackConfigError(
            f"Slack refused SLACK_BOT_TOKEN ({reason or 'auth.test failed'})"
        ) from None
    except OSError as exc:
        raise SlackConfigError(
            f"cannot reach the Slack API at {client.base_url} ({type(exc).__name__})"
        ) from None
    return bolt, app_token


def make_platform(app: App, env: SlackOAuthEnv | None = None) -> SlackPlatform:
    """The Platform port for the scheduler's delivery loop (same tokens as ``run``)."""
    env = env or SlackOAuthEnv()
    settings = app.settings
    if env.enabled and env.slack_client_id:
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

        store = SQLAlchemyInstallationStore(client_id=env.slack_client_id, engine=app.engine)
        return SlackPlatform(WebClient(**_base(settings)), installation_store=store)
    token = _value(settings.slack_bot_token)
    if not token:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set (OAuth & Permissions, xoxb-...)")
    return SlackPlatform(WebClient(token=token, **_base(settings)))


def _base(settings: Settings) -> dict[str, Any]:
    return {"base_url": settings.slack_api_url} if settings.slack_api_url else {}


def run(app: App, *, http: bool) -> int:
    """Serve until interrupted. Raises :class:`SlackConfigError` on bad configuration."""
    bolt, app_token = prepare(app, http=http)
    settle_heap()
    if http:
        try:
            server = make_server(bolt, "0.0.0.0", app.settings.port)
        except OSError as exc:  # in use, or a port this user may not bind
            raise SlackConfigError(
                f"cannot listen on PORT {app.settings.port}: {exc.strerror or exc}"
                " (another process may be using it; set PORT to a free one)"
            ) from None
        log.info(
            "cohortbot is listening for Slack on port %s (POST /slack/events)", app.settings.port
        )
        try:
            server.serve_forever(poll_interval=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return 0
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(bolt, app_token)
    log.info("cohortbot is connecting to Slack in Socket Mode")
    try:
        handler.start()
    except KeyboardInterrupt:
        handler.close()
    return 0
