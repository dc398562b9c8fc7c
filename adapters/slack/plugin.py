"""The Slack adapter's entry point for the CLI (see ``bot.plugins``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.bootstrap import App
from bot.config import Settings
from bot.ports import Platform


class SlackAdapter:
    name = "slack"

    def is_configured(self, settings: Settings) -> bool:
        from adapters.slack.main import SlackOAuthEnv

        return settings.slack_bot_token is not None or SlackOAuthEnv().enabled

    @contextmanager
    def platform(self, app: App) -> Iterator[Platform]:
        from adapters.slack.main import make_platform

        yield make_platform(app)

    def serve(self, app: App, *, on_ready: Callable[[Platform], None], **options: Any) -> int:
        from adapters.slack.main import make_platform, prepare, run

        prepare(app, http=bool(options.get("http")))  # fail fast on bad settings
        on_ready(make_platform(app))
        return run(app, http=bool(options.get("http")))


plugin = SlackAdapter()
