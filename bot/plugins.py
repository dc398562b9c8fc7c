"""Adapters are found through entry points, so the core never imports a platform.

Each adapter package registers an object under the ``cohortbot.adapters``
entry-point group (see pyproject.toml). The CLI asks for one by name, or for
the one whose settings are present, and talks to it through this protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.bootstrap import App
    from bot.config import Settings
    from bot.ports import Platform

GROUP = "cohortbot.adapters"
# When several platforms are configured, the first here is "the configured one".
PREFERENCE = ("slack", "discord")


class AdapterMissing(Exception):
    """No adapter of that name is installed."""


class Adapter(Protocol):
    name: str

    def is_configured(self, settings: Settings) -> bool:
        """Whether the environment holds this platform's credentials."""
        ...

    def platform(self, app: App) -> AbstractContextManager[Platform]:
        """A Platform usable from a worker thread, for ticks and the scheduler process."""
        ...

    def serve(self, app: App, *, on_ready: Callable[[Platform], None], **options: Any) -> int:
        """Run the bot until stopped; ``on_ready(platform)`` starts the scheduler."""
        ...


def available() -> dict[str, Adapter]:
    return {ep.name: ep.load() for ep in entry_points(group=GROUP)}


def adapter(name: str) -> Adapter:
    found = [ep for ep in entry_points(group=GROUP) if ep.name == name]
    if not found:
        raise AdapterMissing(f"no '{name}' adapter is installed (reinstall with pip install -e .)")
    loaded: Adapter = found[0].load()
    return loaded


def configured(settings: Settings) -> Adapter:
    """The platform whose credentials are set, else the console (which prints)."""
    adapters = available()
    for name in PREFERENCE:
        candidate = adapters.get(name)
        if candidate is not None and candidate.is_configured(settings):
            return candidate
    return adapter("console")
