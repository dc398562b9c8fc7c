"""Cohort summaries, the chart, and CSV exports: what admins see.

Everything here reads the whole cohort with a handful of set-based queries,
then works in memory per member. Private check-in text never leaves this
module: summaries count check-ins, exports redact the words.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import (
    days_between,
    expand_periods,
    iso_week,
    parse_study_days,
    plan_day,
    week_start,
    zone,
)
from bot.domain.streaks import compute_streak, missed_study_days
from bot.messages import Attachment, Field, Message, bar, hours_text, safe_text
from bot.stats import budget_targets
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


@dataclass(frozen=True)
class MemberLine:
    name: str
    minutes: dict[str, int]
    targets: dict[str, int]
    streak: int
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


def _week_rate(
    checked: set[date],
    study: frozenset[int],
    away: set[date],
    start: date,
    end: date,
    joined: date,
) -> tuple[int, int]:
    expected = [
        d for d in days_between(max(start, joined), end) if d.weekday() in study and d not in away
    ]
    return sum(1 for d in expected if d in checked), len(expected)


def cohort_summary(
    session: Session, cohort: Cohort, now: datetime, content: Content, weeks_back: int = 0
) -> CohortSummary:
    tz = zone(cohort.timezone)
    today = now.astimezone(tz).date()
    start = week_start(today) - timedelta(weeks=weeks_back)
    end = min(start + timedelta(days=6), today)
    members = session.scalars(
        select(Member)
        .where(Member.cohort_id == cohort.id, Member.status == "active")
        .order_by(Member.display_name)
    ).all()
    ids = [m.id for m in members]

    checkins: dict[int, set[date]] = defaultdict(set)
    for mid, day in session.execute(
        select(CheckInRow.member_id, CheckInRow.local_date).where(CheckInRow.member_id.in_(ids))
    ):
        checkins[mid].add(day)
    hours: dict[tuple[int, str, str], int] = defaultdict(int)
    prev_start = start - timedelta(weeks=2)
    # The whole ISO week, not just up to the cohort's today: a member ahead of the cohort's
    # zone (Auckland vs UTC) logs hours for a local date the cohort has not reached yet.
    for mid, day, cat, minutes in session.execute(
        select(HourLog.member_id, HourLog.local_date, HourLog.category, HourLog.minutes).where(
            HourLog.member_id.in_(ids),
            HourLog.local_date.between(prev_start, start + timedelta(days=6)),
        )
    ):
        hours[(mid, iso_week(day), cat)] += minutes
    away: dict[int, set[date]] = defaultdict(set)
    for mid, a, b in session.execute(
        select(AwayPeriod.member_id, AwayPeriod.start_date, AwayPeriod.end_date).where(
            AwayPeriod.member_id.in_(ids)
        )
    ):
        away[mid] |= expand_periods([(a, b)])
    rest = set(session.scalars(select(RestDay.day).where(RestDay.cohort_id == cohort.id)))
    goals: dict[int, list[PlanWeek]] = defaultdict(list)
    for pw in session.scalars(select(PlanWeek).where(PlanWeek.member_id.in_(ids))):
        goals[pw.member_id].append(pw)
    week_from = datetime.combine(start, datetime.min.time(), tz)
    milestones = (
        session.scalar(
            select(func.count())
            .select_from(MilestoneAward)
            .where(
                MilestoneAward.member_id.in_(ids),
                MilestoneAward.awarded_at >= week_from,
                MilestoneAward.awarded_at < week_from + timedelta(days=7),
            )
        )
        or 0
    )

    week = iso_week(start)
    weeks_before = [iso_week(start - timedelta(weeks=1)), iso_week(start - timedelta(weeks=2))]
    lines: list[MemberLine] = []
    at_risk: list[tuple[str, str]] = []
    leaders: list[tuple[str, int]] = []
    totals = dict.fromkeys(CATEGORIES, 0)
    target_totals = dict.fromkeys(CATEGORIES, 0)
    done = got = due = got_before = due_before = 0
    for m in members:
        mtz = zone(m.timezone)
        mtoday = now.astimezone(mtz).date()
        study = parse_study_days(m.study_days or cohort.study_days)
        off = away[m.id] | rest
        joined = m.joined_at.astimezone(mtz).date()
        name = safe_text(m.display_name, 80)
        targets = budget_targets(content, m.budget)
        minutes = {c: hours.get((m.id, week, c), 0) for c in CATEGORIES}
        for c in CATEGORIES:
            totals[c] += minutes[c]
            target_totals[c] += targets[c]
        g, e = _week_rate(checkins[m.id], study, off, start, min(end, mtoday), joined)
        got, due = got + g, due + e
        gb, eb = _week_rate(
            checkins[m.id],
            study,
            off,
            start - timedelta(weeks=1),
            start - timedelta(days=1),
            joined,
        )
        got_before, due_before = got_before + gb, due_before + eb
        streak = compute_streak(
            checkins[m.id], study_days=study, today=mtoday, since=joined, away=off
        )
        lines.append(MemberLine(name, minutes, targets, streak.current, g, e))
        if m.leaderboard and streak.current > 0:
            leaders.append((name, streak.current))
        member_goals = goals[m.id]
        done += sum(1 for pw in member_goals if pw.done_at)
        # At risk: the reason matters more than the flag, so admins know how to help.
        last = max(checkins[m.id]) if checkins[m.id] else None
        missed = missed_study_days(last, since=joined, today=mtoday, study_days=study, away=off)
        if missed >= cohort.inactivity_days:
            at_risk.append((name, f"no check-in for {missed} study days"))
        elif (
            all(
                sum(hours.get((m.id, w, c), 0) for c in CATEGORIES) < sum(targets.values()) / 2
                for w in weeks_before
            )
            and (mtoday - joined).days >= 14
        ):
            at_risk.append((name, "under half of the hour budget two weeks running"))
        elif not any(pw.goal for pw in member_goals) and plan_day(m.plan_start, mtoday) > 3:
            at_risk.append((name, "no plan goals set yet"))
    leaders.sort(key=lambda x: (-x[1], x[0]))
    return CohortSummary(
        cohort=safe_text(cohort.name, 80),
        week=week,
        members=len(members),
        checkin_rate=got / due if due else None,
        checkin_rate_before=got_before / due_before if due_before else None,
        minutes=totals,
        targets=target_totals,
        plan_done=done,
        plan_total=4 * len(members),
        milestones=int(milestones),
        at_risk=at_risk,
        leaders=leaders[:5],
        lines=lines,
    )


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{round(100 * x)}%"


def summary_message(s: CohortSummary, chart: bool = True) -> Message:
    fields = [
        Field("Members", str(s.members)),
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


EXPORT_COLUMNS = {
    "checkins.csv": [
        "member",
        "user_id",
        "local_date",
        "did",
        "next",
        "blockers",
        "mood",
        "public",
    ],
    "hours.csv": ["member", "user_id", "local_date", "category", "minutes", "note"],
    "plan.csv": ["member", "user_id", "week", "goal", "done_at"],
    "milestones.csv": ["member", "user_id", "milestone", "awarded_at"],
}


def _csv(columns: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def export_files(session: Session, cohort: Cohort) -> list[Attachment]:
    """The cohort's data as four CSV files with stable columns (see EXPORT_COLUMNS)."""
    who = (
        select(Member.id, Member.display_name, Member.user_id)
        .where(Member.cohort_id == cohort.id)
        .subquery()
    )
    checkins = session.execute(
        select(
            who.c.display_name,
            who.c.user_id,
            CheckInRow.local_date,
            CheckInRow.did,
            CheckInRow.next,
            CheckInRow.blockers,
            CheckInRow.mood,
            CheckInRow.public,
        )
        .join(who, who.c.id == CheckInRow.member_id)
        .order_by(CheckInRow.local_date, who.c.user_id)
    )
    private = "(private)"
    files = [
        (
            "checkins.csv",
            (
                (
                    n,
                    u,
                    d,
                    did if pub else private,
                    (nx or "") if pub else private,
                    (bl or "") if pub else private,
                    mood or "",
                    "yes" if pub else "no",
                )
                for n, u, d, did, nx, bl, mood, pub in checkins
            ),
        ),
        (
            "hours.csv",
            session.execute(
                select(
                    who.c.display_name,
                    who.c.user_id,
                    HourLog.local_date,
                    HourLog.category,
                    HourLog.minutes,
                    HourLog.note,
                )
                .join(who, who.c.id == HourLog.member_id)
                .order_by(HourLog.local_date, HourLog.id)
            ),
        ),
        (
            "plan.csv",
            session.execute(
                select(
                    who.c.display_name,
                    who.c.user_id,
                    PlanWeek.week,
                    PlanWeek.goal,
                    PlanWeek.done_at,
                )
                .join(who, who.c.id == PlanWeek.member_id)
                .order_by(who.c.user_id, PlanWeek.week)
            ),
        ),
        (
            "milestones.csv",
            session.execute(
                select(
                    who.c.display_name,
                    who.c.user_id,
                    MilestoneAward.milestone,
                    MilestoneAward.awarded_at,
                )
                .join(who, who.c.id == MilestoneAward.member_id)
                .order_by(MilestoneAward.awarded_at, who.c.user_id)
            ),
        ),
    ]
    return [Attachment(name, _csv(EXPORT_COLUMNS[name], rows), "text/csv") for name, rows in files]
