"""Days and weeks in a member's own time zone: study days, plan days, ISO weeks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import UsageError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PLAN_DAYS = 30


def zone(name: str) -> ZoneInfo:
    """A ZoneInfo for an IANA name, or a UsageError that names a close match."""
    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        raise UsageError(f"'{name}' is not a time zone.", "an IANA name like Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    lowered = name.lower().replace(" ", "_")
    matches = sorted(z for z in available_timezones() if z.lower() == lowered)
    if matches:
        return ZoneInfo(matches[0])
    hint = sorted(z for z in available_timezones() if lowered in z.lower())[:3]
    extra = f" Did you mean {', '.join(hint)}?" if hint else ""
    raise UsageError(
        f"Unknown time zone '{name}'.{extra}", "an IANA name like America/New_York or Asia/Kolkata"
    )


def weekday_number(word: str) -> int:
    # A day is a prefix of its name from three letters on ("tue", "tues", "thurs"),
    # a plural ("mondays") or "weds". Taking the first three letters of any word read
    # "monkey" as Monday and the "fri-sun" of "mon-fri-sun" as Friday.
    w = word.strip().lower()
    if w.endswith("s") and (w[:-1] in DAY_NAMES or w == "weds"):
        w = w[:-1]
    for number, name in enumerate(DAY_NAMES):
        if len(w) >= 3 and name.startswith(w):
            return number
    raise UsageError(f"'{word}' is not a day of the week.", "mon, tue, wed, thu, fri, sat or sun")


def parse_study_days(text: str) -> frozenset[int]:
    """``mon-fri``, ``mon,wed,sat``, ``every day`` or ``weekends`` -> weekday numbers (Mon = 0)."""
    # "mon - fri" and "mon–fri" (an en dash, as some keyboards type it) mean mon-fri;
    # splitting on spaces first turned the dash into a day named "".
    t = re.sub(r"\s*[-–]\s*", "-", text.strip().lower())
    if t in ("every day", "everyday", "daily", "all", "mon-sun"):
        return frozenset(range(7))
    if t in ("weekdays", "workdays"):
        return frozenset(range(5))
    if t in ("weekends", "weekend"):
        return frozenset({5, 6})
    days: set[int] = set()
    for part in t.replace(" ", ",").split(","):
        if not part:
            continue
        if "-" in part:
            a, _, b = part.partition("-")
            start, end = weekday_number(a), weekday_number(b)
            i = start
            days.add(i)
            while i != end:
                i = (i + 1) % 7
                days.add(i)
        else:
            days.add(weekday_number(part))
    if not days:
        raise UsageError("Name at least one study day.", "mon-fri | mon,wed,sat | every day")
    return frozenset(days)


def format_study_days(days: Iterable[int]) -> str:
    return ",".join(WEEKDAYS[d] for d in sorted(set(days)))


def parse_clock(text: str) -> time:
    """``07:30``, ``7:30``, ``19:00`` -> time; anything else is a UsageError."""
    t = text.strip()
    hh, sep, mm = t.partition(":")
    # ASCII digits only: str.isdigit() also accepts "²", which int() then refuses
    # with a ValueError instead of a UsageError.
    digits = hh.isascii() and hh.isdigit() and mm.isascii() and mm.isdigit()
    if not sep or not digits or len(hh) > 2 or len(mm) != 2:
        raise UsageError(f"'{text}' is not a time of day.", "HH:MM, 24-hour, e.g. 08:30")
    h, m = int(hh), int(mm)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise UsageError(f"'{text}' is not a time of day.", "HH:MM, 24-hour, e.g. 08:30")
    return time(h, m)


def local_today(now: datetime, tz: str | ZoneInfo) -> date:
    z = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return now.astimezone(z).date()


def at_local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The aware moment of ``clock`` on ``day`` in ``tz``.

    A clock time skipped by a DST jump resolves to the hour after the jump; a
    repeated one resolves to its first occurrence.
    """
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=tz, fold=0)
    # Round-trip through UTC normalises a non-existent wall time forward.
    return aware.astimezone(ZoneInfo("UTC")).astimezone(tz)


def plan_day(plan_start: date, today: date) -> int:
    """Day number of the 30-day plan (1 on the start day); may exceed 30 when it is over."""
    return (today - plan_start).days + 1


def plan_week(day: int) -> int:
    """Plan week 1-4 for a plan day; days 22-30 all belong to week 4."""
    if day <= 0:
        return 1
    return min(4, (day - 1) // 7 + 1)


def iso_week(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def days_between(start: date, end: date) -> Iterable[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def expand_periods(periods: Iterable[tuple[date, date]]) -> set[date]:
    out: set[date] = set()
    for start, end in periods:
        out.update(days_between(start, end))
    return out
