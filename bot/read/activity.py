"""The cohort's activity in a window, loaded with a few set-based queries.

The summary and the digest read members, check-in days, hours and days off through
``load_activity``; it never reads check-in text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES
from bot.domain.calendar import days_between, expand_periods, iso_week, parse_study_days
from bot.domain.calendar import zone as _checked_zone
from bot.messages import safe_text
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    MemberPeriod,
    RestDay,
)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """``bot.domain.calendar.zone``, cached: a summary asks once per member."""
    return _checked_zone(name)


@lru_cache(maxsize=512)
def _study_days(text: str) -> frozenset[int]:
    return parse_study_days(text)


@dataclass(frozen=True)
class MemberInfo:
    """What the summary and digest need about an active member; never check-in text."""

    id: int
    user_id: str
    name: str  # already made safe to show
    tz: ZoneInfo
    study: frozenset[int]
    joined: date  # local date
    budget: str
    plan_start: date
    public: bool  # check-ins public
    leaderboard: bool  # opted in to leaderboards and public mention
    paused: bool = False  # direct messages to them fail, so their reminders stopped

    @property
    def mentionable(self) -> bool:
        """May be named in the public digest: public check-ins and leaderboard opt-in."""
        return self.public and self.leaderboard


@dataclass
class Activity:
    """A cohort's active members and their check-in days, hours and days off in a window."""

    cohort: Cohort
    tz: ZoneInfo
    first: date  # first local date of check-ins loaded
    members: list[MemberInfo]
    checkins: dict[int, set[date]]
    minutes: dict[tuple[int, str, str], int]  # (member id, ISO week, category) -> minutes
    away: dict[int, set[date]]  # away periods and cohort rest days, per member
    outside: dict[int, set[date]] = field(default_factory=dict)  # between leaving and return

    def week_minutes(self, member_id: int, week: str) -> dict[str, int]:
        return {c: self.minutes.get((member_id, week, c), 0) for c in CATEGORIES}

    def rate(self, m: MemberInfo, start: date, until: date) -> tuple[int, int]:
        """(study days checked in, study days expected) from ``start`` to ``until``."""
        off = self.away[m.id]
        outside = self.outside.get(m.id, set())
        expected = [
            d
            for d in days_between(max(start, m.joined), until)
            if d.weekday() in m.study and d not in off and d not in outside
        ]
        checked = self.checkins[m.id]
        return sum(1 for d in expected if d in checked), len(expected)


def members_at(cohort: Cohort, moment: datetime | None = None) -> ColumnElement[bool]:
    """Who was in the cohort at ``moment`` (now when None): one of their membership periods
    had begun and not yet ended, whatever they did since. Paused members (their DMs fail)
    are members all the same."""
    if moment is None:
        return (Member.cohort_id == cohort.id) & (Member.status != "left")
    in_then = (
        select(MemberPeriod.id)
        .where(
            MemberPeriod.member_id == Member.id,
            MemberPeriod.joined_at < moment,
            MemberPeriod.left_at.is_(None) | (MemberPeriod.left_at > moment),
        )
        .correlate_except(MemberPeriod)
        .exists()
    )
    return (Member.cohort_id == cohort.id) & in_then


def _gaps(periods: list[tuple[datetime, datetime | None]], tz: ZoneInfo) -> set[date]:
    """The local days strictly between leaving and coming back: no check-in was due then."""
    out: set[date] = set()
    for (_, left), (back, _) in pairwise(sorted(periods, key=lambda p: p[0])):
        if left is not None:
            first = left.astimezone(tz).date() + timedelta(days=1)
            out.update(days_between(first, back.astimezone(tz).date() - timedelta(days=1)))
    return out


