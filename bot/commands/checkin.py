"""``/checkin``: what I did, what's next, blockers, mood and hours, for today or a late day.

``/checkin finished lesson 4 | next: lesson 5 | mood: 4 | hours: 1h learning`` ->
``CheckIn(did="finished lesson 4", next="lesson 5", mood=4, hours={"learning": 60})``.
"""

from __future__ import annotations

import re

from bot.commands.limits import MAX_CHECKIN_CHARS, MAX_INPUT_CHARS
from bot.commands.reading import (
    Words,
    amount_and_category,
    check_input_length,
    check_length,
    first_word,
    quote,
)
from bot.commands.spec import Option, Spec
from bot.domain import commands as c
from bot.domain.amounts import MAX_MINUTES_PER_ENTRY, parse_day
from bot.domain.errors import UsageError

_TEXT = Option("text", rest=True)

CHECKIN = Spec(
    "checkin",
    usage="/checkin [yesterday|2d|YYYY-MM-DD:] [text]  (no text opens the form)  "
    "e.g. /checkin finished lesson 4 | next: lesson 5 | blockers: none | mood: 4 "
    "| hours: 1h learning, 30m building",
    typed_usage="/checkin [text:<...>]  (no text opens the form; start it with yesterday: "
    "when late)  e.g. /checkin text:finished lesson 4 | next: lesson 5 | blockers: none "
    "| mood: 4 | hours: 1h learning, 30m building",
    options=(_TEXT, Option("edit", flag=True)),
    help="Check in with what you did. Add segments on their own line or after ' | ':\n"
    "next: ..., blockers: ..., mood: 1-5, hours: 1h learning, 30m building.\n"
    "Late? Start with yesterday:, 2d: or a date (up to 3 days back).",
    typed_help="Check in with what you did. In text:, add more after ' | ':\n"
    "next: ..., blockers: ..., mood: 1-5, hours: 1h learning, 30m building.\n"
    "Late? Start the text with yesterday:, 2d: or a date (up to 3 days back).\n"
    "No text opens a form; edit:True replaces today's check-in.",
)
CHECKIN_EDIT = Spec(
    "checkin edit",
    usage="/checkin edit [text]  replaces today's check-in (no text: the form)  "
    "e.g. /checkin edit finished lessons 4 and 5",
    typed_usage="/checkin [text:<...>] edit:True  replaces today's check-in "
    "(no text: the form)  e.g. /checkin text:finished lessons 4 and 5 edit:True",
    options=(_TEXT,),
    typed_name="checkin",
    flags=(("edit", True),),
)
SPECS = (CHECKIN, CHECKIN_EDIT)


def parse(args: str) -> c.Command:
    """The text after ``/checkin``: nothing opens the form, ``edit ...`` replaces today's."""
    if not args:
        return c.OpenCheckInForm()
    first, rest = first_word(args)
    if first.lower() == "edit":
        if not rest:
            return c.OpenCheckInForm(edit=True)
        usage = CHECKIN_EDIT.usage
        when, body = leading_day(rest, usage)
        parts = checkin_parts(body, usage)
        if "hours" in parts:
            raise UsageError(
                "Editing changes the check-in text only; log hours with `/hours` "
                "(and `/hours undo` to take one back).",
                usage=usage,
            )
        # A segment given empty (`| blockers:`) clears that field; one not given is kept.
        return c.EditCheckIn(
            did=parts["did"],
            next=parts.get("next"),
            blockers=parts.get("blockers"),
            mood=mood(parts.get("mood"), usage),
            when=when,
            clear_mood=parts.get("mood") == "",
        )
    usage = CHECKIN.usage
    when, body = leading_day(args, usage)
    parts = checkin_parts(body, usage)
    return c.CheckIn(
        did=parts["did"],
        next=parts.get("next") or None,
        blockers=parts.get("blockers") or None,
        mood=mood(parts.get("mood"), usage),
        hours=hours_segment(parts.get("hours"), usage),
        when=when,
    )


def from_options(text: str | None, edit: bool = False) -> c.Command:
    """Typed options: ``text`` is read by the same grammar as a typed ``/checkin``."""
    if text is None or not text.strip():
        return c.OpenCheckInForm(edit=edit)
    args = (("edit " if edit else "") + text[:MAX_INPUT_CHARS]).strip()
    check_input_length(args)
    return parse(args)


