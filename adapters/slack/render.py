"""Neutral messages to Block Kit: header, sections, fields, buttons, context.

Every piece of text is escaped (``&``, ``<``, ``>``), which also defuses
``<!channel>`` and ``<@U123>``; Slack's size limits are respected by splitting
or shortening, never by letting the API refuse the message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from bot.messages import Button, Message

MAX_BLOCKS = 50  # per message
MAX_HOME_BLOCKS = 100  # per App Home view
MAX_SECTION_CHARS = 3000
MAX_FIELDS = 10  # per section
MAX_FIELD_CHARS = 2000
MAX_ACTIONS = 25  # elements per actions block
MAX_HEADER_CHARS = 150
MAX_BUTTON_CHARS = 75
MAX_VALUE_CHARS = 2000
MAX_FALLBACK_CHARS = 3000
SHORTENED = "…"

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters as entities: no mention, link or markup can hide."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """``text`` escaped and cut to ``limit`` characters, never inside an entity."""
    out: list[str] = []
    size = 0
    for ch in text:
        piece = escape(ch)
        if size + len(piece) > limit - 1:
            out.append(SHORTENED)
            return "".join(out)
        out.append(piece)
        size += len(piece)
    return "".join(out)


def chunks(text: str, limit: int = MAX_SECTION_CHARS) -> Iterator[str]:
    """Escaped pieces of at most ``limit`` characters, cut at a line or word when possible."""
    rest = text
    while rest:
        escaped = escape(rest)
        if len(escaped) <= limit:
            yield escaped
            return
        # The longest raw prefix whose escaped form fits, then back off to a break.
        size, end = 0, 0
        for end, ch in enumerate(rest):  # noqa: B007 - end is used after the loop
            size += len(escape(ch))
            if size > limit:
                break
        cut = max(rest.rfind("\n", 0, end), rest.rfind(" ", 0, end))
        if cut <= end // 2:
            cut = end
        yield escape(rest[:cut])
        rest = rest[cut:].lstrip("\n ")


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def button_value(channel_id: str | None, value: str) -> str:
    """A button's value carries the cohort channel, so a click in a DM finds its cohort."""
    if channel_id is None:
        return value[:MAX_VALUE_CHARS]
    return json.dumps({"c": channel_id, "v": value[: MAX_VALUE_CHARS - 100]})


def read_button_value(raw: str | None) -> tuple[str | None, str]:
    """``(cohort channel or None, the core's value)`` from a clicked button."""
    if raw and raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            return None, raw
        if isinstance(data, dict):
            channel = data.get("c")
            return (channel if isinstance(channel, str) else None), str(data.get("v") or "")
    return None, raw or ""


def _button(button: Button, action_id: str, channel_id: str | None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(button.label, MAX_BUTTON_CHARS),
        "action_id": action_id,
        "value": button_value(channel_id, button.value),
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def _action_ids(buttons: Sequence[Button]) -> list[str]:
    """Action ids must be unique within a block; repeats get ``#2``, ``#3`` (the app strips it)."""
    seen: dict[str, int] = {}
    ids = []
    for b in buttons:
        seen[b.action_id] = seen.get(b.action_id, 0) + 1
        ids.append(b.action_id if seen[b.action_id] == 1 else f"{b.action_id}#{seen[b.action_id]}")
    return ids


def message_blocks(
    message: Message, *, channel_id: str | None = None, limit: int = MAX_BLOCKS
) -> list[Block]:
    """The message as Block Kit blocks, at most ``limit`` of them."""
    blocks: list[Block] = []
    if message.title:
        blocks.append({"type": "header", "text": plain(message.title, MAX_HEADER_CHARS)})
    for piece in chunks(message.text):
        blocks.append({"type": "section", "text": mrkdwn(piece)})
    fields = [
        mrkdwn(clip(f"*{f.name}*\n{f.value}" if f.name else f.value, MAX_FIELD_CHARS))
        for f in message.fields
    ]
    for start in range(0, len(fields), MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[start : start + MAX_FIELDS]})
    for extra in message.blocks:
        for piece in chunks(extra):
            blocks.append({"type": "section", "text": mrkdwn(piece)})
    if message.buttons:
        ids = _action_ids(message.buttons)
        elements = [_button(b, i, channel_id) for b, i in zip(message.buttons, ids, strict=True)]
        for start in range(0, len(elements), MAX_ACTIONS):
            blocks.append({"type": "actions", "elements": elements[start : start + MAX_ACTIONS]})
    attached = ([message.image] if message.image else []) + list(message.files)
    if attached:
        names = ", ".join(a.filename for a in attached)
        blocks.append({"type": "context", "elements": [mrkdwn(clip(f"📎 {names}", 300))]})
    if len(blocks) > limit:
        blocks = blocks[: limit - 1]
        blocks.append({"type": "context", "elements": [mrkdwn("… (shortened to fit Slack)")]})
    return blocks


def fallback_text(message: Message) -> str:
    """The notification and screen-reader text: the whole message, escaped and bounded."""
    return clip(message.plain(), MAX_FALLBACK_CHARS) or " "


def home_view(cards: Sequence[Message]) -> Block:
    """The App Home tab: one card after another, within Slack's 100-block limit."""
    blocks: list[Block] = []
    if not cards:
        cards = [
            Message(
                "You're not in a cohort on this workspace yet. In your cohort's channel, "
                "join with `/cohort join [track] [budget]` — or start one with "
                "`/cohort start [name]`. `/help` lists everything I can do.",
                title="Welcome to cohortbot",
            )
        ]
    for card in cards:
        card_blocks = message_blocks(card, limit=MAX_HOME_BLOCKS)
        if blocks:
            card_blocks.insert(0, {"type": "divider"})
        if len(blocks) + len(card_blocks) > MAX_HOME_BLOCKS - 1:
            more = mrkdwn("More in `/progress`, `/plan`, `/sprint`.")
            blocks.append({"type": "context", "elements": [more]})
            break
        blocks.extend(card_blocks)
    return {"type": "home", "blocks": blocks}
