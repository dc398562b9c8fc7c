"""Read-side helpers shared by the handlers, the prompts and the reports.

Each function answers one question about one member from the database, in the
member's own time zone. Set-based versions for whole cohorts live in
``bot.reports``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import expand_periods, iso_week, parse_study_days, week_start, zone
from bot.domain.progress import Achievements
from bot.domain.streaks import Streak, compute_streak
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    PlanWeek,
    RestDay,
)


def today_for(member: Member, now: datetime) -> date:
    return now.astimezone(zone(member.timezone)).date()


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


def away_days(session: Session, member: Member) -> set[date]:
    periods = session.execute(
        select(AwayPeriod.start_date, AwayPeriod.end_date).where(AwayPeriod.member_id == member.id)
    ).all()
    rest = session.scalars(select(RestDay.day).where(RestDay.cohort_id == member.cohort_id)).all()
    return expand_periods((a, b) for a, b in periods) | set(rest)


def checkin_dates(session: Session, member_id: int) -> set[date]:
    return set(
        session.scalars(select(CheckInRow.local_date).where(CheckInRow.member_id == member_id))
    )


def member_streak(session: Session, member: Member, now: datetime) -> Streak:
    return compute_streak(
        checkin_dates(session, member.id),
        study_days=study_days_of(member, member.cohort),
        today=today_for(member, now),
        since=member.joined_at.astimezone(zone(member.timezone)).date(),
        away=away_days(session, member),
    )


def total_minutes(session: Session, member_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(HourLog.minutes), 0)).where(
                HourLog.member_id == member_id
            )
        )
        or 0
    )


def budget_weeks_met(session: Session, member: Member, content: Content) -> int:
    """ISO weeks in which the member logged at least the budget's weekly hours."""
    goal = sum(budget_targets(content, member.budget).values())
    per_week: dict[str, int] = defaultdict(int)
    for day, minutes in session.execute(
        select(HourLog.local_date, HourLog.minutes).where(HourLog.member_id == member.id)
    ):
        per_week[iso_week(day)] += minutes
    return sum(1 for total in per_week.values() if goal > 0 and total >= goal)


def plan_weeks(session: Session, member_id: int) -> dict[int, PlanWeek]:
    rows = session.scalars(select(PlanWeek).where(PlanWeek.member_id == member_id)).all()
    return {r.week: r for r in rows}


def achievements(session: Session, member: Member, now: datetime, content: Content) -> Achievements:
    streak = member_streak(session, member, now)
    done = frozenset(w for w, row in plan_weeks(session, member.id).items() if row.done_at)
    return Achievements(
        checkins=streak.checkin_days,
        streak=streak.current,
        total_minutes=total_minutes(session, member.id),
        budget_weeks_met=budget_weeks_met(session, member, content),
        plan_weeks_done=done,
        portfolio_projects=0,
    )
