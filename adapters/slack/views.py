"""The two modals (check-in, log hours) and reading their submissions back into commands.

A submission either becomes a core command or a dict of errors keyed by block id,
which Slack shows under the right input (``response_action: errors``).
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.render import clip
from bot.commands import MAX_NOTE_CHARS, FormError, checkin_from_form, hours_from_form
from bot.domain import commands as c
from bot.domain.amounts import CATEGORIES

CHECKIN_FORM = "checkin_form"
HOURS_FORM = "hours_form"
MAX_INPUT_CHARS = 3000  # Slack's plain_text_input maximum
DAYS = (("0", "Today"), ("1", "Yesterday"), ("2", "2 days ago"), ("3", "3 days ago"))
MOODS = (
    ("1", "1 · rough"),
    ("2", "2 · shaky"),
    ("3", "3 · okay"),
    ("4", "4 · good"),
    ("5", "5 · confident"),
)
# A chosen option cannot be unselected in Slack, so the edit form offers this one to clear
# the mood; it is read as a blank answer.
NO_MOOD = ("none", "No answer")
DEFAULT_QUESTIONS = ("What did you do?", "What's next?", "Anything blocking you?")

View = dict[str, Any]


def _text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _text(label, 75), "value": value}


def _input(
    block_id: str,
    label: str,
    *,
    optional: bool = True,
    multiline: bool = False,
    initial: str | None = None,
    placeholder: str | None = None,
    max_length: int = MAX_INPUT_CHARS,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = _text(placeholder, 150)
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _text(label, 2000),
        "element": element,
    }


def _select(
    block_id: str,
    label: str,
    options: tuple[tuple[str, str], ...],
    *,
    optional: bool = True,
    initial: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": "value",
        "options": [_option(v, t) for v, t in options],
    }
    chosen = [(v, t) for v, t in options if v == initial]
    if chosen:
        element["initial_option"] = _option(*chosen[0])
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _text(label, 2000),
        "element": element,
    }


def _metadata(channel_id: str, **extra: Any) -> str:
    return json.dumps({"c": channel_id, **extra})


def read_metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def checkin_modal(
    channel_id: str,
    *,
    questions: tuple[str, ...] = DEFAULT_QUESTIONS,
    initial: dict[str, str] | None = None,
    edit: bool = False,
) -> View:
    """What I did, what's next, blockers, hours per category, mood, day; prefilled to edit."""
    initial = initial or {}
    did_q, next_q, blockers_q = (list(questions) + list(DEFAULT_QUESTIONS))[:3]
    blocks = [
        _input("did", did_q, optional=False, multiline=True, initial=initial.get("did")),
        _input("next", next_q, multiline=True, initial=initial.get("next")),
        _input("blockers", blockers_q, multiline=True, initial=initial.get("blockers")),
    ]
    if not edit:  # an edit changes the text; hours have /hours and /hours undo
        blocks += [
            _input(
                f"hours_{cat}",
                f"Hours {cat}",
                placeholder="e.g. 1h30m, 90m or 1.5",
                max_length=20,
            )
            for cat in CATEGORIES
        ]
    moods = (*MOODS, NO_MOOD) if edit else MOODS
    blocks.append(_select("mood", "Mood today (1-5)", moods, initial=initial.get("mood")))
    if not edit:
        blocks.append(_select("day", "For which day?", DAYS, optional=False, initial="0"))
    return {
        "type": "modal",
        "callback_id": CHECKIN_FORM,
        "private_metadata": _metadata(channel_id, e=edit),
        "title": _text("Edit check-in" if edit else "Check in", 24),
        "submit": _text("Save", 24),
        "close": _text("Cancel", 24),
        "blocks": blocks,
    }


def hours_modal(channel_id: str) -> View:
    """Amount, category, note and day: the small form behind the Log hours button."""
    return {
        "type": "modal",
        "callback_id": HOURS_FORM,
        "private_metadata": _metadata(channel_id),
        "title": _text("Log hours", 24),
        "submit": _text("Log", 24),
        "close": _text("Cancel", 24),
        "blocks": [
            _input("amount", "How long?", optional=False, placeholder="e.g. 1h30m", max_length=20),
            _select(
                "category",
                "On what?",
                tuple((cat, cat.capitalize()) for cat in CATEGORIES),
                optional=False,
            ),
            _input("note", "Note", max_length=MAX_NOTE_CHARS),
            _select("day", "For which day?", DAYS, optional=False, initial="0"),
        ],
    }


def _values(view: dict[str, Any]) -> dict[str, str]:
    """``{block_id: text or selected value}`` from a submitted view; blanks dropped."""
    out: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    if not isinstance(state, dict):
        return out
    for block_id, actions in state.items():
        if not isinstance(actions, dict):
            continue
        element = actions.get("value")
        if not isinstance(element, dict):
            continue
        selected = element.get("selected_option")
        value = selected.get("value") if isinstance(selected, dict) else element.get("value")
        if block_id == "mood" and value == NO_MOOD[0]:
            continue
        if isinstance(value, str) and value.strip():
            out[block_id] = value.strip()
    return out


def read_checkin(view: dict[str, Any]) -> tuple[c.Command | None, dict[str, str]]:
    """A ``CheckIn`` (or ``EditCheckIn``) from the modal, or the errors to show on it."""
    try:
        return checkin_from_form(_values(view), edit=bool(read_metadata(view).get("e"))), {}
    except FormError as exc:
        return None, {block: error[:150] for block, error in exc.errors.items()}


def read_hours(view: dict[str, Any]) -> tuple[c.Command | None, dict[str, str]]:
    """A ``LogHours`` from the hours modal, or the errors to show on it."""
    try:
        return hours_from_form(_values(view)), {}
    except FormError as exc:
        return None, {block: error[:150] for block, error in exc.errors.items()}
