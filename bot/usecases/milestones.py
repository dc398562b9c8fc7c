"""The milestone engine: award each newly reached milestone once, with its celebration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.content import Content, Milestone
from bot.domain.progress import Achievements, reached
from bot.domain.streaks import Streak
from bot.messages import Message
from bot.read import cards, stats
from bot.storage.orm import Member, MilestoneAward, PlanWeek
from bot.text import fill

_AWARDED = select(MilestoneAward.milestone).where(
    MilestoneAward.member_id == bindparam("member_id")
)


def celebration_values(
    session: Session,
    content: Content,
    member: Member,
    now: datetime,
    rule: Milestone,
    got: Achievements,
    plan: dict[int, PlanWeek] | None = None,
) -> dict[str, Any]:
    """The placeholder values a celebration of ``rule`` fills: those its kind declares in
    ``MILESTONE_KINDS``."""
    values = cards.values_for(
        session,
        content,
        member,
        now,
        plan=plan,
        streak=got.streak,
        hours=round(got.total_minutes / 60, 1),
    )
    if rule.kind == "budget_week":
        # The week that met the budget, not the all-time total.
        target = sum(stats.budget_targets(content, member.budget).values())
        values["hours"] = round(stats.last_week_met(session, member, content) / 60, 1)
        values["target"] = round(target / 60, 1)
    return values


def award(
    session: Session,
    content: Content,
    member: Member,
    now: datetime,
    *,
    streak: Streak | None = None,
    plan: dict[int, PlanWeek] | None = None,
) -> list[Message]:
    """Award every newly reached milestone once; return the celebrations.

    A celebration is the milestone's message on its own (the title is for lists), and it
    names the member: it is posted in the channel when their check-ins are public.
    ``streak`` and ``plan``, when the caller has them, save reading them again.
    """
    if plan is None:
        plan = stats.plan_weeks(session, member.id)
    got = stats.achievements(session, member, now, content, streak=streak, plan=plan)
    have = set(session.scalars(_AWARDED, {"member_id": member.id}))
    out = []
    for mid in reached(content.milestones, got):
        if mid in have:
            continue
        rule = next(m for m in content.milestones if m.id == mid)
        session.add(MilestoneAward(member_id=member.id, milestone=mid, awarded_at=now))
        values = celebration_values(session, content, member, now, rule, got, plan)
        out.append(Message(f"🏅 {fill(rule.message, values)}"))
    return out
