"""Cohort summaries and their chart: what admins see about a week.

A summary reads the cohort's recent activity with a few set-based queries,
bounded to the weeks it needs, then works per member in memory. Private
check-in text never enters this module: summaries count check-ins and never
read their words. The digest (``bot.read.digest``) reuses the same loader; CSV and
JSON exports live in ``bot.read.export``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import (
    days_between,
    expand_periods,
    iso_week,
    parse_study_days,
    plan_day,
    week_start,
)
from bot.domain.calendar import zone as _checked_zone
from bot.domain.streaks import FREEZE_EVERY, MAX_FREEZES, compute_streak, missed_study_days
from bot.messages import Attachment, Field, Message, bar, hours_text, safe_text
from bot.read.export import EXPORT_COLUMNS, export_files
from bot.read.stats import budget_targets
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    MilestoneAward,
    PlanWeek,
    RestDay,
)

__all__ = [
    "EXPORT_COLUMNS",
    "Activity",
    "CohortSummary",
    "MemberLine",
    "chart_png",
    "cohort_summary",
    "export_files",
    "load_activity",
    "summary_message",
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

    def week_minutes(self, member_id: int, week: str) -> dict[str, int]:
        return {c: self.minutes.get((member_id, week, c), 0) for c in CATEGORIES}

    def rate(self, m: MemberInfo, start: date, until: date) -> tuple[int, int]:
        """(study days checked in, study days expected) from ``start`` to ``until``."""
        off = self.away[m.id]
        expected = [
            d
            for d in days_between(max(start, m.joined), until)
            if d.weekday() in m.study and d not in off
        ]
        checked = self.checkins[m.id]
        return sum(1 for d in expected if d in checked), len(expected)


def members_at(cohort: Cohort, moment: datetime | None = None) -> ColumnElement[bool]:
    """Who was in the cohort at ``moment`` (now when None): joined before it and not left
    by then. Paused members (their DMs fail) are members all the same."""
    if moment is None:
        return (Member.cohort_id == cohort.id) & (Member.status != "left")
    return (
        (Member.cohort_id == cohort.id)
        & (Member.joined_at < moment)
        & ((Member.status != "left") | (Member.left_at >= moment))
    )


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
        for r in _run(
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
    for mid, day in _run(
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
        for mid, cat, *totals in _run(
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
    for mid, a, b in _run(
        session,
        select(AwayPeriod.member_id, AwayPeriod.start_date, AwayPeriod.end_date)
        .join(Member, Member.id == AwayPeriod.member_id)
        .where(active),
    ):
        away[mid] = away[mid] | expand_periods([(a, b)])
    return Activity(
        cohort=cohort,
        tz=zone(cohort.timezone),
        first=checkins_from,
        members=members,
        checkins=checkins,
        minutes=minutes,
        away=away,
    )


def load_more_checkins(
    session: Session, act: Activity, members: list[MemberInfo], since: date
) -> None:
    """Add the check-in days from ``since`` up to the window for some members only."""
    ids = [m.id for m in members]
    for i in range(0, len(ids), 500):
        for mid, day in _run(
            session,
            select(CheckInRow.member_id, CheckInRow.local_date).where(
                CheckInRow.member_id.in_(ids[i : i + 500]),
                CheckInRow.local_date >= since,
                CheckInRow.local_date < act.first,
            ),
        ):
            act.checkins[mid].add(day)


def _run(session: Session, query: Any) -> list[Any]:
    """Column-only selects go straight to the connection: no ORM row processing."""
    return session.connection().execute(query).all()


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
        for mid, day in _run(
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
            _run(
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


def cohort_summary(
    session: Session, cohort: Cohort, now: datetime, content: Content, weeks_back: int = 0
) -> CohortSummary:
    """The cohort's week (this one, or ``weeks_back`` before) in the cohort's time zone.

    Each member's days are their own local dates. A past week is shown as it stood at
    its end: streaks, missed days and plan weeks are counted up to that Sunday.
    """
    tz = zone(cohort.timezone)
    today = now.astimezone(tz).date()
    start = week_start(today) - timedelta(weeks=weeks_back)
    week_end = start + timedelta(days=6)
    end = min(week_end, today)
    week_from = datetime.combine(start, datetime.min.time(), tz)
    week_to = week_from + timedelta(days=7)
    # A past week counts the members it ended with, whoever has joined or left since.
    as_of = week_to if weeks_back else None
    act = load_activity(
        session,
        cohort,
        checkins_from=start - timedelta(weeks=1),  # rates: this week and last
        weeks=[start - timedelta(weeks=2), start - timedelta(weeks=1), start],
        # Up to two days past the week: the cohort's Sunday is Tuesday in some zones.
        until=week_end + timedelta(days=2),
        as_of=as_of,
    )
    ids_active = select(Member.id).where(members_at(cohort, as_of))
    plan: dict[int, tuple[int, int]] = {
        mid: (int(goals or 0), int(done or 0))
        for mid, goals, done in _run(
            session,
            select(
                PlanWeek.member_id,
                func.sum(case((func.coalesce(PlanWeek.goal, "") != "", 1), else_=0)),
                func.sum(case((PlanWeek.done_at < week_to, 1), else_=0)),
            )
            .where(PlanWeek.member_id.in_(ids_active))
            .group_by(PlanWeek.member_id),
        )
    }
    milestones = (
        session.scalar(
            select(func.count())
            .select_from(MilestoneAward)
            .where(
                MilestoneAward.member_id.in_(ids_active),
                MilestoneAward.awarded_at >= week_from,
                MilestoneAward.awarded_at < week_to,
            )
        )
        or 0
    )

    week = iso_week(start)
    targets_of = {b: budget_targets(content, b) for b in {m.budget for m in act.members}}
    as_of: dict[int, date] = {}
    for m in act.members:
        local = now.astimezone(m.tz).date()
        as_of[m.id] = min(local, week_end) if weeks_back else local
    # Streaks only for members who opted in: nobody else's is shown. A few more weeks of
    # check-ins settle most; a run longer than that needs the member's whole history.
    opted = [m for m in act.members if m.leaderboard]
    history = start - timedelta(weeks=HISTORY_WEEKS)
    load_more_checkins(session, act, opted, since=history)
    streaks: dict[int, int] = {}
    longer: dict[int, tuple[MemberInfo, date]] = {}
    for m in opted:
        got = _window_streak(act, m, history, as_of[m.id])
        if got is None:
            longer[m.id] = (m, as_of[m.id])
        else:
            streaks[m.id] = got
    streaks.update(_full_streaks(session, act, longer, history))
    last_seen: dict[int, date] = {}
    for m in act.members:
        seen = [d for d in act.checkins[m.id] if d <= as_of[m.id]]
        if seen:
            last_seen[m.id] = max(seen)
    last_seen.update(
        _last_checkins_before(
            session,
            [m.id for m in act.members if m.id not in last_seen and m.joined < act.first],
            act.first,
        )
    )

    lines: list[MemberLine] = []
    at_risk: list[tuple[str, str]] = []
    leaders: list[tuple[str, int]] = []
    totals = dict.fromkeys(CATEGORIES, 0)
    target_totals = dict.fromkeys(CATEGORIES, 0)
    done = got = due = got_before = due_before = active = 0
    for m in act.members:
        mtoday = as_of[m.id]
        targets = targets_of[m.budget]
        minutes = act.week_minutes(m.id, week)
        for c in CATEGORIES:
            totals[c] += minutes[c]
            target_totals[c] += targets[c]
        g, e = act.rate(m, start, min(end, mtoday))
        got, due = got + g, due + e
        active += any(start <= d <= min(week_end, mtoday) for d in act.checkins[m.id])
        gb, eb = act.rate(m, start - timedelta(weeks=1), start - timedelta(days=1))
        got_before, due_before = got_before + gb, due_before + eb
        streak = streaks.get(m.id)
        lines.append(MemberLine(m.name, minutes, targets, streak, g, e))
        if streak:
            leaders.append((m.name, streak))
        goals_set, weeks_done = plan.get(m.id, (0, 0))
        done += weeks_done
        # At risk: the reasons matter more than the flag, so admins know how to help.
        reasons = []
        missed = missed_study_days(
            last_seen.get(m.id),
            since=m.joined,
            today=mtoday,
            study_days=m.study,
            away=act.away[m.id],
        )
        if missed >= cohort.inactivity_days:
            reasons.append(f"no check-in for {missed} study days")
        if m.joined <= start - timedelta(weeks=2) and all(
            _under_half(act, m, start - timedelta(weeks=w), targets) for w in (1, 2)
        ):
            reasons.append("under half of the hour budget two weeks running")
        if not goals_set and plan_day(m.plan_start, mtoday) > 3:
            reasons.append("no plan goals set yet")
        if m.paused:
            reasons.append("gets no reminders: my direct messages to them fail")
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
        milestones=int(milestones),
        at_risk=at_risk,
        leaders=leaders[:5],
        lines=lines,
        active=active,
    )


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


COLOURS = {"learning": "#4C78A8", "building": "#F58518", "networking": "#54A24B"}


def chart_png(s: CohortSummary) -> bytes:
    """Hours per member this week, stacked by category, with each member's target marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    lines = s.lines
    height = max(2.5, 0.45 * len(lines) + 1.5)
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    names = [ln.name[:24] for ln in lines]
    left = [0.0] * len(lines)
    for c in CATEGORIES:
        values = [ln.minutes[c] / 60 for ln in lines]
        ax.barh(names, values, left=left, color=COLOURS[c], label=c)
        left = [a + b for a, b in zip(left, values, strict=True)]
    targets = [sum(ln.targets.values()) / 60 for ln in lines]
    ax.scatter(targets, names, marker="|", s=300, color="black", label="target", zorder=3)
    ax.invert_yaxis()
    ax.set_xlabel("hours this week")
    ax.set_title(f"{s.cohort} — week {s.week}")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
