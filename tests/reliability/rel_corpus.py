"""Read the hostile-input corpus, and the checks every way in shares: counts, verbatim, inert."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.messages import Message

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# What must never reach a platform live: Slack's <!...>, <@...>, <#...>; Discord's <@..>,
# <@&..>, <#..>; and the broadcast words. A zero-width space after "<" or "@" defuses them.
_LIVE = re.compile(r"<\s*[!@#]|@(everyone|here|channel)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    id: str
    input: str
    expect: str  # "error" | "stored"
    stored: str | None
    why: str = ""

    @property
    def name(self) -> str:
        return self.input.strip().partition(" ")[0]

    def split(self) -> tuple[str, str]:
        """``("/checkin", "the text")`` as Slack sends a slash command."""
        stripped = self.input.lstrip()
        head, _, rest = stripped.partition(" ")
        return head, rest


def _repeat(spec: dict[str, Any]) -> str:
    return (
        str(spec.get("prefix", ""))
        + str(spec["unit"]) * int(spec["times"])
        + str(spec.get("suffix", ""))
    )


def load(name: str = "commands.yaml") -> list[Entry]:
    raw = yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))
    out = []
    for item in raw:
        text = _repeat(item["input_repeat"]) if "input_repeat" in item else str(item["input"])
        stored = item.get("stored")
        if "stored_repeat" in item:
            stored = _repeat(item["stored_repeat"])
        out.append(
            Entry(
                str(item["id"]),
                text,
                str(item["expect"]),
                None if stored is None else str(stored),
                str(item.get("why", "")),
            )
        )
    ids = [e.id for e in out]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"
    return out


def load_raw(name: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((CORPUS / name).read_text(encoding="utf-8")))


def live_markup(text: str) -> list[str]:
    """Every live mention or broadcast in ``text`` (empty when it is inert)."""
    return [m.group(0) for m in _LIVE.finditer(text)]


def message_texts(message: Message) -> list[str]:
    texts = [message.text, message.title or "", *message.blocks]
    for f in message.fields:
        texts += [f.name, f.value]
    for b in message.buttons:
        texts += [b.label, b.value]
    return texts
