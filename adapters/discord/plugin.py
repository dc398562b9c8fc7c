"""The Discord adapter's entry point for the CLI (see ``bot.plugins``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.bootstrap import App
from bot.config import Settings
from bot.ports import Platform


class DiscordAdapter:
    name = "discord"

    def is_configured(self, settings: Settings) -> bool:
        return settings.discord_token is not None

    @contextmanager
    def platform(self, app: App) -> Iterator[Platform]:
        from adapters.discord.main import rest_platform

        with rest_platform(app) as platform:
            yield platform

    def serve(self, app: App, *, on_ready: Callable[[Platform], None], **options: Any) -> int:
        from adapters.discord.main import run

        def started(bot: Any) -> None:
            assert app.platform is not None
            on_ready(app.platform)

        return run(app, on_start=started)


plugin = DiscordAdapter()
