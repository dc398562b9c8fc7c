"""Cards: the plan, sprint, progress, settings and check-in messages a member is shown.

The read side: every function here only reads. A card that needs a row created first
(this week's sprint) is handed that row by the use case that made it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import CATEGORIES, Content
from bot.domain.calendar import PLAN_DAYS, plan_day, plan_week
from bot.domain.schedule import REMINDER_KINDS
from bot.messages import Field, Message, bar, hours_text, safe_text
from bot.read import stats
from bot.storage.orm import AwayPeriod, Member, MilestoneAward, PlanWeek, Sprint

FREEZE_NEWS_DAYS = 7  # /progress tells of a freeze used this many days back, at most


def plural(n: int, noun: str) -> str:
    """``plural(1, "day") -> "1 day"``, ``plural(0, "day") -> "0 days"``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def plan_goal(content: Content, row: PlanWeek | None, week: int, budget: str | None = None) -> str:
    """The member's own goal for a plan week, else the template's for their budget."""
    if row is not None and row.goal:
        return row.goal
    return content.plan_weeks_for(budget)[week - 1].default_goal


def plan_line(
    session: Session,
    content: Content,
    member: Member,
    now: datetime,
    plan: dict[int, PlanWeek] | None = None,
) -> str:
    """The "Day N of 30 — this week: <goal>" line of check-in replies and prompts."""
    day = plan_day(member.plan_start, stats.today_for(member, now))
    if day > PLAN_DAYS:
        return f"{path_day(day)} — your 30-day plan is behind you; keep the sprints going."
    week = plan_week(day)
    if plan is None:
        plan = stats.plan_weeks(session, member.id)
    goal = plan_goal(content, plan.get(week), week, member.budget)
    return f"Day {day} of {PLAN_DAYS} — this week: {safe_text(goal, 300)}."


def path_day(day: int) -> str:
    """Where the member is on their path: "Day 9 of 30", then "Week 6 since you joined"."""
    if day <= PLAN_DAYS:
        return f"Day {max(day, 1)} of {PLAN_DAYS}"
    return f"Week {(day - 1) // 7 + 1} since you joined"


