"""The core's ``Platform`` port on Discord: send a neutral message to a channel or a DM.

``send`` is called from the scheduler's worker thread; it runs the coroutine on the
bot's event loop and waits. discord.py already waits out short 429s itself; what it
gives up on becomes a ``DeliveryError`` the delivery loop understands.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import time
from typing import Any

import aiohttp
import discord

from adapters.discord import render as r
from adapters.discord.views import Context
from bot.messages import Message
from bot.ports import DeliveryError, Destination

log = logging.getLogger(__name__)

SEND_TIMEOUT = 60.0
# Discord JSON error codes that mean "this destination is gone or closed for good".
# https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
PERMANENT_CODES = {
    10003: "unknown channel",
    10004: "unknown guild",
    10013: "unknown user",
    50001: "missing access",
    50007: "cannot send messages to this user",
    50013: "missing permissions",
    50033: "invalid recipient",
}
# After Discord refuses the bot token, sends are refused here without asking Discord for
# this long (401s count towards Discord's invalid-request limit, and every one would fail).
CREDENTIALS_RETRY = 300.0
CREDENTIALS_REFUSED = "Discord refused the bot token (401)"


class DiscordPlatform:
    """Implements ``bot.ports.Platform`` with a running ``CohortBot``."""

    name = "discord"

    def __init__(
        self,
        bot: discord.Client,
        timeout: float = SEND_TIMEOUT,
        credentials_retry: float = CREDENTIALS_RETRY,
    ) -> None:
        self.bot = bot
        self.timeout = timeout
        self.credentials_retry = credentials_retry
        self._refused_until = 0.0  # monotonic time before which the token is not retried
        self._credentials_bad = False

    def send(self, destination: Destination, message: Message, *, key: str | None = None) -> str:
        """Post ``message``; returns the Discord message id. Raises ``DeliveryError``.

        ``key`` becomes the message nonce, which discord.py sends with ``enforce_nonce``:
        Discord then answers a repeat within a few minutes with the first message instead
        of posting a second one, which covers a worker dying between send and record.
        """
        if destination.platform != self.name:
            raise DeliveryError(
                f"not a Discord destination: {destination.platform}", permanent=True
            )
        if time.monotonic() < self._refused_until:
            raise self._credentials_refused()
        loop = self._loop()
        if _running_loop() is loop:
            raise RuntimeError("DiscordPlatform.send blocks; call it from a worker thread")
        future = asyncio.run_coroutine_threadsafe(
            self.send_async(destination, message, key=key), loop
        )
        try:
            sent = future.result(self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise DeliveryError("Discord did not answer in time") from None
        if self._credentials_bad:
            log.info("Discord accepts the bot token again; delivery resumed")
            self._credentials_bad = False
        return sent

    def _credentials_refused(self) -> DeliveryError:
        return DeliveryError(CREDENTIALS_REFUSED, retry_after=self.credentials_retry, halt=True)

    def _loop(self) -> asyncio.AbstractEventLoop:
        try:
            loop = self.bot.loop
            # Before login discord.py's loop is a sentinel that raises AttributeError.
            running = loop.is_running() and not self.bot.is_closed()
        except AttributeError:
            running = False
        if not running:
            raise DeliveryError("the Discord bot is not running")
        return loop

    async def send_async(
        self, destination: Destination, message: Message, *, key: str | None = None
    ) -> str:
        """The same, on the bot's loop; every failure mapped to ``DeliveryError``."""
        try:
            channel = await self._channel(destination)
            context = Context(destination.workspace_id, destination.channel_id)
            kwargs = r.render(message, context=context).send_kwargs()
            nonce = nonce_for(key) if key else None  # None is send's own default
            sent = await channel.send(**kwargs, nonce=nonce)
            return str(sent.id)
        except DeliveryError:
            raise
        except discord.RateLimited as exc:  # a wait longer than discord.py will sleep
            raise DeliveryError("rate limited", retry_after=exc.retry_after) from None
        except discord.HTTPException as exc:
            if exc.status == 401:
                raise self._refused() from None
            raise _mapped(exc) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise DeliveryError(f"network error: {type(exc).__name__}") from None

    def _refused(self) -> DeliveryError:
        """A 401: bad credentials (a reset or leaked token), not a gone destination."""
        self._refused_until = time.monotonic() + self.credentials_retry
        if not self._credentials_bad:
            self._credentials_bad = True
            log.error(
                "%s: delivery stops until DISCORD_TOKEN is fixed; nothing is paused and "
                "the messages wait",
                CREDENTIALS_REFUSED,
            )
        return self._credentials_refused()

    async def _channel(self, destination: Destination) -> Any:
        if destination.is_dm:
            user_id = _snowflake(destination.user_id or "", "user")
            # One request (POST /users/@me/channels), cached by discord.py: no user lookup.
            return await self.bot.create_dm(discord.Object(id=user_id))
        channel_id = _snowflake(destination.channel_id, "channel")
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            # A forum or media channel takes posts (threads) only, never a message.
            kind = getattr(getattr(channel, "type", None), "name", "non-text")
            raise DeliveryError(f"a {kind} channel takes no messages", permanent=True)
        return channel


def nonce_for(key: str) -> str:
    """A Discord nonce (at most 25 characters) that stands for an outbox key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


def _snowflake(value: str, what: str) -> int:
    if not value.isdigit():
        raise DeliveryError(f"not a Discord {what} id", permanent=True)
    return int(value)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _mapped(exc: discord.HTTPException) -> DeliveryError:
    status, code = exc.status, exc.code
    if status == 429:
        header = exc.response.headers.get("Retry-After") if exc.response is not None else None
        try:
            retry_after = float(header) if header else None
        except ValueError:
            retry_after = None
        return DeliveryError("rate limited", retry_after=retry_after)
    if status >= 500:
        return DeliveryError(f"Discord server error {status}")
    if isinstance(exc, (discord.NotFound, discord.Forbidden)) or code in PERMANENT_CODES:
        reason = PERMANENT_CODES.get(code, "not found" if status == 404 else "forbidden")
        return DeliveryError(f"{reason} ({status}/{code})", permanent=True)
    # Any other 4xx: the request itself is wrong, and sending it again will not fix it.
    log.warning("Discord refused a message: %s %s", status, code)
    return DeliveryError(f"refused by Discord ({status}/{code})", permanent=True)
