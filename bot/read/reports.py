"""Cohort summaries and their chart: what admins see about a week.

A summary reads the cohort's recent activity through ``bot.read.activity`` (the
loader the digest shares), bounded to the weeks it needs, then works per member in
memory. Private check-in text never enters this module: summaries count check-ins
and never read their words. CSV and JSON exports live in ``bot.read.export``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import iso_week, plan_day, week_start
from bot.domain.streaks import FREEZE_EVERY, MAX_FREEZES, compute_streak, missed_study_days
from bot.messages import Attachment, Field, Message, bar, hours_text, safe_text
from bot.read.activity import (
    Activity,
    MemberInfo,
    load_activity,
    load_more_checkins,
    members_at,
    rows,
    zone,
)
from bot.read.chart import chart_png
from bot.read.export import EXPORT_COLUMNS, export_files
from bot.read.stats import budget_targets
from bot.storage.orm import CheckInRow, Cohort, Member, MilestoneAward, PlanWeek

__all__ = [
    "EXPORT_COLUMNS",
    "Activity",
    "CohortSummary",
    "MemberLine",
    "chart_png",
    "cohort_summary",
    "export_files",
    "load_activity",
    "members_at",
    "summary_message",
    "zone",
]

# Everyone's check-ins are loaded for this week and last (the rates). For streaks, which
# only members who opted in show, this many weeks more; a run longer than that is
# finished from the full history, for those members only.
HISTORY_WEEKS = 8
# Late entries count up to 3 days back, so a member who joined this long after the
# window opened has all their check-ins inside it.
LATE_MARGIN = timedelta(days=7)
# The most freeze credit a run can carry into the window (see bot.domain.streaks).
CREDIT_PAD = MAX_FREEZES * FREEZE_EVERY


def _window_streak(act: Activity, m: MemberInfo, first: date, today: date) -> int | None:
    """The member's current streak from the loaded window alone, or None if it needs more.

    When the member joined well inside the window it holds their whole history. Otherwise
    the walk starts at the window with the most freeze credit a run can carry in; a real
    history carries no more, so if even that walk breaks, the real one breaks on the same
    day and both agree from there on. A walk that never breaks needs the full history.
    """
    checked = act.checkins[m.id]
    off = act.away[m.id]
    if m.joined >= first + LATE_MARGIN:
        return compute_streak(
            checked, study_days=m.study, today=today, since=m.joined, away=off
        ).current
    pad = {first - timedelta(days=i) for i in range(1, CREDIT_PAD + 1)}
    walk = compute_streak(
        checked | pad,
        study_days=m.study,
        today=today,
        since=first - timedelta(days=CREDIT_PAD),
        away=off,
    )
    unbroken = CREDIT_PAD + sum(1 for d in checked if d <= today)
    return None if walk.current >= unbroken else walk.current


def _full_streaks(
    session: Session, act: Activity, wanted: dict[int, tuple[MemberInfo, date]], first: date
) -> dict[int, int]:
    """Streaks from the whole history, for the few members whose run outlasts the window."""
    if not wanted:
        return {}
    older: dict[int, set[date]] = defaultdict(set)
    ids = list(wanted)
    for i in range(0, len(ids), 500):
        for mid, day in rows(
            session,
            select(CheckInRow.member_id, CheckInRow.local_date).where(
                CheckInRow.member_id.in_(ids[i : i + 500]), CheckInRow.local_date < first
            ),
        ):
            older[mid].add(day)
    return {
        mid: compute_streak(
            act.checkins[mid] | older[mid],
            study_days=m.study,
            today=today,
            since=m.joined,
            away=act.away[mid],
        ).current
        for mid, (m, today) in wanted.items()
    }


def _last_checkins_before(session: Session, ids: list[int], before: date) -> dict[int, date]:
    if not ids:
        return {}
    out: dict[int, date] = {}
    for i in range(0, len(ids), 500):
        out.update(
            rows(
                session,
                select(CheckInRow.member_id, func.max(CheckInRow.local_date))
                .where(CheckInRow.member_id.in_(ids[i : i + 500]), CheckInRow.local_date < before)
                .group_by(CheckInRow.member_id),
            )
        )
    return out


@dataclass(frozen=True)
class MemberLine:
    name: str
    minutes: dict[str, int]
    targets: dict[str, int]
    streak: int | None  # only for members who opted in to the leaderboard
    checkins: int
    expected: int


@dataclass(frozen=True)
class CohortSummary:
    cohort: str
    week: str
    members: int
    checkin_rate: float | None
    checkin_rate_before: float | None
    minutes: dict[str, int]
    targets: dict[str, int]
    plan_done: int
    plan_total: int
    milestones: int
    at_risk: list[tuple[str, str]]
    leaders: list[tuple[str, int]]
    lines: list[MemberLine] = field(default_factory=list)
    active: int = 0  # members with at least one check-in in the week


@dataclass(frozen=True)
class SummaryWeek:
    """The week a summary shows, in the cohort's time zone."""

    start: date  # its Monday
    last: date  # its Sunday
    end: date  # the last day counted: Sunday, or the cohort's today in the current week
    opens: datetime  # Monday 00:00 in the cohort's zone
    closes: datetime  # the Monday after
    past: bool

    @classmethod
    def of(cls, tz: ZoneInfo, now: datetime, weeks_back: int) -> SummaryWeek:
        today = now.astimezone(tz).date()
        start = week_start(today) - timedelta(weeks=weeks_back)
        last = start + timedelta(days=6)
        opens = datetime.combine(start, datetime.min.time(), tz)
        return cls(
            start, last, min(last, today), opens, opens + timedelta(days=7), bool(weeks_back)
        )