def load_activity(
    session: Session,
    cohort: Cohort,
    *,
    checkins_from: date,
    weeks: list[date],
    until: date,
    as_of: datetime | None = None,
) -> Activity:
    """The members at ``as_of`` (now when None), their check-in days from ``checkins_from``
    to ``until`` and their minutes per category in the ISO ``weeks`` (Mondays): a handful
    of queries, whatever the cohort's size."""
    active = members_at(cohort, as_of)
    members = [
        MemberInfo(
            id=r.id,
            user_id=r.user_id,
            name=safe_text(r.display_name, 80),
            tz=zone(r.timezone),
            study=_study_days(r.study_days or cohort.study_days),
            joined=r.joined_at.astimezone(zone(r.timezone)).date(),
            budget=r.budget,
            plan_start=r.plan_start,
            public=r.checkins_public,
            leaderboard=r.leaderboard,
            paused=r.status == "paused",
        )
        for r in rows(
            session,
            select(
                Member.id,
                Member.user_id,
                Member.display_name,
                Member.timezone,
                Member.study_days,
                Member.joined_at,
                Member.budget,
                Member.plan_start,
                Member.checkins_public,
                Member.leaderboard,
                Member.status,
            ).where(active),
        )
    ]
    # Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
    members.sort(key=lambda m: (m.name.casefold(), m.user_id))
    checkins: dict[int, set[date]] = defaultdict(set)
    for mid, day in rows(
        session,
        select(CheckInRow.member_id, CheckInRow.local_date)
        .join(Member, Member.id == CheckInRow.member_id)
        .where(active, CheckInRow.local_date.between(checkins_from, until)),
    ):
        checkins[mid].add(day)
    # Whole ISO weeks by the member's local date: a member ahead of the cohort's zone
    # (Auckland vs UTC) logs hours for a date the cohort has not reached yet. Summed per
    # week in SQL, so the rows returned do not grow with the days.
    weeks = sorted(weeks)
    minutes: dict[tuple[int, str, str], int] = {}
    if weeks:
        per_week = [
            func.sum(
                case(
                    (HourLog.local_date.between(w, w + timedelta(days=6)), HourLog.minutes),
                    else_=0,
                )
            )
            for w in weeks
        ]
        for mid, cat, *totals in rows(
            session,
            select(HourLog.member_id, HourLog.category, *per_week)
            .join(Member, Member.id == HourLog.member_id)
            .where(active, HourLog.local_date.between(weeks[0], weeks[-1] + timedelta(days=6)))
            .group_by(HourLog.member_id, HourLog.category),
        ):
            for w, total in zip(weeks, totals, strict=True):
                if total:
                    minutes[(mid, iso_week(w), cat)] = int(total)
    rest = set(session.scalars(select(RestDay.day).where(RestDay.cohort_id == cohort.id)))
    away: dict[int, set[date]] = defaultdict(lambda: rest)
    for mid, a, b in rows(
        session,
        select(AwayPeriod.member_id, AwayPeriod.start_date, AwayPeriod.end_date)
        .join(Member, Member.id == AwayPeriod.member_id)
        .where(active),
    ):
        away[mid] = away[mid] | expand_periods([(a, b)])
    periods: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for mid, joined, left in rows(
        session,
        select(MemberPeriod.member_id, MemberPeriod.joined_at, MemberPeriod.left_at)
        .join(Member, Member.id == MemberPeriod.member_id)
        .where(active),
    ):
        periods[mid].append((_utc(joined), None if left is None else _utc(left)))
    tz_of = {m.id: m.tz for m in members}
    outside = {
        mid: _gaps(ps, tz_of[mid]) for mid, ps in periods.items() if len(ps) > 1 and mid in tz_of
    }
    return Activity(
        cohort=cohort,
        tz=zone(cohort.timezone),
        first=checkins_from,
        members=members,
        checkins=checkins,
        minutes=minutes,
        away=away,
        outside=outside,
    )


def _utc(moment: datetime) -> datetime:
    """A column-only select skips the ORM's UTC type on some drivers: make it aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_more_checkins(
    session: Session, act: Activity, members: list[MemberInfo], since: date
) -> None:
    """Add the check-in days from ``since`` up to the window for some members only."""
    ids = [m.id for m in members]
    for i in range(0, len(ids), 500):
        for mid, day in rows(
            session,
            select(CheckInRow.member_id, CheckInRow.local_date).where(
                CheckInRow.member_id.in_(ids[i : i + 500]),
                CheckInRow.local_date >= since,
                CheckInRow.local_date < act.first,
            ),
        ):
            act.checkins[mid].add(day)


def rows(session: Session, query: Any) -> Sequence[Any]:
    """Column-only selects go straight to the connection: no ORM row processing."""
    return session.connection().execute(query).all()
