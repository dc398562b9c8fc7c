"""The milestone engine: award each newly reached milestone once, with its celebration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.content import Content
from bot.domain.progress import reached
from bot.domain.streaks import Streak
from bot.messages import Message, hours_text
from bot.read import cards, stats
from bot.storage.orm import Member, MilestoneAward, PlanWeek
from bot.text import fill

_AWARDED = select(MilestoneAward.milestone).where(
    MilestoneAward.member_id == bindparam("member_id")
)


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
        values = cards.values_for(
            session,
            content,
            member,
            now,
            plan=plan,
            streak=got.streak,
            hours=hours_text(got.total_minutes),
        )
        out.append(Message(f"🏅 {rule.title}: {fill(rule.message, values)}"))
    return out
