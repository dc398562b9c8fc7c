"""Buttons and forms: persistent custom ids, the check-in and hours modals, their fields.

A button's ``custom_id`` is ``cohortbot:<action>`` or ``cohortbot:<action>:<guild>:<channel>``;
the second form names the cohort, so a button in a direct message still knows which
cohort it is about. ``ActionButton`` is a ``DynamicItem`` registered in ``setup_hook``:
any message's buttons keep working after a restart, with no per-message state.
Modal submissions are routed by their custom id (``cohortbot:form:<kind>[:<guild>:<channel>]``)
in the bot's ``on_interaction``, so a form opened before a restart still submits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.commands import MAX_CHECKIN_CHARS, MAX_NOTE_CHARS
from bot.messages import CheckInForm

PREFIX = "cohortbot"
_SNOWFLAKE = r"[0-9]{1,20}"
_CONTEXT = rf"(?::(?P<guild>{_SNOWFLAKE}):(?P<channel>{_SNOWFLAKE}))?"
ACTION_TEMPLATE = rf"{PREFIX}:(?P<action>[a-z0-9_]{{1,40}}){_CONTEXT}"
FORM_PATTERN = re.compile(rf"{PREFIX}:form:(?P<kind>[a-z0-9_]{{1,40}}){_CONTEXT}")

FORM_CHECKIN = "checkin"
FORM_CHECKIN_EDIT = "checkin_edit"
FORM_HOURS = "hours"
MAX_HOURS_FIELD = 200
MAX_MOOD_FIELD = 8
MAX_AMOUNT_FIELD = 40
MAX_CATEGORY_FIELD = 40
MAX_DAY_FIELD = 20


class RunsActions(Protocol):
    """What a button needs from the bot: someone to run its action."""

    async def run_action(
        self, interaction: discord.Interaction[Any], action: str, context: Context | None
    ) -> None: ...


@dataclass(frozen=True)
class Context:
    """The cohort a button or form is about: its guild and channel ids, as strings."""

    guild_id: str
    channel_id: str

    def suffix(self) -> str:
        return f":{self.guild_id}:{self.channel_id}"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Context | None:
        if match.group("guild") and match.group("channel"):
            return cls(match.group("guild"), match.group("channel"))
        return None


def action_custom_id(action: str, context: Context | None = None) -> str:
    return f"{PREFIX}:{action}" + (context.suffix() if context else "")


def form_custom_id(kind: str, context: Context | None = None) -> str:
    return f"{PREFIX}:form:{kind}" + (context.suffix() if context else "")


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ACTION_TEMPLATE):
    """A button that runs one core action (check in, snooze, ...), from any message, forever."""

    def __init__(
        self,
        action: str,
        *,
        label: str = "",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        context: Context | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action, style=style, custom_id=action_custom_id(action, context)
            ),
            row=row,
        )
        self.action = action
        self.context = context

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(
            match.group("action"),
            label=(button.label if button else None) or "",
            style=button.style if button else discord.ButtonStyle.secondary,
            context=Context.from_match(match),
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: RunsActions = interaction.client
        await bot.run_action(interaction, self.action, self.context)


def is_action_id(custom_id: str) -> bool:
    return ActionButton.__discord_ui_compiled_template__.fullmatch(custom_id) is not None


def message_has_component(message: discord.Message | None, custom_id: str) -> bool:
    """True when the clicked message really carries a component with this custom id."""
    if message is None:
        return False

    def walk(components: Iterable[Any]) -> bool:
        for component in components:
            if getattr(component, "custom_id", None) == custom_id:
                return True
            if walk(getattr(component, "children", ()) or ()):
                return True
        return False

    return walk(message.components)


# -- forms ------------------------------------------------------------------------------------


def checkin_modal(form: CheckInForm, context: Context | None) -> discord.ui.Modal:
    """The check-in form: did / next / blockers (4,000 each), hours and mood; prefilled to edit."""
    kind = FORM_CHECKIN_EDIT if form.edit else FORM_CHECKIN
    modal = discord.ui.Modal(
        title="Edit today's check-in" if form.edit else "Check in",
        timeout=None,
        custom_id=form_custom_id(kind, context),
    )
    initial = form.initial
    modal.add_item(
        discord.ui.TextInput(
            label="What did you do?",
            custom_id="did",
            style=discord.TextStyle.paragraph,
            max_length=MAX_CHECKIN_CHARS,
            default=initial.get("did") or None,
            placeholder="Finished lesson 4 of the course; pushed the data loader",
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="What's next?",
            custom_id="next",
            style=discord.TextStyle.paragraph,
            max_length=MAX_CHECKIN_CHARS,
            required=False,
            default=initial.get("next") or None,
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="Blockers (optional)",
            custom_id="blockers",
            style=discord.TextStyle.paragraph,
            max_length=MAX_CHECKIN_CHARS,
            required=False,
            default=initial.get("blockers") or None,
        )
    )
    if not form.edit:  # editing changes the text; hours have /hours and /hours-undo
        modal.add_item(
            discord.ui.TextInput(
                label="Hours (optional)",
                custom_id="hours",
                required=False,
                max_length=MAX_HOURS_FIELD,
                placeholder="1h learning, 30m building",
            )
        )
    modal.add_item(
        discord.ui.TextInput(
            label="Mood 1-5 (optional)",
            custom_id="mood",
            required=False,
            max_length=MAX_MOOD_FIELD,
            default=initial.get("mood") or None,
            placeholder="4",
        )
    )
    return modal


def hours_modal(context: Context | None) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title="Log hours", timeout=None, custom_id=form_custom_id(FORM_HOURS, context)
    )
    modal.add_item(
        discord.ui.TextInput(
            label="How long?",
            custom_id="amount",
            max_length=MAX_AMOUNT_FIELD,
            placeholder="90m, 2h, 1h30m or 1.5",
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="Category",
            custom_id="category",
            max_length=MAX_CATEGORY_FIELD,
            placeholder="learning, building or networking",
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="Note (optional)",
            custom_id="note",
            required=False,
            max_length=MAX_NOTE_CHARS,
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="Day (optional)",
            custom_id="day",
            required=False,
            max_length=MAX_DAY_FIELD,
            placeholder="today, yesterday, 2d or 3d",
        )
    )
    return modal


def modal_values(data: dict[str, Any]) -> dict[str, str]:
    """``{custom_id: value}`` from a MODAL_SUBMIT's components (action rows or labels)."""
    values: dict[str, str] = {}

    def walk(components: Iterable[dict[str, Any]]) -> None:
        for component in components:
            if component.get("type") == 1:
                walk(component.get("components") or [])
            elif component.get("type") == 18 and isinstance(component.get("component"), dict):
                walk([component["component"]])
            elif isinstance(component.get("custom_id"), str) and isinstance(
                component.get("value"), str
            ):
                values[component["custom_id"]] = component["value"]

    walk(data.get("components") or [])
    return values