def no_such_week(cohort: Cohort, now: datetime, weeks_back: int) -> str | None:
    """Why the week ``weeks_back`` before this one has no summary, or None when it has one.

    A week still to come, or one that ended before the cohort started, would show
    only zeros ("Members: 0 ... Nobody looks stuck"), which reads like a real week.
    """
    wk = SummaryWeek.of(zone(cohort.timezone), now, weeks_back)
    name = iso_week(wk.start)
    if weeks_back < 0:
        return f"There's no week {name} yet: it hasn't started. This week is the latest."
    if wk.last < cohort.start_date:
        start = cohort.start_date
        return (
            f"There's no week {name} for {safe_text(cohort.name, 80)}: it started on "
            f"{start:%a %d %b %Y}, in week {iso_week(start)}. Its first summary is that week's."
        )
    return None


def cohort_summary(
    session: Session, cohort: Cohort, now: datetime, content: Content, weeks_back: int = 0
) -> CohortSummary:
    """The cohort's week (this one, or ``weeks_back`` before) in the cohort's time zone.

    Each member's days are their own local dates. A past week is shown as it stood at
    its end: streaks, missed days and plan weeks are counted up to that Sunday.
    """
    wk = SummaryWeek.of(zone(cohort.timezone), now, weeks_back)
    # A past week counts the members it ended with, whoever has joined or left since.
    roster_at = wk.closes if wk.past else None
    act = load_activity(
        session,
        cohort,
        checkins_from=wk.start - timedelta(weeks=1),  # rates: this week and last
        weeks=[wk.start - timedelta(weeks=2), wk.start - timedelta(weeks=1), wk.start],
        # Up to two days past the week: the cohort's Sunday is Tuesday in some zones.
        until=wk.last + timedelta(days=2),
        as_of=roster_at,
    )
    ids_active = select(Member.id).where(members_at(cohort, roster_at))
    plan = _plan_counts(session, ids_active, wk)
    milestones = _milestones_in(session, ids_active, wk)

    week = iso_week(wk.start)
    targets_of = {b: budget_targets(content, b) for b in {m.budget for m in act.members}}
    # Each member's own today; a past week is seen from its Sunday.
    member_today: dict[int, date] = {}
    for m in act.members:
        local = now.astimezone(m.tz).date()
        member_today[m.id] = min(local, wk.last) if wk.past else local
    streaks = _opted_in_streaks(session, act, wk, member_today)
    last_seen = _last_seen(session, act, member_today)

    lines: list[MemberLine] = []
    at_risk: list[tuple[str, str]] = []
    leaders: list[tuple[str, int]] = []
    totals = dict.fromkeys(CATEGORIES, 0)
    target_totals = dict.fromkeys(CATEGORIES, 0)
    done = got = due = got_before = due_before = active = 0
    for m in act.members:
        mtoday = member_today[m.id]
        targets = targets_of[m.budget]
        minutes = act.week_minutes(m.id, week)
        for c in CATEGORIES:
            totals[c] += minutes[c]
            target_totals[c] += targets[c]
        g, e = act.rate(m, wk.start, min(wk.end, mtoday))
        got, due = got + g, due + e
        active += any(wk.start <= d <= min(wk.last, mtoday) for d in act.checkins[m.id])
        gb, eb = act.rate(m, wk.start - timedelta(weeks=1), wk.start - timedelta(days=1))
        got_before, due_before = got_before + gb, due_before + eb
        streak = streaks.get(m.id)
        lines.append(MemberLine(m.name, minutes, targets, streak, g, e))
        if streak:
            leaders.append((m.name, streak))
        goals_set, weeks_done = plan.get(m.id, (0, 0))
        done += weeks_done
        reasons = _at_risk_reasons(
            cohort, act, m, wk, mtoday, last_seen.get(m.id), targets, bool(goals_set)
        )
        if reasons:
            at_risk.append((m.name, "; ".join(reasons)))
    leaders.sort(key=lambda x: (-x[1], x[0].casefold()))
    return CohortSummary(
        cohort=safe_text(cohort.name, 80),
        week=week,
        members=len(act.members),
        checkin_rate=got / due if due else None,
        checkin_rate_before=got_before / due_before if due_before else None,
        minutes=totals,
        targets=target_totals,
        plan_done=done,
        plan_total=4 * len(act.members),
        milestones=milestones,
        at_risk=at_risk,
        leaders=leaders[:5],
        lines=lines,
        active=active,
    )


