"""Period leaderboards, opt-in only: hours and streaks this week and this month.

Only members who said ``/cohort me leaderboard on`` (and are active) are ever read, so
nobody else can be named. The weekly digest adds :func:`leaderboard_lines` before the
week resets; the periods are the cohort's calendar week and month at ``now``, in the
cohort's zone, counted over each member's local dates like everything else.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.calendar import expand_periods, parse_study_days, week_start, zone
from bot.domain.streaks import compute_streak
from bot.messages import hours_text, safe_text
from bot.read.activity import members_at
from bot.storage.orm import AwayPeriod, CheckInRow, Cohort, HourLog, Member, RestDay

TOP = 5  # places shown per board
OPT_IN = "Only members who opted in are listed; join with `/cohort me leaderboard on`."


@dataclass(frozen=True)
class Period:
    name: str  # "This week", "December"
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Board:
    """One period's standings: (name, minutes) and (name, longest run in study days)."""

    period: Period
    hours: tuple[tuple[str, int], ...]
    streaks: tuple[tuple[str, int], ...]


def periods(cohort: Cohort, now: datetime) -> tuple[Period, Period]:
    """This calendar week (Monday to Sunday) and this month, in the cohort's zone."""
    today = now.astimezone(zone(cohort.timezone)).date()
    monday = week_start(today)
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return (
        Period("This week", monday, monday + timedelta(days=6)),
        Period(f"{today:%B}", first, last),
    )


def _ranked(values: dict[int, int], names: dict[int, str]) -> tuple[tuple[str, int], ...]:
    shown = sorted(
        ((names[mid], v) for mid, v in values.items() if v > 0), key=lambda p: (-p[1], p[0])
    )
    return tuple(shown[:TOP])


def leaderboards(session: Session, cohort: Cohort, now: datetime) -> list[Board]:
    """The week's and the month's boards; empty when nobody in the cohort opted in."""
    members = session.scalars(
        # Who was in the cohort then: a digest sent late, or a member back since, changes
        # nothing about a past week's boards.
        select(Member).where(members_at(cohort, now), Member.leaderboard.is_(True))
    ).all()
    if not members:
        return []
    ids = [m.id for m in members]
    names = {m.id: safe_text(m.display_name, 80) for m in members}
    week, month = periods(cohort, now)
    lo, hi = min(week.start, month.start), max(week.end, month.end)

    minutes: dict[int, dict[date, int]] = defaultdict(dict)
    for mid, day, total in session.execute(
        select(HourLog.member_id, HourLog.local_date, func.sum(HourLog.minutes))
        .where(HourLog.member_id.in_(ids), HourLog.local_date.between(lo, hi))
        .group_by(HourLog.member_id, HourLog.local_date)
    ):
        minutes[mid][day] = int(total)
    checkins: dict[int, set[date]] = defaultdict(set)
    for mid, day in session.execute(
        select(CheckInRow.member_id, CheckInRow.local_date).where(
            CheckInRow.member_id.in_(ids), CheckInRow.local_date.between(lo, hi)
        )
    ):
        checkins[mid].add(day)
    away: dict[int, set[date]] = defaultdict(set)
    for mid, a, b in session.execute(
        select(AwayPeriod.member_id, AwayPeriod.start_date, AwayPeriod.end_date).where(
            AwayPeriod.member_id.in_(ids), AwayPeriod.end_date >= lo, AwayPeriod.start_date <= hi
        )
    ):
        away[mid] |= expand_periods([(max(a, lo), min(b, hi))])
    rest = set(
        session.scalars(
            select(RestDay.day).where(RestDay.cohort_id == cohort.id, RestDay.day.between(lo, hi))
        )
    )

    boards = []
    for period in (week, month):
        hours: dict[int, int] = {}
        runs: dict[int, int] = {}
        for m in members:
            tz = zone(m.timezone)
            today = min(now.astimezone(tz).date(), period.end)
            # As the board stood at ``now``: a late digest adds no later day's hours.
            logged = minutes[m.id]
            hours[m.id] = sum(v for d, v in logged.items() if period.start <= d <= today)
            joined = m.joined_at.astimezone(tz).date()
            # The same streak rules as everywhere (rest, away, freezes), inside the period.
            runs[m.id] = compute_streak(
                [d for d in checkins[m.id] if period.start <= d <= today],
                study_days=parse_study_days(m.study_days or cohort.study_days),
                today=today,
                since=max(period.start, joined),
                away=away[m.id] | rest,
            ).longest
        boards.append(Board(period, _ranked(hours, names), _ranked(runs, names)))
    return boards


def _places(pairs: tuple[tuple[str, int], ...], kind: str) -> str:
    if not pairs:
        return "nobody yet"
    return " · ".join(
        f"{i}. {name} {_show(value, kind)}" for i, (name, value) in enumerate(pairs, 1)
    )


def _show(value: int, kind: str) -> str:
    if kind == "hours":
        return hours_text(value)
    return f"{value} day{'s' if value != 1 else ''}"


def leaderboard_lines(session: Session, cohort: Cohort, now: datetime) -> list[str]:
    """Lines for the weekly digest; ``[]`` when nobody opted in (then say nothing at all).

    e.g. ``This week's hours: 1. Ana 6.5 h · 2. Ben 4 h``,
    ``December's streaks: 1. Ana 9 days · 2. Ben 3 days``.
    """
    boards = leaderboards(session, cohort, now)
    if not boards:
        return []
    lines = []
    for board in boards:
        lines.append(f"{board.period.name}'s hours: {_places(board.hours, 'hours')}")
        lines.append(f"{board.period.name}'s streaks: {_places(board.streaks, 'days')}")
    lines.append(OPT_IN)
    return lines
