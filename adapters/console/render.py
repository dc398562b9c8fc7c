"""Plain-text rendering of neutral messages, and a Platform that prints them."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import TextIO

from bot.messages import Message
from bot.ports import Destination


def render(message: Message, indent: str = "  ") -> str:
    return "\n".join(indent + line for line in message.plain().splitlines())


def one_line(message: Message, width: int = 110) -> str:
    """A message squeezed onto one line, for day-by-day logs."""
    head = f"{message.title}: " if message.title else ""
    body = " ".join((message.text or "").split())
    if message.fields:
        first = message.fields[0]
        body += f" — {first.name.lower()}: " + " ".join(first.value.split())
    line = head + body
    return line if len(line) <= width else line[: width - 1] + "…"


class ConsolePlatform:
    """Implements the core's Platform port by printing; optionally saves attachments."""

    name = "console"

    def __init__(
        self,
        out: TextIO | None = None,
        files_dir: Path | None = None,
        compact: bool = False,
        names: dict[str, str] | None = None,
    ) -> None:
        self.out = out or sys.stdout
        self.files_dir = files_dir
        self.compact = compact
        self.names = names or {}
        self._ids = itertools.count(1)
        self.sent: list[tuple[Destination, Message]] = []
        self.by_key: dict[str, str] = {}

    def find_sent(self, destination: Destination, key: str) -> str | None:
        return self.by_key.get(key)

    def send(self, destination: Destination, message: Message, *, key: str | None = None) -> str:
        self.sent.append((destination, message))
        if destination.is_dm:
            where = f"DM to {self.names.get(destination.user_id or '', destination.user_id)}"
        else:
            where = f"#{destination.channel_id}"
        if self.compact:
            print(f"  → {where}: {one_line(message)}", file=self.out)
        else:
            print(f"[bot → {where}]\n{render(message)}", file=self.out)
        self.save_files(message)
        message_id = f"console-{next(self._ids)}"
        if key:
            self.by_key[key] = message_id
        return message_id

    def save_files(self, message: Message) -> list[Path]:
        saved: list[Path] = []
        if self.files_dir is None:
            return saved
        self.files_dir.mkdir(parents=True, exist_ok=True)
        for att in ([message.image] if message.image else []) + list(message.files):
            path = self.files_dir / att.filename
            path.write_bytes(att.content)
            saved.append(path)
        return saved