def _plan_counts(
    session: Session, ids_active: Select[Any], wk: SummaryWeek
) -> dict[int, tuple[int, int]]:
    """Per member: (plan weeks with a goal, plan weeks done before the week closed)."""
    return {
        mid: (int(goals or 0), int(done or 0))
        for mid, goals, done in rows(
            session,
            select(
                PlanWeek.member_id,
                func.sum(case((func.coalesce(PlanWeek.goal, "") != "", 1), else_=0)),
                func.sum(case((PlanWeek.done_at < wk.closes, 1), else_=0)),
            )
            .where(PlanWeek.member_id.in_(ids_active))
            .group_by(PlanWeek.member_id),
        )
    }


def _milestones_in(session: Session, ids_active: Select[Any], wk: SummaryWeek) -> int:
    awarded = session.scalar(
        select(func.count())
        .select_from(MilestoneAward)
        .where(
            MilestoneAward.member_id.in_(ids_active),
            MilestoneAward.awarded_at >= wk.opens,
            MilestoneAward.awarded_at < wk.closes,
        )
    )
    return int(awarded or 0)


def _opted_in_streaks(
    session: Session, act: Activity, wk: SummaryWeek, member_today: dict[int, date]
) -> dict[int, int]:
    """Streaks only for members who opted in: nobody else's is shown. A few more weeks of
    check-ins settle most; a run longer than that needs the member's whole history."""
    opted = [m for m in act.members if m.leaderboard]
    history = wk.start - timedelta(weeks=HISTORY_WEEKS)
    load_more_checkins(session, act, opted, since=history)
    streaks: dict[int, int] = {}
    longer: dict[int, tuple[MemberInfo, date]] = {}
    for m in opted:
        got = _window_streak(act, m, history, member_today[m.id])
        if got is None:
            longer[m.id] = (m, member_today[m.id])
        else:
            streaks[m.id] = got
    streaks.update(_full_streaks(session, act, longer, history))
    return streaks


