"""Readers every command's parser shares: words, amounts, days, numbers, keys and limits.

Each raises :class:`UsageError` with the usage line it is given, so a mistake is always
answered with the right command's usage.
"""

from __future__ import annotations

import difflib
import re

from bot.commands.limits import MAX_INPUT_CHARS, MAX_VALUE_CHARS
from bot.commands.spec import COMMAND_ALIASES, COMMANDS_SUMMARY, Spec
from bot.domain import commands as c
from bot.domain.amounts import CATEGORIES, is_category, parse_amount, parse_category, parse_day
from bot.domain.amounts import quote as quote
from bot.domain.errors import UsageError

_KEY_ALIASES = {"tz": "timezone", "time-zone": "timezone"}


class Words:
    """The words of an argument string, read left to right; the rest keeps its spacing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [m.span() for m in re.finditer(r"\S+", text)]
        self.at = 0

    def peek(self, count: int) -> str:
        if self.at + count > len(self.spans):
            return ""
        start, end = self.spans[self.at][0], self.spans[self.at + count - 1][1]
        return self.text[start:end]

    def skip(self, count: int) -> None:
        self.at += count

    def rest(self) -> str:
        if self.at >= len(self.spans):
            return ""
        return self.text[self.spans[self.at][0] :].strip()


def take_amount(words: Words) -> int:
    """The longest run of up to four words that reads as an amount (``1 h 30 m``)."""
    first_error: UsageError | None = None
    for count in (4, 3, 2, 1):
        phrase = words.peek(count)
        if not phrase:
            continue
        try:
            minutes = parse_amount(phrase)
        except UsageError as error:
            if count == 1:
                first_error = error
            continue
        words.skip(count)
        return minutes
    raise first_error or UsageError("Say how long, like 90m or 2h.")


def amount_and_category(words: Words, usage: str) -> tuple[int, str]:
    """``90m learning`` or ``learning 90m``: the minutes and the category."""
    first = words.peek(1)
    if is_category(first):
        words.skip(1)
        category = parse_category(first)
        if not words.peek(1):
            raise UsageError(f"How long on {category}? e.g. 90m or 2h.", usage=usage)
        return take_amount(words), category
    if not re.search(r"[0-9]", first) and words.peek(1) and _reads_as_amount(words, 1):
        parse_category(first)  # "bulding 2h": a misspelt category, say so
    minutes = take_amount(words)
    category_word = words.peek(1)
    if not category_word:
        raise UsageError("Which category? " + ", ".join(CATEGORIES) + " (or l, b, n).", usage=usage)
    category = parse_category(category_word)
    words.skip(1)
    return minutes, category


def _reads_as_amount(words: Words, offset: int) -> bool:
    ahead = Words(words.text)
    ahead.at = words.at + offset
    try:
        take_amount(ahead)
    except UsageError:
        return False
    return True


def day_at(words: Words) -> c.Day:
    """An optional day (``yesterday``, ``2d``, ``3 days ago``, a date) at the reading point."""
    for count in (3, 1):
        phrase = words.peek(count)
        if not phrase or (count == 3 and not phrase.lower().endswith("ago")):
            continue
        day = parse_day(phrase)
        if day is not None:
            words.skip(count)
            return day
    return 0


def whole_number(text: str) -> int | None:
    # Bounded ASCII digits: int() would read "٣", and refuses more than 4300 digits.
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


def week(text: str, usage: str) -> int:
    """A plan week, 1 to 4 (``w2`` too)."""
    number = whole_number(text.lower().removeprefix("w"))
    if number is None or not 1 <= number <= 4:
        shown = f" (you wrote {quote(text)})" if text else ""
        raise UsageError(f"The plan has weeks 1 to 4{shown}.", usage=usage)
    return number


def drop_word(text: str, word: str) -> str:
    """``week 2 ...`` -> ``2 ...``: the optional word people type out of habit."""
    first, rest = first_word(text)
    return rest if first.lower() == word else text


def first_word(text: str) -> tuple[str, str]:
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def command_name(name: str) -> str:
    word = name.strip().lower().removeprefix("/").strip()
    return COMMAND_ALIASES.get(word, word)


def key(word: str) -> str:
    text = word.strip().lower().replace("_", "-")
    return _KEY_ALIASES.get(text, text)


def setting_key(name: str, keys: tuple[str, ...], usage: str) -> str:
    if name in keys:
        return name
    shown = f"Unknown setting {quote(name)}." if name else "Which setting?"
    raise UsageError(f"{shown}{suggest(name, keys)} Settings: {', '.join(keys)}.", usage=usage)


# Values that are ids or choices; time zones, names and user mentions keep their case.
_LOWER_CASE_VALUES = frozenset(
    {
        "study-days",
        "track",
        "budget",
        "delivery",
        "checkins",
        "leaderboard",
        "reminders",
        "reminder-day",
        "review-day",
        "digest-day",
        "rest-day",
    }
)


def setting_value(value: str, name: str, usage: str) -> str:
    check_length(value, MAX_VALUE_CHARS, f"A value for {name}", usage)
    if not value:
        raise UsageError(f"What should {name} be?", usage=usage)
    return value.lower() if name in _LOWER_CASE_VALUES else value


def no_more(extra: str, spec: Spec) -> None:
    if extra:
        raise UsageError(
            f"/{spec.path} takes nothing more (you added {quote(extra)}).", usage=spec.usage
        )


def unknown_subcommand(spec: Spec, sub: str, subs: tuple[str, ...]) -> UsageError:
    return UsageError(
        f"Unknown /{spec.path} command {quote(sub)}.{suggest(sub, subs)} Try: {', '.join(subs)}.",
        usage=spec.usage,
    )


def suggest(word: str, options: tuple[str, ...], prefix: str = "") -> str:
    close = difflib.get_close_matches(word[:50], options, n=1, cutoff=0.6)
    return f" Did you mean '{prefix}{close[0]}'?" if close else ""


def check_length(text: str, limit: int, what: str, usage: str | None) -> None:
    if len(text) > limit:
        raise UsageError(
            f"{what} can be at most {limit} characters; this one has {len(text)}.", usage=usage
        )


def check_input_length(text: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise UsageError(
            f"That message has {len(text)} characters; the most I take is {MAX_INPUT_CHARS}.",
            usage=COMMANDS_SUMMARY,
        )
