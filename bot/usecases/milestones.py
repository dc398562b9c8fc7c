"""The milestone engine: award each newly reached milestone once, with its celebration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.content import Content, Milestone
from bot.domain.progress import Achievements, reached
from bot.domain.streaks import Streak
from bot.messages import Message, Update, hours_text, safe_text
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
        hours=hours_text(got.total_minutes),
    )
    if rule.kind == "budget_week":
        # The week that met the budget, not the all-time total.
        target = sum(stats.budget_targets(content, member.budget).values())
        values["hours"] = hours_text(stats.last_week_met(session, member, content))
        values["target"] = hours_text(target)
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
        row = MilestoneAward(member_id=member.id, milestone=mid, awarded_at=now)
        session.add(row)
        session.flush()  # its id names the public card, so an undo can edit it
        values = celebration_values(session, content, member, now, rule, got, plan)
        out.append(Message(f"🏅 {fill(rule.message, values)}", ref=milestone_ref(row.id)))
    return out


def milestone_ref(award_id: int) -> str:
    """The identity of a milestone's public card, reported back by adapters (``record_post``)."""
    return f"milestone:{award_id}"


def revoke(
    session: Session,
    content: Content,
    member: Member,
    now: datetime,
    kinds: frozenset[str],
    reason: str,
    *,
    plan: dict[int, PlanWeek] | None = None,
) -> tuple[list[str], list[Update]]:
    """Take back the awards of ``kinds`` the member no longer reaches (after an undo).

    Returns their titles and, for each card whose place is known, an edit saying so.
    Only the kinds an undo can affect are checked: a streak award stays when the streak
    later breaks.
    """
    rules = {m.id: m for m in content.milestones if m.kind in kinds}
    got = stats.achievements(session, member, now, content, plan=plan)
    still = set(reached(list(rules.values()), got))
    titles: list[str] = []
    updates: list[Update] = []
    for row in session.scalars(
        select(MilestoneAward)
        .where(MilestoneAward.member_id == member.id, MilestoneAward.milestone.in_(list(rules)))
        .order_by(MilestoneAward.id)
    ):
        if row.milestone in still:
            continue
        rule = rules[row.milestone]
        titles.append(rule.title)
        if row.posted_channel and row.posted_message_id:
            who = safe_text(member.display_name, 80)
            card = Message(f"🏅 {rule.title} ({who}) — taken back: {reason}.")
            # Never posted anew when it is gone: a withdrawn card has nothing to say.
            updates.append(Update(row.posted_channel, row.posted_message_id, card, repost=False))
        session.delete(row)
    session.flush()
    return titles, updates


_RECORD_POST = (
    update(MilestoneAward)
    .where(MilestoneAward.id == bindparam("award_id"))
    .values(posted_channel=bindparam("channel"), posted_message_id=bindparam("message"))
    .execution_options(synchronize_session=False)
)


def record_post(session: Session, award_id: int, channel_id: str, message_id: str) -> bool:
    """Remember where a milestone's public card landed, so an undo can edit it."""
    result = session.execute(
        _RECORD_POST,
        {"award_id": award_id, "channel": channel_id[:64], "message": message_id[:64]},
    )
    return bool(getattr(result, "rowcount", 0))