# A label starts the text, a line, or follows " | ". Unlabelled lines continue the segment
# before them, so a multi-line blocker stays whole and a "|" inside a sentence is just text.
_LABEL = re.compile(r"(?:\A|\n|\|)\s*(next|blockers?|mood|hours)[ \t]*:", re.IGNORECASE)
_TEXT_FIELDS = {"did": "What you did", "next": "What's next", "blockers": "Blockers"}


def checkin_parts(text: str, usage: str) -> dict[str, str]:
    """``did | next: x | mood: 4`` -> ``{"did": "did", "next": "x", "mood": "4"}``; a
    segment given empty (``| blockers:``) is kept as ``""``, so an edit can clear it."""
    parts: dict[str, str] = {}
    matches = list(_LABEL.finditer(text))
    parts["did"] = text[: matches[0].start()] if matches else text
    for index, match in enumerate(matches):
        label = match.group(1).lower()
        label = "blockers" if label == "blocker" else label
        if label in parts:
            raise UsageError(f"'{label}:' appears twice; give it once.", usage=usage)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts[label] = text[match.end() : end]
    parts = {label: value.strip() for label, value in parts.items()}
    # Lengths first, so an over-long paste is reported as that, whatever else is wrong.
    for label, name in _TEXT_FIELDS.items():
        check_length(parts.get(label, ""), MAX_CHECKIN_CHARS, name, usage)
    if not parts["did"]:
        raise UsageError(
            "Start with what you did, e.g. `/checkin finished lesson 4 | next: lesson 5`.",
            usage=usage,
        )
    return parts


def mood(text: str | None, usage: str | None) -> int | None:
    """``4`` or ``4/5``; nothing is no mood."""
    if text is None or text == "":
        return None
    match = re.fullmatch(r"([0-9]{1,6})(?:\s*/\s*5)?", text)  # "4" or "4/5"
    number = int(match.group(1)) if match else None
    if number is None or not 1 <= number <= 5:
        raise UsageError(f"Mood is a number from 1 to 5 (you wrote {quote(text)}).", usage=usage)
    return number


def hours_segment(text: str | None, usage: str | None) -> dict[str, int]:
    """``1h learning, 30m building`` -> ``{"learning": 60, "building": 30}``."""
    if not text:
        return {}
    totals: dict[str, int] = {}
    for item in re.split(r"[,;]|\band\b", text):
        if not item.strip():
            continue
        words = Words(item)
        try:
            minutes, category = amount_and_category(words, usage or "")
        except UsageError as error:
            raise UsageError(f"In hours: {error.message}", usage=usage) from None
        if words.rest():
            raise UsageError(
                f"In hours: I can't read {quote(item.strip())}; write e.g. "
                "hours: 1h learning, 30m building.",
                usage=usage,
            )
        add_minutes(totals, category, minutes, usage)
    return totals


def add_minutes(totals: dict[str, int], category: str, minutes: int, usage: str | None) -> None:
    """Add to one check-in's hours, at most 16 h per category."""
    totals[category] = totals.get(category, 0) + minutes
    if totals[category] > MAX_MINUTES_PER_ENTRY:
        raise UsageError(f"In hours: more than 16 h of {category} in one check-in.", usage=usage)


_DAY_PREFIX = re.compile(
    r"\s*(today|tomorrow|yesterday|[0-9]{1,4}d|[0-9]{1,4}[ \t]+days?[ \t]+ago"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[ \t]*(:|(?=\s)|\Z)",
    re.IGNORECASE,
)


def leading_day(text: str, usage: str) -> tuple[c.Day, str]:
    """``yesterday: finished x`` -> ``(1, "finished x")``; no day word -> ``(0, text)``."""
    match = _DAY_PREFIX.match(text)
    # "today I learned ..." and "tomorrow I'll ..." are sentences; "today: ..." names the day.
    if match is None or (match.group(1).lower() in ("today", "tomorrow") and not match.group(2)):
        return 0, text
    try:
        day = parse_day(match.group(1))
    except UsageError as error:
        raise UsageError(error.message, usage=usage) from None
    return (0 if day is None else day), text[match.end() :]
