"""Sync application commands only when they changed: a hash per application and target.

Discord rate-limits command registration, and a global sync takes a while to reach every
client, so ``cohortbot run discord`` compares a hash of the command tree with the one it
last synced (kept in a small JSON file in the working directory) and skips the call
when nothing changed.

A failed sync never stops the bot: Discord keeps serving the commands registered last
time, so ``keep_trying`` runs beside the bot (never inside ``setup_hook``), logs one line
per failure and tries again with backoff. The hash is saved only after a sync succeeded;
when it failed, the moment of the next try is saved instead, so a restart loop does not
send one refused request per start.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import discord

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(".cohortbot-discord-commands.json")
FIRST_BACKOFF = 60.0  # seconds after a refused sync; doubles each time
MAX_BACKOFF = 3600.0


def commands_hash(tree: discord.app_commands.CommandTree[Any]) -> str:
    """A stable hash of what Discord would receive for the global commands."""
    payload = sorted(
        (command.to_dict(tree) for command in tree.get_commands()), key=lambda d: d["name"]
    )
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class CommandSync:
    """Global sync, or to one guild (instant, for development) when ``guild_id`` is set."""

    def __init__(
        self,
        path: Path = DEFAULT_PATH,
        guild_id: int | None = None,
        *,
        backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self.path = path
        self.guild_id = guild_id
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.synced = False

    def key(self, application_id: int | None) -> str:
        return f"{application_id}:{self.guild_id or 'global'}"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, stored: dict[str, Any]) -> None:
        try:
            self.path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
        except OSError as exc:  # a read-only directory costs a sync per start, nothing more
            log.warning("could not remember the command hash in %s: %s", self.path, exc)

    async def keep_trying(self, bot: discord.Client) -> None:
        """Sync until it succeeds (or nothing changed), backing off after each refusal.

        Runs as a task beside the bot: while it waits, the bot serves with the commands
        Discord already has.
        """
        key = self.key(bot.application_id)
        delay = self.backoff
        not_before = self._load().get(f"retry_at:{key}")
        if isinstance(not_before, (int, float)) and not_before > time.time():
            wait = not_before - time.time()
            log.info("application command sync refused earlier; next try in %.0f s", wait)
            await asyncio.sleep(wait)
        while True:
            try:
                await self.sync_if_changed(bot)
                return
            except discord.RateLimited as exc:  # longer than discord.py sleeps itself
                wait = max(exc.retry_after, delay)
                why = f"rate limited for {exc.retry_after:.0f} s"
            except discord.HTTPException as exc:
                wait = delay
                why = f"{exc.status} {exc.code or ''}".strip()
            except (OSError, TimeoutError) as exc:  # aiohttp's errors are OSErrors
                wait = delay
                why = type(exc).__name__
            log.warning(
                "could not sync application commands (%s); serving with those Discord "
                "already has, next try in %.0f s",
                why,
                wait,
            )
            stored = self._load()
            stored[f"retry_at:{key}"] = time.time() + wait
            self._save(stored)
            await asyncio.sleep(wait)
            delay = min(self.max_backoff, delay * 2)

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
        stored = self._load()
        stored[key] = digest
        stored.pop(f"retry_at:{key}", None)
        self._save(stored)
        log.info("synced %d application commands (%s)", len(synced), key)
        self.synced = True
        return True
