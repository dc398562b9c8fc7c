"""Command references in Discord's syntax, rendered from the specs in ``bot.commands``.

Discord's commands take named options, and some live under another name (``/hours-undo``,
``/cohort away``, ``/cohort-admin``); each spec says which. A reference such as
```/plan set 1 <goal>``` becomes ```/plan week:1 goal:<text>```, an error's usage line
becomes the spec's typed usage, and nothing else in a text is touched.
"""

from __future__ import annotations

from bot.commands import (
    COMMANDS_SUMMARY,
    SPECS,
    TYPED_SUMMARY,
    Reference,
    TypedValue,
    render_references,
)

USAGE_MARK = "\nUsage: "
# Usage lines as typed in Slack and the console -> the same on Discord.
USAGE_LINES: dict[str, str] = {
    COMMANDS_SUMMARY: TYPED_SUMMARY,
    **{spec.usage: spec.typed_usage_line for spec in SPECS},
}


def option(value: TypedValue) -> str:
    text = f"{value.name}:{value.value}"  # a flag shows as True / False
    if value.alternative is not None:
        text += f" (or {value.name}:{value.alternative})"
    return f"[{text}]" if value.optional else text


def discord_command(reference: Reference) -> str:
    """``/plan week:1 goal:<text>``: the Discord command and options a reference names."""
    return " ".join([f"/{reference.spec.typed_path}", *map(option, reference.values)])


def usage_line(usage: str) -> str:
    """A spec's usage line as its typed usage; any other usage line is a reference."""
    return USAGE_LINES.get(usage) or render_references(usage, discord_command)


def discord_text(text: str) -> str:
    """``text`` with its references (and its usage line) in Discord's syntax."""
    if not text or "/" not in text:
        return text
    message, mark, usage = text.rpartition(USAGE_MARK)
    if not mark:
        return render_references(text, discord_command)
    return render_references(message, discord_command) + mark + usage_line(usage)
