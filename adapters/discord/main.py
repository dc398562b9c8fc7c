"""``cohortbot run discord``: build the bot from the app, sync commands if needed, run.

The CLI owns argument parsing and the scheduler; ``run(app)`` blocks until the bot stops.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.discord.bot import CohortBot
from adapters.discord.platform import DiscordPlatform
from adapters.discord.sync import DEFAULT_PATH, CommandSync
from bot.bootstrap import App, settle_heap
from bot.cli import ConfigError

log = logging.getLogger(__name__)


class DiscordConfigError(ConfigError):
    """The Discord settings are missing or wrong (one line, never the token)."""


def build_bot(
    app: App,
    *,
    sync_path: Path = DEFAULT_PATH,
    on_start: Callable[[CohortBot], Awaitable[None] | None] | None = None,
) -> CohortBot:
    """The bot, with its command sync and ``app.platform`` set to send through it."""
    bot = CohortBot(
        core=app.core,
        settings=app.settings,
        sync_store=CommandSync(sync_path, app.settings.discord_guild_id),
        on_start=on_start,
    )
    app.platform = DiscordPlatform(bot)
    return bot


def token_of(app: App) -> str:
    secret = app.settings.discord_token
    token = secret.get_secret_value().strip() if secret is not None else ""
    if not token:
        raise DiscordConfigError(
            "DISCORD_TOKEN is not set; copy the bot token from the Discord developer portal "
            "(Application → Bot → Reset Token)"
        )
    if any(ch.isspace() for ch in token) or token.lower().startswith("bot "):
        raise DiscordConfigError("DISCORD_TOKEN looks malformed; paste the bare bot token")
    return token


def run(
    app: App,
    *,
    on_start: Callable[[CohortBot], Awaitable[None] | None] | None = None,
) -> int:
    """Connect and serve until stopped. ``on_start(bot)`` runs once in ``setup_hook`` (e.g.
    to start the scheduler thread, which sends through ``app.platform``)."""
    import discord

    token = token_of(app)
    bot = build_bot(app, on_start=on_start)
    settle_heap()
    try:
        # log_handler=None: the CLI has configured logging already.
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        raise DiscordConfigError(
            "Discord refused DISCORD_TOKEN (401); reset the token in the developer portal"
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise DiscordConfigError(
            "Discord asked for a privileged intent; none is needed — "
            "check you are running this version"
        ) from None
    return 0


@contextmanager
def rest_platform(app: App) -> Iterator[DiscordPlatform]:
    """A DiscordPlatform over REST only (no gateway), for ticks and the scheduler process.

    A logged-in ``discord.Client`` on its own event loop in a daemon thread: enough to
    fetch channels and users and post messages, with discord.py's own rate limiting.
    """
    import discord

    token = token_of(app)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="discord-rest", daemon=True)
    thread.start()
    client = discord.Client(intents=discord.Intents.none())
    try:
        asyncio.run_coroutine_threadsafe(client.login(token), loop).result(30)
    except discord.LoginFailure:
        loop.call_soon_threadsafe(loop.stop)
        raise DiscordConfigError(
            "Discord refused DISCORD_TOKEN (401); reset the token in the developer portal"
        ) from None
    try:
        yield DiscordPlatform(client)
    finally:
        asyncio.run_coroutine_threadsafe(client.close(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
