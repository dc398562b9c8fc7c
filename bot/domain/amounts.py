"""Reading the small values people type: amounts of time, hour categories, and days.

Shared by the text grammar (Slack, console) and Discord's typed options, so
``90m`` means the same thing everywhere. Standard library only.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bot.domain.errors import UsageError

CATEGORIES = ("learning", "building", "networking")

# One entry is one sitting or one day's block; more than this is a typo (160h for 16h).
MAX_MINUTES_PER_ENTRY = 16 * 60

AMOUNT_USAGE = "<amount>: 1.5 (hours), 90m, 2h or 1h30m, at most 16 h per entry"
CATEGORY_USAGE = "<category>: learning (l), building (b) or networking (n)"
DAY_USAGE = "<day>: today, yesterday, 2d, 3d or YYYY-MM-DD (up to 3 days back)"

CATEGORY_ALIASES: dict[str, str] = {
    "learning": "learning",
    "l": "learning",
    "learn": "learning",
    "study": "learning",
    "studying": "learning",
    "course": "learning",
    "building": "building",
    "b": "building",
    "build": "building",
    "project": "building",
    "code": "building",
    "coding": "building",
    "networking": "networking",
    "n": "networking",
    "net": "networking",
    "network": "networking",
    "outreach": "networking",
    "applying": "networking",
}

# ASCII digits only: ``\d`` would let through "٣" or "²", which int() and Decimal read.
_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_HOUR_UNIT = r"(?:h|hr|hrs|hour|hours)"
_MINUTE_UNIT = r"(?:m|min|mins|minute|minutes)"
_BARE_HOURS = re.compile(rf"({_NUMBER})\s*{_HOUR_UNIT}?")
_MINUTES = re.compile(rf"({_NUMBER})\s*{_MINUTE_UNIT}")
# "1h30" may drop the minute unit, but "1h 30" may not: in "2h 3 tests" the 3 is a note.
_HOURS_AND_MINUTES = re.compile(
    rf"([0-9]+)\s*{_HOUR_UNIT}(?:([0-9]+)|\s*([0-9]+)\s*{_MINUTE_UNIT})"
)
_CLOCK = re.compile(r"([0-9]+):([0-9]{2})")

_DAYS_BACK = re.compile(r"([0-9]{1,4})\s*(?:d|day|days)(?:\s+ago)?")
ISO_LOOKING = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def quote(text: str, limit: int = 40) -> str:
    """User text echoed in an error, kept short so one bad paste does not flood the reply."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def parse_amount(text: str) -> int:
    """Whole minutes from ``1.5``, ``90m``, ``2h``, ``1h30m``, ``1h 30m``, ``45 min``, ``1:30``.

    A bare number is hours. Raises :class:`UsageError` for anything else, for no
    time at all, and for more than :data:`MAX_MINUTES_PER_ENTRY` in one entry.
    """
    raw = text.strip()
    if not raw:
        raise UsageError("Say how long, like 1.5, 90m, 2h or 1h30m.", usage=AMOUNT_USAGE)
    lowered = raw.lower()
    if lowered.startswith("-"):
        raise UsageError(
            f"Time can't be negative ({quote(raw)}). To take back your last entry, "
            "use `/hours undo`.",
            usage=AMOUNT_USAGE,
        )
    minutes = _exact_minutes(lowered, raw)
    if minutes > MAX_MINUTES_PER_ENTRY:
        raise UsageError(
            f"{quote(raw)} is more than 16 h in one entry. Log each day on its own "
            "(e.g. `/hours 6h building yesterday`).",
            usage=AMOUNT_USAGE,
        )
    # Compared before rounding: quantize() on a 40-digit number would overflow Decimal's context.
    whole = int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole <= 0:
        raise UsageError(
            f"{quote(raw)} is less than a minute; log at least 1m.", usage=AMOUNT_USAGE
        )
    return whole


def _exact_minutes(lowered: str, raw: str) -> Decimal:
    if match := _MINUTES.fullmatch(lowered):
        return Decimal(match.group(1))
    if match := _BARE_HOURS.fullmatch(lowered):
        return Decimal(match.group(1)) * 60
    match = _HOURS_AND_MINUTES.fullmatch(lowered) or _CLOCK.fullmatch(lowered)
    if match:
        hours = Decimal(match.group(1))
        minutes = Decimal(next(group for group in match.groups()[1:] if group is not None))
        if minutes >= 60:
            total = hours * 60 + minutes
            raise UsageError(
                f"{quote(raw)} has {minutes} minutes after the hours; minutes go up to 59"
                + (f" (you may mean {_short(total)})." if total <= MAX_MINUTES_PER_ENTRY else "."),
                usage=AMOUNT_USAGE,
            )
        return hours * 60 + minutes
    raise UsageError(
        f"I can't read {quote(raw)} as an amount of time. Try 1.5, 90m, 2h or 1h30m.",
        usage=AMOUNT_USAGE,
    )


def _short(minutes: Decimal) -> str:
    hours, rest = divmod(int(minutes), 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def parse_category(text: str) -> str:
    """The canonical category for a name or alias (``b`` -> ``building``), any case."""
    word = text.strip().lower()
    if not word:
        raise UsageError(
            "Which category? Categories: " + ", ".join(CATEGORIES) + ".", usage=CATEGORY_USAGE
        )
    if word in CATEGORY_ALIASES:
        return CATEGORY_ALIASES[word]
    hint = ""
    close = difflib.get_close_matches(word[:40], list(CATEGORY_ALIASES), n=1, cutoff=0.6)
    if close:
        hint = f" Did you mean '{CATEGORY_ALIASES[close[0]]}'?"
    raise UsageError(
        f"Unknown category {quote(text.strip())}.{hint} Categories: {', '.join(CATEGORIES)}.",
        usage=CATEGORY_USAGE,
    )


def is_category(text: str) -> bool:
    """True when ``text`` names a category or one of its aliases."""
    return text.strip().lower() in CATEGORY_ALIASES


def parse_day(text: str) -> int | date | None:
    """Days back (``today`` 0, ``yesterday`` 1, ``2d`` 2, ``tomorrow`` -1) or a date;
    None if not a day word.

    Whether the day is within reach (0..3 days back) depends on the member's time
    zone, so the handler checks that; here only an impossible date is an error.
    ``tomorrow`` is read as a day (never as a note) so the handler can say "not yet".
    """
    word = " ".join(text.strip().lower().split())
    if word == "today":
        return 0
    if word == "yesterday":
        return 1
    if word == "tomorrow":
        return -1
    if match := _DAYS_BACK.fullmatch(word):
        return int(match.group(1))
    if ISO_LOOKING.fullmatch(word):
        return parse_date(word)
    return None


def parse_date(text: str, usage: str = DAY_USAGE) -> date:
    """A real calendar date from ``YYYY-MM-DD`` (``2026-2-3`` is forgiven), else UsageError."""
    match = ISO_LOOKING.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    except ValueError:
        raise UsageError(
            f"{quote(text.strip())} is not a real date; write it as YYYY-MM-DD.", usage=usage
        ) from None
