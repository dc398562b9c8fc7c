"""The weekly digest the scheduler posts to the cohort channel.

It celebrates the week's wins, shows the cohort's hours against target and the
trend over the last weeks, and adds one line of encouragement from content.
It is public. Its wins name members whose check-ins are public: their milestones
were already celebrated in the channel by name. Wins of members with private
check-ins are counted, not named. The leaderboard opt-in governs the rankings
only. Nobody at risk is ever listed here: that goes to admins only
(``/cohort summary``).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import iso_week, week_start
from bot.messages import Field, Message, bar, hours_text, safe_text
from bot.read.activity import load_activity, members_at, zone
from bot.read.leaderboards import leaderboard_lines as board_lines
from bot.read.stats import budget_targets
from bot.scheduling import nudges
from bot.storage.orm import Cohort, Member, MilestoneAward, PlanWeek
from bot.text import fill

log = logging.getLogger(__name__)

TREND_WEEKS = 4
SPARKS = "▁▂▃▄▅▆▇█"
_KEY_WEEK = re.compile(r":(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class WeekFigures:
    week: str
    minutes: int
    got: int  # study days checked in
    due: int  # study days expected

    @property
    def rate(self) -> float | None:
        return self.got / self.due if self.due else None


@dataclass(frozen=True)
class Digest:
    cohort: str
    week: str
    members: int
    checked_in: int  # members with a check-in this week
    minutes: dict[str, int]
    targets: dict[str, int]
    trend: list[WeekFigures]  # oldest first; the digest's week last
    wins: list[tuple[str, list[str]]]  # (name, what) for members with public check-ins
    quiet_wins: int  # wins of members whose check-ins are private: counted, not named
    leaderboard: list[str]
    quiet_members: int = 0  # how many members those quiet wins are from


def digest_week(cohort: Cohort, now: datetime, key: str | None = None) -> date:
    """The Monday of the digest's week: from its outbox key (``digest:c1:2026-W49``), so a
    digest sent late still describes its own week, else the cohort's current week."""
    match = _KEY_WEEK.search(key or "")
    if match:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            log.warning("digest key %r names no ISO week", key)
    return week_start(now.astimezone(zone(cohort.timezone)).date())


def cohort_digest(
    session: Session, cohort: Cohort, now: datetime, content: Content, start: date
) -> Digest:
    tz = zone(cohort.timezone)
    week_end = start + timedelta(days=6)
    week_from = datetime.combine(start, datetime.min.time(), tz)
    week_to = week_from + timedelta(days=7)
    first = start - timedelta(weeks=TREND_WEEKS - 1)
    act = load_activity(
        session,
        cohort,
        checkins_from=first,
        weeks=[start - timedelta(weeks=back) for back in range(TREND_WEEKS)],
        until=week_end + timedelta(days=2),
        # The members the week ended with (a digest sent late still tells that week).
        as_of=week_to,
    )
    as_of = {m.id: min(now.astimezone(m.tz).date(), week_end) for m in act.members}
    targets = {b: budget_targets(content, b) for b in {m.budget for m in act.members}}

    trend: list[WeekFigures] = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        ws = start - timedelta(weeks=back)
        week = iso_week(ws)
        got = due = minutes = 0
        for m in act.members:
            g, e = act.rate(m, ws, min(ws + timedelta(days=6), as_of[m.id]))
            got, due = got + g, due + e
            minutes += sum(act.week_minutes(m.id, week).values())
        trend.append(WeekFigures(week, minutes, got, due))

    week = iso_week(start)
    totals = dict.fromkeys(CATEGORIES, 0)
    target_totals = dict.fromkeys(CATEGORIES, 0)
    for m in act.members:
        for c, v in act.week_minutes(m.id, week).items():
            totals[c] += v
            target_totals[c] += targets[m.budget][c]
    checked_in = sum(
        1 for m in act.members if any(start <= d <= as_of[m.id] for d in act.checkins[m.id])
    )

    # Wins: milestones reached and plan weeks shipped in the cohort's week.
    by_id = {m.id: m for m in act.members}
    titles = {ms.id: ms.title for ms in content.milestones}
    plan_kinds = {ms.id for ms in content.milestones if ms.kind == "plan_week"}
    plan_titles = {w.week: w.title for w in content.plan.weeks}
    active = select(Member.id).where(members_at(cohort, week_to))
    won: dict[int, list[str]] = defaultdict(list)
    for mid, milestone in session.execute(
        select(MilestoneAward.member_id, MilestoneAward.milestone)
        .where(
            MilestoneAward.member_id.in_(active),
            MilestoneAward.awarded_at >= week_from,
            MilestoneAward.awarded_at < week_to,
        )
        .order_by(MilestoneAward.awarded_at, MilestoneAward.id)
    ):
        if milestone not in plan_kinds:  # shipped plan weeks are listed below, once
            won[mid].append(titles.get(milestone, milestone))
    for mid, number in session.execute(
        select(PlanWeek.member_id, PlanWeek.week)
        .where(
            PlanWeek.member_id.in_(active),
            PlanWeek.done_at >= week_from,
            PlanWeek.done_at < week_to,
        )
        .order_by(PlanWeek.week)
    ):
        won[mid].append(f"shipped plan week {number}: {plan_titles.get(number, '')}".rstrip(": "))
    wins = sorted(
        ((by_id[mid].name, what) for mid, what in won.items() if by_id[mid].public),
        key=lambda w: w[0].casefold(),
    )
    quiet = sum(len(what) for mid, what in won.items() if not by_id[mid].public)
    quiet_members = sum(1 for mid in won if not by_id[mid].public)

    return Digest(
        cohort=safe_text(cohort.name, 80),
        week=week,
        members=len(act.members),
        checked_in=checked_in,
        minutes=totals,
        targets=target_totals,
        trend=trend,
        wins=wins,
        quiet_wins=quiet,
        quiet_members=quiet_members,
        leaderboard=leaderboard_lines(session, cohort, min(now, week_to - timedelta(seconds=1))),
    )