def values_for(
    session: Session,
    content: Content,
    member: Member,
    now: datetime,
    *,
    plan: dict[int, PlanWeek] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Placeholder values for content texts about ``member``."""
    today = stats.today_for(member, now)
    day = plan_day(member.plan_start, today)
    week = plan_week(day)
    if plan is None:
        plan = stats.plan_weeks(session, member.id)
    values: dict[str, Any] = {
        "name": safe_text(member.display_name, 80),
        "day": min(max(day, 1), PLAN_DAYS),
        "plan_day": path_day(day),
        "week": week,
        "week_goal": safe_text(plan_goal(content, plan.get(week), week, member.budget), 300),
    }
    values.update(extra)
    return values


def day_name(member: Member, day: date, now: datetime) -> str:
    """ "today", "yesterday" or "Fri 27 Nov", as the member counts days."""
    delta = (stats.today_for(member, now) - day).days
    return {0: "today", 1: "yesterday"}.get(delta, f"{day:%a %d %b}")


def freeze_line(used: list[stats.FreezeUse]) -> str:
    """Say "A freeze kept your 12-day streak (Fri 4 Dec)." — kindly, never as a debt."""
    days = ", ".join(f"{u.day:%a} {u.day.day} {u.day:%b}" for u in used)
    who = "A freeze" if len(used) == 1 else f"{len(used)} freezes"
    kept = used[-1].kept
    return f"{who} kept your {kept}-day streak ({days})."


def checkin_card(
    member: Member,
    did: str,
    nxt: str | None,
    blockers: str | None,
    mood: int | None,
    day: date,
    now: datetime,
    edited: bool = False,
    ref: str | None = None,
) -> Message:
    """The public card of a check-in."""
    fields = [Field("Did", safe_text(did, 1000))]
    if nxt:
        fields.append(Field("Next", safe_text(nxt, 1000)))
    if blockers:
        fields.append(Field("Blockers", safe_text(blockers, 1000)))
    if mood:
        fields.append(Field("Mood", "●" * mood + "○" * (5 - mood)))
    when = "" if day == stats.today_for(member, now) else f" for {day:%a %d %b}"
    return Message(
        f"{safe_text(member.display_name, 80)} checked in{when}" + (" (edited)" if edited else ""),
        fields=tuple(fields),
        ref=ref,
    )


def plan_card(session: Session, content: Content, member: Member, now: datetime) -> Message:
    rows = stats.plan_weeks(session, member.id)
    day = plan_day(member.plan_start, stats.today_for(member, now))
    current = plan_week(day)
    fields = []
    for tmpl in content.plan_weeks_for(member.budget):
        row = rows.get(tmpl.week)
        mark = "✅" if row is not None and row.done_at else ("▶" if tmpl.week == current else "·")
        own = "" if row is not None and row.goal else " (template — make it yours)"
        fields.append(
            Field(
                f"{mark} Week {tmpl.week}: {tmpl.title}",
                safe_text(plan_goal(content, row, tmpl.week, member.budget), 300) + own,
            )
        )
    done = sum(1 for r in rows.values() if r.done_at)
    shipped = stats.portfolio_done(session, member.id)
    head = (
        f"Day {min(day, PLAN_DAYS)} of {PLAN_DAYS} · {done}/4 weeks done"
        if day <= PLAN_DAYS
        else f"Plan finished · {done}/4 weeks done"
    )
    return Message(
        head,
        title="Your 30-day plan",
        fields=tuple(fields),
        blocks=(
            "Portfolio: "
            + "  ".join(
                f"{'✅' if p.number in shipped else '◻️'} {p.number}. {p.name}"
                for p in content.portfolio.projects
            ),
            "Set a goal: `/plan set <week> <goal>` · mark it: `/plan done <week>` · "
            "a project shipped: `/plan project <1-3>`",
        ),
    )


def _hour_fields(week: dict[str, int], targets: dict[str, int]) -> list[Field]:
    return [
        Field(
            cat.capitalize(),
            f"{bar(week[cat], targets[cat])} {hours_text(week[cat])} / {hours_text(targets[cat])}",
        )
        for cat in CATEGORIES
        if targets[cat] or week[cat]
    ]


def sprint_card(session: Session, member: Member, sprint: Sprint, now: datetime) -> Message:
    week = stats.week_minutes(session, member, stats.today_for(member, now))
    targets = {
        "learning": sprint.target_learning,
        "building": sprint.target_building,
        "networking": sprint.target_networking,
    }
    goals = [
        f"{i}. {'✅' if g.done_at else '◻️'} {safe_text(g.text, 300)}"
        for i, g in enumerate(sprint.goals, 1)
    ]
    return Message(
        f"Sprint {sprint.iso_week}",
        title="This week's sprint",
        blocks=("\n".join(goals) or "No goals yet — add one with `/sprint goal <text>`.",),
        fields=tuple(_hour_fields(week, targets)),
    )


def progress_card(session: Session, content: Content, member: Member, now: datetime) -> Message:
    today = stats.today_for(member, now)
    dates = stats.checkin_dates(session, member.id)
    away = stats.away_days(session, member)
    streak = stats.streak_of(member, now, dates, away)
    # A freeze used in the last week, on this run, is worth telling: it is why the
    # streak is still there.
    used = stats.freezes_used(
        member, now, dates, away, streak, after=today - timedelta(days=FREEZE_NEWS_DAYS + 1)
    )
    week = stats.week_minutes(session, member, today)
    targets = stats.budget_targets(content, member.budget)
    awarded = set(
        session.scalars(
            select(MilestoneAward.milestone).where(MilestoneAward.member_id == member.id)
        )
    )
    total = stats.total_minutes(session, member.id)
    fields = [
        Field(
            "Streak",
            f"{plural(streak.current, 'day')} · longest {streak.longest} · "
            f"{plural(streak.freezes, 'freeze')} held",
        )
    ]
    fields.extend(_hour_fields(week, targets))
    fields.append(
        Field("All time", f"{hours_text(total)} · {plural(streak.checkin_days, 'check-in')}")
    )
    upcoming = next(
        (
            m
            for m in content.milestones
            if m.id not in awarded and m.kind in ("streak", "total_hours")
        ),
        None,
    )
    blocks = [plan_line(session, content, member, now)]
    if used:
        blocks.append(freeze_line(used))
    if upcoming is not None:
        if upcoming.kind == "streak":
            gap = plural((upcoming.threshold or 0) - streak.current, "more study day")
        else:
            gap = f"{hours_text((upcoming.threshold or 0) * 60 - total)} more"
        blocks.append(f"Next milestone: {upcoming.title} — {gap}.")
    blocks.append(f"Milestones reached: {len(awarded)}")
    return Message(
        f"{safe_text(member.display_name, 80)}'s progress",
        title="Progress",
        fields=tuple(fields),
        blocks=tuple(blocks),
    )


def recent_milestones_card(session: Session, content: Content, member: Member) -> Message | None:
    """The member's last three milestones, for the home view; None before the first."""
    recent = session.scalars(
        select(MilestoneAward)
        .where(MilestoneAward.member_id == member.id)
        .order_by(MilestoneAward.awarded_at.desc())
        .limit(3)
    ).all()
    if not recent:
        return None
    titles = {m.id: m.title for m in content.milestones}
    return Message(
        ", ".join(titles.get(r.milestone, r.milestone) for r in recent),
        title="Recent milestones",
    )


def settings_card(session: Session, member: Member, now: datetime) -> Message:
    """A member's own settings, each under the key that changes it."""
    cohort = member.cohort
    quiet = (
        f"{member.quiet_start:%H:%M}-{member.quiet_end:%H:%M}"
        if member.quiet_start and member.quiet_end
        else "off"
    )
    away = session.scalars(
        select(AwayPeriod).where(
            AwayPeriod.member_id == member.id,
            AwayPeriod.end_date >= stats.today_for(member, now),
        )
    ).all()
    fields = (
        Field("timezone", member.timezone),
        Field(
            "prompt-time",
            f"{(member.prompt_time or cohort.prompt_time):%H:%M}"
            + ("" if member.prompt_time else " (cohort default)"),
        ),
        Field("study-days", member.study_days or f"{cohort.study_days} (cohort default)"),
        Field("quiet-hours", quiet),
        Field("track", member.track),
        Field("budget", member.budget),
        Field("delivery", member.delivery),
        Field("checkins", "public" if member.checkins_public else "private"),
        Field("leaderboard", "on" if member.leaderboard else "off"),
        Field(
            "reminders",
            ", ".join(
                f"{k.replace('_', '-')} {'off' if k in member.reminders_off.split(',') else 'on'}"
                for k in REMINDER_KINDS
            ),
        ),
        Field("away", ", ".join(f"{a.start_date}..{a.end_date}" for a in away) or "no"),
    )
    return Message(
        "Change one with `/cohort me <key> <value>`.", title="Your settings", fields=fields
    )
