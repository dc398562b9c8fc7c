"""Form fields -> commands: the check-in and hours forms of every platform, one set of rules.

Slack modals, Discord modals and the console's questions hand over ``{field: text}``:
``did``, ``next``, ``blockers``, ``mood``, ``hours`` (``1h learning, 30m building``) or
``hours_<category>`` (an amount each), ``day``; and ``amount``, ``category``, ``note``,
``day`` for hours. The rules: text fields are trimmed and at most their limit; ``did``
is required; in an edit (a prefilled form) an empty field clears it; amounts, moods and
days read as in the typed grammar. Every problem is reported against its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from bot.commands.checkin import add_minutes, hours_segment, mood
from bot.commands.hours import read_day
from bot.commands.limits import MAX_CHECKIN_CHARS, MAX_NOTE_CHARS
from bot.domain import commands as c
from bot.domain.amounts import CATEGORIES, parse_amount, parse_category
from bot.domain.errors import UsageError

CHECKIN_USAGE = "the `/checkin` form: what you did (required), what's next, blockers, hours, mood"
HOURS_USAGE = "the hours form: how long (required), category (required), note, day"
_T = TypeVar("_T")
_TEXT_FIELDS = (("did", "What you did"), ("next", "What's next"), ("blockers", "Blockers"))


class FormError(UsageError):
    """What is wrong with a submitted form, field by field (``errors``), first one as text."""

    def __init__(self, errors: dict[str, str], usage: str) -> None:
        super().__init__(next(iter(errors.values())), usage)
        self.errors = errors


def checkin_from_form(fields: Mapping[str, str], *, edit: bool = False) -> c.Command:
    """``CheckIn`` from the check-in form, or ``EditCheckIn`` from the prefilled edit form."""
    errors: dict[str, str] = {}
    text = {name: fields.get(name, "").strip() for name, _ in _TEXT_FIELDS}
    for name, label in _TEXT_FIELDS:
        if len(text[name]) > MAX_CHECKIN_CHARS:
            errors[name] = (
                f"{label} can be at most {MAX_CHECKIN_CHARS} characters; "
                f"this one has {len(text[name])}."
            )
    if not text["did"] and "did" not in errors:
        errors["did"] = "Say what you did, even if it was small."
    feeling = _read(errors, "mood", lambda: mood(fields.get("mood", "").strip(), None))
    hours: dict[str, int] = {}
    if not edit:  # editing changes the text; hours have their own command
        hours = _read(errors, "hours", lambda: hours_segment(fields.get("hours"), None)) or {}
        for category in CATEGORIES:
            name = f"hours_{category}"
            if amount := fields.get(name, "").strip():
                try:
                    add_minutes(hours, category, parse_amount(amount), None)
                except UsageError as exc:
                    errors.setdefault(name, exc.message)
    when = _read(errors, "day", lambda: read_day(fields.get("day"))) or 0
    if errors:
        raise FormError(errors, CHECKIN_USAGE)
    if edit:
        # The edit form is prefilled: a field left empty was cleared on purpose.
        return c.EditCheckIn(
            did=text["did"],
            next=text["next"],
            blockers=text["blockers"],
            mood=feeling,
            when=when,
            clear_mood=feeling is None,
        )
    return c.CheckIn(
        did=text["did"],
        next=text["next"] or None,
        blockers=text["blockers"] or None,
        mood=feeling,
        hours=hours,
        when=when,
    )


def hours_from_form(fields: Mapping[str, str]) -> c.LogHours:
    """``LogHours`` from the hours form: amount and category required, note and day optional."""
    errors: dict[str, str] = {}
    minutes = _read(errors, "amount", lambda: parse_amount(fields.get("amount", "")))
    category = _read(errors, "category", lambda: parse_category(fields.get("category", "")))
    note = fields.get("note", "").strip()
    if len(note) > MAX_NOTE_CHARS:
        errors["note"] = (
            f"A note can be at most {MAX_NOTE_CHARS} characters; this one has {len(note)}."
        )
    when = _read(errors, "day", lambda: read_day(fields.get("day")))
    if errors or minutes is None or category is None or when is None:
        raise FormError(errors or {"amount": "Say how long."}, HOURS_USAGE)
    return c.LogHours(minutes=minutes, category=category, note=note or None, when=when)


def _read(errors: dict[str, str], field: str, reader: Callable[[], _T]) -> _T | None:
    """``reader()``, or None with its mistake noted against ``field``."""
    try:
        return reader()
    except UsageError as exc:
        errors.setdefault(field, exc.message)
        return None
