"""This week's sprint follows the member's budget and plan goal: one write shared by the
settings, the plan and joining again (kept apart so membership need not import sprints)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import Content
from bot.domain.calendar import PLAN_DAYS, iso_week, plan_day, plan_week
from bot.read import cards, stats
from bot.storage.orm import Member, Sprint


def follow_plan_and_budget(
    session: Session, content: Content, member: Member, now: datetime
) -> None:
    """After a budget or plan goal changes: this week's sprint, if it exists, takes the new
    targets and plan goal. Past sprints keep what they were."""
    today = stats.today_for(member, now)
    sprint = session.scalar(
        select(Sprint).where(Sprint.member_id == member.id, Sprint.iso_week == iso_week(today))
    )
    if sprint is None:
        return
    targets = stats.budget_targets(content, member.budget)
    sprint.target_learning = targets["learning"]
    sprint.target_building = targets["building"]
    sprint.target_networking = targets["networking"]
    day = plan_day(member.plan_start, today)
    if not 1 <= day <= PLAN_DAYS:
        return
    pw = plan_week(day)
    goal = cards.plan_goal(content, stats.plan_weeks(session, member.id).get(pw), pw)
    for g in sprint.goals:
        if g.source == "plan":
            g.text = goal
