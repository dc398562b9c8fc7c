"""The port the core uses to reach a chat platform; each adapter implements it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import Message


@dataclass(frozen=True)
class Destination:
    """Where a message goes: a cohort channel, or one member's direct messages."""

    platform: str
    workspace_id: str
    channel_id: str
    user_id: str | None = None  # set for a direct message

    @property
    def is_dm(self) -> bool:
        return self.user_id is not None


class DeliveryError(Exception):
    """A platform refused a message.

    ``permanent`` means retrying cannot help (channel gone, user left, bot removed);
    ``retry_after`` is the platform's own back-off hint in seconds, when it gave one.
    ``halt`` means the platform can send nothing at all right now (its credentials were
    refused): the destination is fine, so nobody is paused, the attempt does not count,
    and the rest of the batch waits too.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        halt: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.halt = halt


class Platform(Protocol):
    """Send a neutral message somewhere; returns the platform's id for the message.

    ``key`` is the outbox idempotency key. Platforms that can, attach it to the
    message (Slack metadata, a Discord nonce) so that :meth:`find_sent` can tell,
    after a crash between sending and recording, whether the message went out.
    """

    name: str

    def send(
        self, destination: Destination, message: Message, *, key: str | None = None
    ) -> str: ...


class Recoverable(Protocol):
    """A platform that can look up a message it sent by its idempotency key."""

    def find_sent(self, destination: Destination, key: str) -> str | None: ...
