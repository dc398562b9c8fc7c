"""Neutral messages as Discord embeds, buttons and files, within Discord's size limits.

The core has already made user text safe (``safe_text``); here every string is also cut
to the limit of the place it goes, so a long check-in can never make Discord reject a
reply. Plain text (errors, short answers) is split into 2,000-character messages.
Every text first has its command references put in Discord's syntax (``discord_text``):
the core writes them as Slack and the console type them; a help reply is the typed help.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import TypedDict

import discord

from adapters.discord.syntax import discord_text
from adapters.discord.views import ActionButton, Context
from bot.commands import help_text
from bot.messages import Message, safe_text

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
FILES_PER_MESSAGE = 10
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_ROW = 5

COLOUR = discord.Colour(0x4F8A8B)
BUTTON_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "success": discord.ButtonStyle.success,
}


class EditKwargs(TypedDict, total=False):
    """Keyword arguments for ``Message.edit``: only what a rendered message sets."""

    allowed_mentions: discord.AllowedMentions
    content: str
    embeds: list[discord.Embed]
    view: discord.ui.View


class SendKwargs(EditKwargs, total=False):
    """Keyword arguments for ``send``: an edit's, plus files."""

    files: list[discord.File]


@dataclass
class Rendered:
    """What one neutral message becomes: keyword arguments for a Discord send."""

    embeds: list[discord.Embed] = field(default_factory=list)
    content: str | None = None
    view: discord.ui.View | None = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)

    def files(self) -> list[discord.File]:
        """Fresh ``discord.File`` objects (each can be sent once)."""
        return [discord.File(io.BytesIO(data), filename=name) for name, data in self.attachments]

    def edit_kwargs(self) -> EditKwargs:
        """What an edit sends: no files (a card carries none; an edit would keep the old
        ones), and nothing the message does not set, so an edit keeps the rest."""
        kwargs: EditKwargs = {"allowed_mentions": discord.AllowedMentions.none()}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = self.embeds
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs

    def send_kwargs(self) -> SendKwargs:
        kwargs: SendKwargs = {**self.edit_kwargs()}
        if self.attachments:
            kwargs["files"] = self.files()
        return kwargs


@dataclass
class Batch:
    """Several rendered messages sent as one; ``members`` are their indexes."""

    rendered: Rendered
    members: list[int]


def batches(rendered: list[Rendered]) -> list[Batch]:
    """Consecutive messages joined into as few as Discord accepts: at most 10 embeds of
    6,000 characters in all, 10 files and one set of buttons per message."""
    out: list[Batch] = []
    for index, one in enumerate(rendered):
        last = out[-1].rendered if out else None
        if (
            last is not None
            and not (last.content or one.content)
            and (last.view is None or one.view is None)
            and len(last.embeds) + len(one.embeds) <= EMBEDS_PER_MESSAGE
            and sum(len(e) for e in (*last.embeds, *one.embeds)) <= EMBED_TOTAL_LIMIT
            and len(last.attachments) + len(one.attachments) <= FILES_PER_MESSAGE
        ):
            last.embeds.extend(one.embeds)
            last.view = last.view or one.view
            last.attachments.extend(one.attachments)
            out[-1].members.append(index)
        else:
            copy = Rendered(list(one.embeds), one.content, one.view, list(one.attachments))
            out.append(Batch(copy, [index]))
    return out


EXPORT_ZIP = "cohort-export.zip"


def fit_uploads(rendered: Rendered, limit: int) -> None:
    """Keep ``rendered``'s files within Discord's upload limit for this server.

    Too big as they are, they go as one zip; still too big, they are left out, and the
    message says so and where to get them instead.
    """
    if not rendered.attachments or sum(len(d) for _, d in rendered.attachments) <= limit:
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in rendered.attachments:
            archive.writestr(name, data)
    packed = buffer.getvalue()
    if len(packed) <= limit:
        rendered.attachments = [(EXPORT_ZIP, packed)]
        rendered.content = "The files were over this server's upload limit, so they come zipped."
        return
    size = sum(len(d) for _, d in rendered.attachments)
    rendered.attachments = []
    rendered.content = (
        f"The files are {_megabytes(size)} ({_megabytes(len(packed))} zipped), over this "
        f"server's upload limit of {_megabytes(limit)}, so I couldn't attach them. Whoever "
        "runs the bot can write them with the cohortbot export command on its server."
    )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size / 1024:.0f} KB"


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, broken at line ends (or spaces) when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:  # one very long word: break it hard
            at = limit
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces or [""]


def plain_chunks(text: str) -> list[str]:
    """Text for the ``content`` of messages: Discord's command syntax, mention-safe, in
    2,000-character pieces."""
    return split_text(safe_text(discord_text(text), limit=20_000))


def render(message: Message, *, context: Context | None = None) -> Rendered:
    """One embed (title, text and blocks, fields) plus a view of buttons and any files."""
    out = Rendered()
    description = "\n\n".join(
        part for part in (_text(message), *map(discord_text, message.blocks)) if part
    )
    title = discord_text(message.title) if message.title else None
    embed = discord.Embed(
        title=cut(title, TITLE_LIMIT) if title else None,
        description=cut(description, DESCRIPTION_LIMIT) if description else None,
        colour=COLOUR,
    )
    fields = list(message.fields)
    shown = fields[:FIELD_COUNT_LIMIT]
    if len(fields) > FIELD_COUNT_LIMIT:
        shown = fields[: FIELD_COUNT_LIMIT - 1]
    for item in shown:
        # Fields carry what members wrote (what they did, their goals): shown as written.
        embed.add_field(
            name=cut(item.name or "\u200b", FIELD_NAME_LIMIT),
            value=cut(item.value or "\u200b", FIELD_VALUE_LIMIT),
            inline=len(item.value) <= 40,
        )
    _fit_total(embed, len(fields) - len(embed.fields))
    if message.image is not None:
        embed.set_image(url=f"attachment://{message.image.filename}")
        out.attachments.append((message.image.filename, message.image.content))
    out.attachments.extend((f.filename, f.content) for f in message.files)
    out.embeds.append(embed)
    if message.buttons:
        view = discord.ui.View(timeout=None)
        for index, button in enumerate(message.buttons[: BUTTONS_PER_ROW * 5]):
            view.add_item(
                ActionButton(
                    button.action_id,
                    label=cut(button.label, BUTTON_LABEL_LIMIT),
                    style=BUTTON_STYLES.get(button.style or "", discord.ButtonStyle.secondary),
                    context=context,
                    row=index // BUTTONS_PER_ROW,
                )
            )
        out.view = view
    return out


def _text(message: Message) -> str:
    """The main text in Discord's syntax; a help reply is the typed help from the specs."""
    if message.help is not None:
        return help_text(message.help.topic, typed=True)
    return discord_text(message.text)


def _fit_total(embed: discord.Embed, hidden: int) -> None:
    """Drop fields from the end until the embed fits in 6,000 characters; say so."""
    note = ""
    while len(embed) > EMBED_TOTAL_LIMIT - 64 and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        hidden += 1
    if hidden:
        note = f"…and {hidden} more not shown here."
        embed.set_footer(text=note)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.description:
        spare = EMBED_TOTAL_LIMIT - (len(embed) - len(embed.description))
        embed.description = cut(embed.description, max(spare, 1))


def render_error(text: str) -> list[str]:
    """An error or short notice: plain, mention-safe content pieces."""
    return plain_chunks(text)
