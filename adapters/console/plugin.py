"""The console adapter's entry point: a printing Platform, the REPL and the demo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from adapters.console.render import ConsolePlatform
from bot.bootstrap import App
from bot.config import Settings
from bot.ports import Platform


class ConsoleAdapter:
    name = "console"

    def is_configured(self, settings: Settings) -> bool:
        return True

    @contextmanager
    def platform(self, app: App) -> Iterator[Platform]:
        yield ConsolePlatform()

    def serve(self, app: App, *, on_ready: Callable[[Platform], None], **options: Any) -> int:
        from adapters.console.repl import run

        on_ready(ConsolePlatform())
        return run(app.core, **options)

    @staticmethod
    def demo(**options: Any) -> int:
        from adapters.console.demo import run_demo

        return run_demo(**options)


plugin = ConsoleAdapter()
