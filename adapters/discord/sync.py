"""Sync application commands only when they changed: a hash per application and target.

Discord rate-limits command registration, and a global sync takes a while to reach every
client, so ``cohortbot run discord`` compares a hash of the command tree with the one it
last synced (kept in a small JSON file in the working directory) and skips the call
when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(".cohortbot-discord-commands.json")


def commands_hash(tree: discord.app_commands.CommandTree[Any]) -> str:
    """A stable hash of what Discord would receive for the global commands."""
    payload = sorted(
        (command.to_dict(tree) for command in tree.get_commands()), key=lambda d: d["name"]
    )
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class CommandSync:
    """Global sync, or to one guild (instant, for development) when ``guild_id`` is set."""

    def __init__(self, path: Path = DEFAULT_PATH, guild_id: int | None = None) -> None:
        self.path = path
        self.guild_id = guild_id
        self.synced = False

    def key(self, application_id: int | None) -> str:
        return f"{application_id}:{self.guild_id or 'global'}"

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    async def sync_if_changed(self, bot: discord.Client) -> bool:
        """Sync when the tree differs from the last sync; True if it synced."""
        tree: discord.app_commands.CommandTree[Any] = bot.tree  # type: ignore[attr-defined]
        digest = commands_hash(tree)
        key = self.key(bot.application_id)
        stored = self._load()
        if stored.get(key) == digest:
            log.info("application commands unchanged (%s); not syncing", key)
            return False
        if self.guild_id:
            guild = discord.Object(id=self.guild_id)
            tree.copy_global_to(guild=guild)
            synced = await tree.sync(guild=guild)
        else:
            synced = await tree.sync()
        stored[key] = digest
        try:
            self.path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
        except OSError as exc:  # a read-only directory costs a sync per start, nothing more
            log.warning("could not remember the command hash in %s: %s", self.path, exc)
        log.info("synced %d application commands (%s)", len(synced), key)
        self.synced = True
        return True
