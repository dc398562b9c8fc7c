"""Platform-neutral messages: what the core says, before an adapter renders it.

Adapters turn these into Block Kit, embeds or plain text. Any text that came
from a user passes through :func:`safe_text` before it is put in a message, so
no adapter can be tricked into pinging a whole channel.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Platform mention syntax: Slack <!channel>, <@U123>, <#C1|x>, <!subteam^S1>; Discord <@123>,
# <@!123>, <@&123>, <#123>; plus the bare words both platforms expand.
_MENTION_MARKUP = re.compile(r"<\s*([!@#])")
_BROADCAST = re.compile(r"@(?=(everyone|here|channel)\b)", re.IGNORECASE)
_ZWSP = "\u200b"


def safe_text(text: str | None, limit: int = 1000) -> str:
    """Make user text safe to show anywhere: no mentions, no control characters, bounded.

    The stored value is never changed; this runs only when text is put into a message.
    """
    if not text:
        return ""
    cleaned = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    cleaned = _MENTION_MARKUP.sub(lambda m: "<" + _ZWSP + m.group(1), cleaned)
    cleaned = _BROADCAST.sub("@" + _ZWSP, cleaned)
    if len(cleaned) > limit:
        cleaned = cleaned[: max(limit - 1, 0)].rstrip() + "…"
    return cleaned


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: str | None = None  # "primary" | "danger" | None


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class HelpTopic:
    """Marks a help reply. ``Message.text`` holds the help as typed in Slack and the console;
    a platform with typed UIs shows ``help_text(topic, typed=True)`` from the specs instead."""

    topic: str | None = None


@dataclass(frozen=True)
class Message:
    """One message. ``text`` is the main body (and the plain-text fallback)."""

    text: str
    title: str | None = None
    blocks: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    image: Attachment | None = None
    files: tuple[Attachment, ...] = ()
    # The identity of a public post (e.g. ``checkin:42``): an adapter that posts it reports
    # where it landed with ``Core.record_post``, so a later edit can update it in place.
    ref: str | None = None
    help: HelpTopic | None = None  # a help reply, rendered per platform (never queued)

    def plain(self) -> str:
        """The whole message as plain text: the console renders this, tests read it."""
        parts: list[str] = []
        if self.title:
            parts.append(f"*{self.title}*")
        if self.text:
            parts.append(self.text)
        parts.extend(f"{f.name}: {f.value}" for f in self.fields)
        parts.extend(self.blocks)
        if self.buttons:
            parts.append("  ".join(f"[{b.label}]" for b in self.buttons))
        if self.image:
            parts.append(f"(chart: {self.image.filename})")
        parts.extend(f"(file: {f.filename})" for f in self.files)
        return "\n".join(parts)

    def to_dict(self) -> dict[str, object]:
        """A JSON-safe form for the outbox (attachments are not stored there)."""
        return {
            "text": self.text,
            "title": self.title,
            "blocks": list(self.blocks),
            "fields": [[f.name, f.value] for f in self.fields],
            "buttons": [[b.label, b.action_id, b.value, b.style] for b in self.buttons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Message:
        return cls(
            text=str(data.get("text") or ""),
            title=str(data["title"]) if data.get("title") else None,
            blocks=tuple(_items(data.get("blocks"))),
            fields=tuple(Field(*f) for f in _items(data.get("fields"))),
            buttons=tuple(Button(*b) for b in _items(data.get("buttons"))),
        )


def _items(value: object) -> list[Any]:
    """A JSON array read back from a stored payload; absent or null reads as empty."""
    return list(value) if isinstance(value, list | tuple) else []


@dataclass(frozen=True)
class CheckInForm:
    """Ask the adapter to open the check-in form; ``initial`` prefills it when editing."""

    initial: dict[str, str] = field(default_factory=dict)
    edit: bool = False


@dataclass(frozen=True)
class Update:
    """Replace an earlier public post, where the adapter reported it landed, with ``message``.

    When the platform says the post is gone (deleted), the adapter posts ``message`` fresh
    and reports the new place (``message.ref``) instead, unless ``repost`` is False.
    """

    channel_id: str
    message_id: str
    message: Message
    repost: bool = True


@dataclass(frozen=True)
class Reply:
    """What a handler returns: a private answer, public posts (new or updated), maybe a form."""

    message: Message
    public: tuple[Message, ...] = ()
    form: CheckInForm | None = None
    updates: tuple[Update, ...] = ()


def bar(value: float, target: float, width: int = 10) -> str:
    """A small text progress bar, e.g. ``▓▓▓▓░░░░░░``."""
    if target <= 0:
        return "░" * width
    filled = max(0, min(width, round(width * value / target)))
    return "▓" * filled + "░" * (width - filled)


def hours_text(minutes: float) -> str:
    """Minutes as the one figure every text shows: ``15 min``, ``3 h 45 min``, ``2 h``.

    Whole minutes, never rounded hours, so the parts of a total always add up
    to the total shown beside them (``0.25`` h is ``15 min``, not ``0.2 h``).
    """
    whole = round(minutes)
    sign = "-" if whole < 0 else ""
    hours, mins = divmod(abs(whole), 60)
    if not hours:
        return f"{sign}{mins} min" if mins else "0 h"
    return f"{sign}{hours} h" + (f" {mins} min" if mins else "")