def _last_seen(session: Session, act: Activity, member_today: dict[int, date]) -> dict[int, date]:
    """Each member's last check-in day up to their today, looking before the window if needed."""
    last_seen: dict[int, date] = {}
    for m in act.members:
        seen = [d for d in act.checkins[m.id] if d <= member_today[m.id]]
        if seen:
            last_seen[m.id] = max(seen)
    last_seen.update(
        _last_checkins_before(
            session,
            [m.id for m in act.members if m.id not in last_seen and m.joined < act.first],
            act.first,
        )
    )
    return last_seen


def _at_risk_reasons(
    cohort: Cohort,
    act: Activity,
    m: MemberInfo,
    wk: SummaryWeek,
    today: date,
    last_seen: date | None,
    targets: dict[str, int],
    goals_set: bool,
) -> list[str]:
    """Why a member might need a hand: the reasons matter more than the flag, so admins
    know how to help. Empty when nothing looks wrong."""
    reasons = []
    missed = missed_study_days(
        last_seen, since=m.joined, today=today, study_days=m.study, away=act.away[m.id]
    )
    if missed >= cohort.inactivity_days:
        reasons.append(f"no check-in for {missed} study days")
    if m.joined <= wk.start - timedelta(weeks=2) and all(
        _under_half(act, m, wk.start - timedelta(weeks=w), targets) for w in (1, 2)
    ):
        reasons.append("under half of the hour budget two weeks running")
    if not goals_set and plan_day(m.plan_start, today) > 3:
        reasons.append("no plan goals set yet")
    if m.paused:
        reasons.append("gets no reminders: my direct messages to them fail")
    return reasons


def _under_half(act: Activity, m: MemberInfo, start: date, targets: dict[str, int]) -> bool:
    """Under half the hour budget in the week from ``start``, unless away all its study days."""
    off = act.away[m.id]
    days = [start + timedelta(days=i) for i in range(7)]
    if not any(d.weekday() in m.study and d not in off for d in days):
        return False
    return sum(act.week_minutes(m.id, iso_week(start)).values()) < sum(targets.values()) / 2


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{round(100 * x)}%"


def summary_message(s: CohortSummary, chart: bool = True) -> Message:
    fields = [
        Field("Members", str(s.members)),
        Field("Active this week", f"{s.active} of {s.members} checked in"),
        Field(
            "Check-in rate",
            f"{_pct(s.checkin_rate)} this week · {_pct(s.checkin_rate_before)} last week",
        ),
    ]
    fields.extend(
        Field(
            c.capitalize(),
            f"{bar(s.minutes[c], s.targets[c])} {hours_text(s.minutes[c])} / "
            f"{hours_text(s.targets[c])}",
        )
        for c in CATEGORIES
    )
    fields.append(Field("30-day plans", f"{s.plan_done}/{s.plan_total} weeks done"))
    fields.append(Field("Milestones this week", str(s.milestones)))
    blocks = []
    if s.at_risk:
        blocks.append("Might need a hand:\n" + "\n".join(f"• {n} — {why}" for n, why in s.at_risk))
    else:
        blocks.append("Nobody looks stuck this week.")
    if s.leaders:
        blocks.append("Streaks (opted in): " + ", ".join(f"{n} {d}d" for n, d in s.leaders))
    image = None
    if chart and s.lines:
        image = Attachment(f"cohort-{s.week}.png", chart_png(s), "image/png")
    return Message(
        f"{s.cohort} · week {s.week}",
        title="Cohort summary",
        fields=tuple(fields),
        blocks=tuple(blocks),
        image=image,
    )
