"""The world most tests drive: the core, as named people, typing commands in one channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bootstrap import App
from bot.commands import parse
from bot.domain.actor import Actor
from bot.domain.errors import UserError
from bot.messages import Reply
from bot.storage.orm import Member
from tests.support.db import member, snapshot

# A Monday morning in late November; most tests move the clock from here.
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


class World:
    """Drive the core the way users do: typed commands, as named people, in one channel."""

    def __init__(self, app: App, channel: str = "C-cohort", platform: str = "console") -> None:
        self.app = app
        self.channel = channel
        self.platform = platform
        self.zones: dict[str, str | None] = {}
        self.admins: set[str] = set()

    def actor(self, name: str) -> Actor:
        return Actor(
            platform=self.platform,
            workspace_id="W1",
            channel_id=self.channel,
            user_id=f"U-{name.lower()}",
            display_name=name,
            timezone=self.zones.get(name),
            platform_admin=name in self.admins,
        )

    def say(self, name: str, line: str) -> Reply:
        """Run a typed command; user errors propagate so tests can assert on them."""
        return self.app.core.handle(parse(line), self.actor(name))

    def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table: "nothing changed" is two equal snapshots."""
        return snapshot(self.app.engine)

    def member(self, name: str) -> Member:
        """The member row of one of the world's people."""
        found = member(self.app, self.actor(name).user_id)
        assert found is not None, f"{name} has no member row"
        return found

    def fails(self, name: str, line: str) -> UserError:
        with pytest.raises(UserError) as info:
            self.say(name, line)
        return info.value