def leaderboard_lines(session: Session, cohort: Cohort, now: datetime) -> list[str]:
    """The opt-in period leaderboard (``bot.read.leaderboards``), each line made safe to post."""
    return [safe_text(line, 300) for line in board_lines(session, cohort, now)]


def sparkline(values: list[float]) -> str:
    """``[1, 2, 4, 8]`` -> ``▁▂▄█``: each value against the largest."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round((len(SPARKS) - 1) * max(v, 0) / top)] for v in values)


def _arrow(now: float | None, before: float | None, tolerance: float) -> str:
    if now is None or before is None:
        return ""
    if now > before + tolerance:
        return " ↑"
    if now < before - tolerance:
        return " ↓"
    return " →"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{round(100 * x)}%"


def digest_message(d: Digest, line: str = "") -> Message:
    total = sum(d.minutes.values())
    target = sum(d.targets.values())
    hours = [w.minutes / 60 for w in d.trend]
    rates = [w.rate for w in d.trend]
    last, before = d.trend[-1], d.trend[-2] if len(d.trend) > 1 else None
    fields = [
        Field("Hours", f"{bar(total, target)} {hours_text(total)} of {hours_text(target)} target"),
        Field(
            "Check-ins",
            f"{d.checked_in} of {d.members} members · {_pct(last.rate)} of study days",
        ),
        Field(
            f"Hours, last {len(d.trend)} weeks",
            f"{sparkline(hours)} "
            + " · ".join(hours_text(w.minutes) for w in d.trend)
            + _arrow(last.minutes, before.minutes if before else None, 0.05 * (target or 1)),
        ),
        Field(
            f"Check-in rate, last {len(d.trend)} weeks",
            f"{sparkline([r or 0.0 for r in rates])} "
            + " · ".join(_pct(r) for r in rates)
            + _arrow(last.rate, before.rate if before else None, 0.03),
        ),
    ]
    blocks: list[str] = []
    if d.wins or d.quiet_wins:
        lines = [f"• {name} — {', '.join(what)}" for name, what in d.wins]
        if d.quiet_wins:
            more = "more " if d.wins else ""
            wins = "win" if d.quiet_wins == 1 else "wins"
            whose = "a member whose" if d.quiet_members == 1 else "members whose"
            lines.append(f"Plus {d.quiet_wins} {more}{wins} from {whose} check-ins are private.")
        blocks.append("Wins this week:\n" + "\n".join(lines))
    if d.leaderboard:
        blocks.append("\n".join(d.leaderboard))
    return Message(
        line or f"{d.cohort} · week {d.week}",
        title=f"Weekly digest · {d.week}",
        fields=tuple(fields),
        blocks=tuple(blocks),
    )


def compose(
    session: Session, cohort: Cohort, now: datetime, content: Content, key: str | None = None
) -> Message:
    """The digest for the week named by the outbox ``key`` (default: the current week)."""
    d = cohort_digest(session, cohort, now, content, digest_week(cohort, now, key))
    line = fill(nudges.digest_line(content, key or f"digest:c{cohort.id}:{d.week}"), line_values(d))
    return digest_message(d, line)


def line_values(d: Digest) -> dict[str, Any]:
    """The placeholder values of the digest's line: those ``TRIGGERS["digest"]`` declares."""
    return {
        "count": d.checked_in,
        "hours": hours_text(sum(d.minutes.values())),
        "target": hours_text(sum(d.targets.values())),
    }
