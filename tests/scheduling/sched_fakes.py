"""A fake platform for scheduler tests: scripted failures, a durable journal, lookups by key."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from bot.messages import Message
from bot.ports import DeliveryError, Destination


class FakePlatform:
    """Records every message it accepts; ``failures`` scripts what the next calls do.

    ``failures`` maps a call number (1-based, counting every call) to an exception to
    raise instead of accepting. With ``journal`` set, accepted messages are appended
    to that file and fsynced, so a test can read what a killed process sent.
    """

    name = "fake"

    def __init__(
        self,
        journal: Path | None = None,
        failures: dict[int, Exception] | None = None,
        fail_when: Callable[[Destination, Message], Exception | None] | None = None,
        after_send: Callable[[int], None] | None = None,
    ) -> None:
        self.journal = journal
        self.failures = failures or {}
        self.fail_when = fail_when
        self.after_send = after_send
        self.calls = 0
        self.sent: list[tuple[str | None, Destination, Message]] = []
        self._lock = threading.Lock()

    def send(self, destination: Destination, message: Message, *, key: str | None = None) -> str:
        with self._lock:
            self.calls += 1
            call = self.calls
            failure = self.failures.get(call)
            if failure is None and self.fail_when is not None:
                failure = self.fail_when(destination, message)
            if failure is not None:
                raise failure
            self.sent.append((key, destination, message))
            if self.journal is not None:
                with self.journal.open("a") as f:
                    f.write(json.dumps({"key": key, "id": f"m{call}"}) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
            count = len(self.sent)
        if self.after_send is not None:
            self.after_send(count)
        return f"m{call}"

    def find_sent(self, destination: Destination, key: str) -> str | None:
        for entry in journal_entries(self.journal) if self.journal else []:
            if entry["key"] == key:
                return entry["id"]
        for k, _, _ in self.sent:
            if k == key:
                return "found"
        return None

    def keys(self) -> list[str | None]:
        return [k for k, _, _ in self.sent]


def journal_entries(path: Path | None) -> list[dict[str, str]]:
    if path is None or not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def rate_limited(retry_after: float = 30.0) -> DeliveryError:
    return DeliveryError("ratelimited", retry_after=retry_after)


def server_error() -> DeliveryError:
    return DeliveryError("HTTP 500")


def channel_gone() -> DeliveryError:
    return DeliveryError("channel_not_found", permanent=True)
