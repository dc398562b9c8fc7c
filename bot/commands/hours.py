"""``/hours``: log focused time (``/hours 90m learning read ch. 3``), take the last one back,
or list this week's entries (``/hours log``).

Typed UIs (Discord) give the amount, category, note and day as options; both ways read
them with the same readers and limits.
"""

from __future__ import annotations

from bot.commands.limits import MAX_NOTE_CHARS
from bot.commands.reading import (
    Words,
    amount_and_category,
    check_length,
    day_at,
    first_word,
    no_more,
    whole_number,
)
from bot.commands.spec import Option, Spec
from bot.domain import commands as c
from bot.domain.amounts import DAY_USAGE, parse_amount, parse_category, parse_day
from bot.domain.errors import UsageError

MAX_DAY_CHARS = 20
_DAY_WORDS = r"(?i)today|yesterday|[0-9]{1,4}d|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"

HOURS = Spec(
    "hours",
    usage="/hours <amount> <category> [today|yesterday|2d|YYYY-MM-DD] [note]  "
    "e.g. /hours 1h30m building fixed tests",
    typed_usage="/hours amount:<90m|2h|1h30m|1.5> category:<learning|building|networking> "
    "[note:<...>] [day:<...>]  e.g. /hours amount:1h30m category:building note:fixed tests",
    options=(
        Option("amount", required=True),
        Option("category", required=True),
        Option("day", pattern=_DAY_WORDS),
        Option("note", rest=True),
    ),
    help="Amounts: 1.5 (hours), 90m, 2h, 1h30m, at most 16 h per entry.\n"
    "Categories: learning (l), building (b), networking (n).\n"
    "Late? Add yesterday, 2d or a date after the category. /hours undo takes one back;\n"
    "/hours log lists this week's entries.",
    typed_help="Amounts: 1.5 (hours), 90m, 2h, 1h30m, at most 16 h per entry.\n"
    "Categories: learning, building, networking.\n"
    "Late? Pick the day in day: (up to 3 days back). /hours-undo takes one back;\n"
    "/hours-log lists this week's entries.",
)
HOURS_UNDO = Spec(
    "hours undo",
    usage="/hours undo  takes back your last hours entry",
    typed_usage="/hours-undo  takes back your last hours entry",
    typed_name="hours-undo",
)
HOURS_LOG = Spec(
    "hours log",
    usage="/hours log  this week's entries: days, categories and notes",
    typed_usage="/hours-log  this week's entries: days, categories and notes",
    typed_name="hours-log",
)
SPECS = (HOURS, HOURS_UNDO, HOURS_LOG)


def parse(args: str) -> c.Command:
    """The text after ``/hours``: an amount and a category, a day and a note; or ``undo``."""
    usage = HOURS.usage
    if not args:
        raise UsageError("Say how long and on what, e.g. `/hours 90m learning`.", usage=usage)
    first, extra = first_word(args)
    if first.lower() == "undo":
        no_more(extra, HOURS_UNDO)
        return c.UndoHours()
    if first.lower() == "log":
        no_more(extra, HOURS_LOG)
        return c.ShowHourLog()
    words = Words(args)
    try:
        minutes, category = amount_and_category(words, usage)
        when = day_at(words)
    except UsageError as error:
        raise UsageError(error.message, usage=usage) from None
    note = words.rest()
    check_length(note, MAX_NOTE_CHARS, "A note", usage)
    return c.LogHours(minutes=minutes, category=category, note=note or None, when=when)


def from_options(
    amount: str, category: str, note: str | None = None, day: str | int | None = None
) -> c.LogHours:
    """``LogHours`` from typed values, with the same readers and limits as the text grammar."""
    minutes = parse_amount(amount)
    cat = parse_category(category)
    text = (note or "").strip()
    if len(text) > MAX_NOTE_CHARS:
        raise UsageError(
            f"A note can be at most {MAX_NOTE_CHARS} characters; this one has {len(text)}."
        )
    return c.LogHours(minutes=minutes, category=cat, note=text or None, when=read_day(day))


def read_day(day: str | int | None) -> c.Day:
    """A day option or field: a number of days back (0-3), or ``today``, ``yesterday``, ``2d``."""
    if isinstance(day, int):
        return day
    if day is None or not day.strip():
        return 0
    days_back = whole_number(day.strip())  # a choice's value: "1" is yesterday
    if days_back is not None:
        return days_back
    parsed = parse_day(day[:MAX_DAY_CHARS])
    if parsed is None:
        raise UsageError("I can't read that day.", DAY_USAGE)
    return parsed
