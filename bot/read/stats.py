"""Read-side helpers shared by the handlers, the prompts and the reports.

Each function answers one question about one member from the database, in the
member's own time zone. Set-based versions for whole cohorts live in
``bot.read.reports``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import expand_periods, iso_week, local_today, parse_study_days, week_start
from bot.domain.progress import Achievements
from bot.domain.streaks import Streak, compute_streak
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    PlanWeek,
    PortfolioProject,
    RestDay,
)


def today_for(member: Member, now: datetime) -> date:
    return local_today(now, member.timezone)


def joined_on(member: Member) -> date:
    """The member's local date of joining: no entry can count for a day before it."""
    return local_today(member.joined_at, member.timezone)


def study_days_of(member: Member, cohort: Cohort) -> frozenset[int]:
    return parse_study_days(member.study_days or cohort.study_days)


def budget_targets(content: Content, budget_id: str) -> dict[str, int]:
    """The week's targets in minutes per category for a budget mode."""
    budget = content.budgets.get(budget_id) or content.budgets["part-time"]
    return {c: round(budget.split.get(c, 0) * 60) for c in CATEGORIES}


def minutes_by_category(session: Session, member_id: int, start: date, end: date) -> dict[str, int]:
    """Minutes logged per category on local dates ``start``..``end`` inclusive."""
    rows = session.execute(
        select(HourLog.category, func.sum(HourLog.minutes))
        .where(HourLog.member_id == member_id, HourLog.local_date.between(start, end))
        .group_by(HourLog.category)
    ).all()
    out = dict.fromkeys(CATEGORIES, 0)
    out.update({cat: int(total) for cat, total in rows})
    return out


def week_minutes(session: Session, member: Member, today: date) -> dict[str, int]:
    start = week_start(today)
    return minutes_by_category(session, member.id, start, start + timedelta(days=6))


# The per-member reads below run on every check-in. Built once, each statement keeps its
# cache key, so SQLAlchemy neither rebuilds nor re-keys it per call: only the values change.
_MEMBER: BindParameter[int] = bindparam("member_id")
_AWAY_AND_REST = (
    select(AwayPeriod.start_date, AwayPeriod.end_date)
    .where(AwayPeriod.member_id == _MEMBER)
    .union_all(select(RestDay.day, RestDay.day).where(RestDay.cohort_id == bindparam("cohort_id")))
)
_CHECKIN_DATES = select(CheckInRow.local_date).where(CheckInRow.member_id == _MEMBER)
_PLAN_WEEKS = select(PlanWeek).where(PlanWeek.member_id == _MEMBER)
_PORTFOLIO = select(PortfolioProject.number).where(PortfolioProject.member_id == _MEMBER)
_MINUTES_BY_DAY = (
    select(HourLog.local_date, func.sum(HourLog.minutes))
    .where(HourLog.member_id == _MEMBER)
    .group_by(HourLog.local_date)
)


def away_days(session: Session, member: Member) -> set[date]:
    """The member's away days and the cohort's rest days, in one round trip."""
    rows = session.execute(
        _AWAY_AND_REST, {"member_id": member.id, "cohort_id": member.cohort_id}
    ).all()
    return expand_periods((a, b) for a, b in rows)


def checkin_dates(session: Session, member_id: int) -> set[date]:
    return set(session.scalars(_CHECKIN_DATES, {"member_id": member_id}))


def streak_of(
    member: Member, now: datetime, checkins: Collection[date], away: Collection[date]
) -> Streak:
    """The streak from dates already loaded: no query, so a handler can ask it twice."""
    return compute_streak(
        checkins,
        study_days=study_days_of(member, member.cohort),
        today=today_for(member, now),
        since=joined_on(member),
        away=away,
    )


def member_streak(session: Session, member: Member, now: datetime) -> Streak:
    return streak_of(member, now, checkin_dates(session, member.id), away_days(session, member))


@dataclass(frozen=True)
class FreezeUse:
    """A missed study day a freeze covered, and the streak it kept."""

    day: date
    kept: int


