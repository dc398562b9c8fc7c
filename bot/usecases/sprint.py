"""Sprints: this ISO week's goals and hour targets, created on first use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.commands import USAGE
from bot.content import Content
from bot.domain import commands as c
from bot.domain.calendar import PLAN_DAYS, iso_week, plan_day, plan_week
from bot.domain.errors import NotFound, UsageError
from bot.messages import Message, Reply, safe_text
from bot.read import cards, stats
from bot.storage.orm import Member, Sprint, SprintGoal
from bot.usecases import membership
from bot.usecases.context import SHOWN_ON_HOME, WRITES, Ctx, UseCase

MAX_SPRINT_GOALS = 10


def sprint_for(session: Session, content: Content, member: Member, now: datetime) -> Sprint:
    """This ISO week's sprint in the member's zone, created on first use."""
    today = stats.today_for(member, now)
    week = iso_week(today)
    sprint = session.scalar(
        select(Sprint).where(Sprint.member_id == member.id, Sprint.iso_week == week)
    )
    if sprint is not None:
        return sprint
    targets = stats.budget_targets(content, member.budget)
    # Insert-if-absent in one statement: concurrent first commands (ten `/sprint` at once)
    # all end up with the one row, and no failed insert breaks the transaction. (A
    # savepoint would not do: on SQLite, before any write, releasing it commits.)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    created = session.scalar(
        insert(Sprint)
        .values(
            member_id=member.id,
            iso_week=week,
            target_learning=targets["learning"],
            target_building=targets["building"],
            target_networking=targets["networking"],
        )
        .on_conflict_do_nothing(index_elements=["member_id", "iso_week"])
        .returning(Sprint.id)
    )
    sprint = session.scalars(
        select(Sprint).where(Sprint.member_id == member.id, Sprint.iso_week == week)
    ).one()
    day = plan_day(member.plan_start, today)
    if created is not None and 1 <= day <= PLAN_DAYS:  # this command created it
        pw = plan_week(day)
        rows = stats.plan_weeks(session, member.id)
        goal = cards.plan_goal(content, rows.get(pw), pw, member.budget)
        sprint.goals.append(SprintGoal(position=1, text=goal, source="plan"))
        session.flush()
    return sprint


def show_sprint(ctx: Ctx, cmd: c.ShowSprint) -> Reply:
    member = membership.current_member(ctx)
    sprint = sprint_for(ctx.session, ctx.content, member, ctx.now)
    return Reply(cards.sprint_card(ctx.session, member, sprint, ctx.now))


def add_sprint_goal(ctx: Ctx, cmd: c.AddSprintGoal) -> Reply:
    member = membership.current_member(ctx)
    sprint = sprint_for(ctx.session, ctx.content, member, ctx.now)
    if len(sprint.goals) >= MAX_SPRINT_GOALS:
        raise UsageError(f"A sprint holds at most {MAX_SPRINT_GOALS} goals; finish one first.")
    position = max((g.position for g in sprint.goals), default=0) + 1
    sprint.goals.append(SprintGoal(position=position, text=cmd.text, source="own"))
    return Reply(Message(f"Goal {len(sprint.goals)} added: {safe_text(cmd.text, 300)}"))


def mark_sprint_goal_done(ctx: Ctx, cmd: c.MarkSprintGoalDone) -> Reply:
    member = membership.current_member(ctx)
    sprint = sprint_for(ctx.session, ctx.content, member, ctx.now)
    if not 1 <= cmd.number <= len(sprint.goals):
        raise NotFound(
            f"This sprint has {cards.plural(len(sprint.goals), 'goal')}; "
            f"there's no goal {cmd.number}.",
            USAGE["sprint done"],
        )
    goal = sprint.goals[cmd.number - 1]
    goal.done_at = goal.done_at or ctx.now
    return Reply(Message(f"Done: {safe_text(goal.text, 300)} ✅"))


USE_CASES: dict[type[c.Command], UseCase] = {
    c.ShowSprint: UseCase(show_sprint, WRITES),  # creates this week's sprint
    c.AddSprintGoal: UseCase(add_sprint_goal, SHOWN_ON_HOME),
    c.MarkSprintGoalDone: UseCase(mark_sprint_goal_done, SHOWN_ON_HOME),
}