def freezes_used(
    member: Member,
    now: datetime,
    checkins: Collection[date],
    away: Collection[date],
    streak: Streak,
    *,
    after: date | None = None,
    before: date | None = None,
) -> list[FreezeUse]:
    """Freezes of the current run used on days strictly between ``after`` and ``before``.

    A frozen day belongs to the current run when nothing broke the streak since: then
    the run is exactly the streak kept that day plus every check-in after it.
    """
    out: list[FreezeUse] = []
    today = today_for(member, now)
    for day in streak.frozen_days:
        if (after is not None and day <= after) or (before is not None and day >= before):
            continue
        # "today never breaks a streak": walking up to the frozen day gives what it kept.
        kept = compute_streak(
            [d for d in checkins if d <= day],
            study_days=study_days_of(member, member.cohort),
            today=day,
            since=joined_on(member),
            away=away,
        ).current
        later = sum(1 for d in checkins if day < d <= today)
        if kept and kept + later == streak.current:
            out.append(FreezeUse(day, kept))
    return out


def total_minutes(session: Session, member_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(HourLog.minutes), 0)).where(
                HourLog.member_id == member_id
            )
        )
        or 0
    )


def _minutes_by_day(session: Session, member_id: int) -> list[tuple[date, int]]:
    return [
        (day, int(minutes))
        for day, minutes in session.execute(_MINUTES_BY_DAY, {"member_id": member_id})
    ]


def _weeks_met(by_day: list[tuple[date, int]], goal: int) -> int:
    per_week: dict[str, int] = defaultdict(int)
    for day, minutes in by_day:
        per_week[iso_week(day)] += minutes
    return sum(1 for total in per_week.values() if goal > 0 and total >= goal)


def budget_weeks_met(session: Session, member: Member, content: Content) -> int:
    """ISO weeks in which the member logged at least the budget's weekly hours."""
    goal = sum(budget_targets(content, member.budget).values())
    return _weeks_met(_minutes_by_day(session, member.id), goal)


def last_week_met(session: Session, member: Member, content: Content) -> int:
    """Minutes of the latest ISO week that met the budget (0 if none): the week a
    "week's budget met" celebration speaks of."""
    goal = sum(budget_targets(content, member.budget).values())
    per_week: dict[str, int] = defaultdict(int)
    for day, minutes in _minutes_by_day(session, member.id):
        per_week[iso_week(day)] += minutes
    met = [week for week, total in per_week.items() if goal > 0 and total >= goal]
    return per_week[max(met)] if met else 0


def plan_weeks(session: Session, member_id: int) -> dict[int, PlanWeek]:
    rows = session.scalars(_PLAN_WEEKS, {"member_id": member_id}).all()
    return {r.week: r for r in rows}


def portfolio_done(session: Session, member_id: int) -> set[int]:
    """Numbers of the portfolio projects the member has marked shipped."""
    return set(session.scalars(_PORTFOLIO, {"member_id": member_id}))


def achievements(
    session: Session,
    member: Member,
    now: datetime,
    content: Content,
    *,
    streak: Streak | None = None,
    plan: dict[int, PlanWeek] | None = None,
) -> Achievements:
    """What the milestone rules need. Pass ``streak`` and ``plan`` when already loaded."""
    if streak is None:
        streak = member_streak(session, member, now)
    if plan is None:
        plan = plan_weeks(session, member.id)
    done = frozenset(w for w, row in plan.items() if row.done_at)
    # One query answers both the all-time total and the weeks that met the budget.
    by_day = _minutes_by_day(session, member.id)
    goal = sum(budget_targets(content, member.budget).values())
    return Achievements(
        checkins=streak.checkin_days,
        streak=streak.current,
        total_minutes=sum(m for _, m in by_day),
        budget_weeks_met=_weeks_met(by_day, goal),
        plan_weeks_done=done,
        portfolio_projects=len(portfolio_done(session, member.id)),
    )
