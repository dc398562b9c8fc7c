"""The 30-day plan: week goals made specific, weeks done, the weekly review, portfolio projects."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain import commands as c
from bot.domain.calendar import PLAN_DAYS, plan_day, plan_week
from bot.messages import Message, Reply, safe_text
from bot.read import cards, stats
from bot.storage.orm import Member, PlanWeek, PortfolioProject
from bot.usecases import membership, milestones, sprint_follow
from bot.usecases.context import READS, SHOWN_ON_HOME, WRITES, Ctx, UseCase


def show_plan(ctx: Ctx, cmd: c.ShowPlan) -> Reply:
    member = membership.current_member(ctx)
    return Reply(cards.plan_card(ctx.session, ctx.content, member, ctx.now))


def set_plan_goal(ctx: Ctx, cmd: c.SetPlanGoal) -> Reply:
    member = membership.current_member(ctx)
    row = stats.plan_weeks(ctx.session, member.id)[cmd.week]
    row.goal = cmd.goal
    ctx.session.flush()
    sprint_follow.follow_plan_and_budget(ctx.session, ctx.content, member, ctx.now)
    return Reply(Message(f"Week {cmd.week} goal set: {safe_text(cmd.goal, 300)}"))


def mark_plan_done(ctx: Ctx, cmd: c.MarkPlanDone) -> Reply:
    member = membership.current_member(ctx)
    plan = stats.plan_weeks(ctx.session, member.id)
    row = plan[cmd.week]
    if cmd.done:
        if row.done_at is not None:
            return Reply(Message(f"Week {cmd.week} was already done. 🎉"))
        row.done_at = ctx.now
    else:
        if row.done_at is None:
            return Reply(Message(f"Week {cmd.week} isn't marked done, so there's nothing to undo."))
        row.done_at = None
        ctx.session.flush()
        return _reopened(
            ctx,
            member,
            f"Week {cmd.week} is open again.",
            PLAN_KINDS,
            f"week {cmd.week} of the plan is open again",
            plan,
        )
    ctx.session.flush()
    celebrations = milestones.award(ctx.session, ctx.content, member, ctx.now, plan=plan)
    goal = cards.plan_goal(ctx.content, row, cmd.week, member.budget)
    text = "\n".join(
        [
            f"Week {cmd.week} done: {safe_text(goal, 300)}",
            *(m.text for m in celebrations),
        ]
    )
    public = tuple(celebrations) if member.checkins_public else ()
    return Reply(Message(text, title="Plan"), public=public)


def review_plan_week(ctx: Ctx, cmd: c.ReviewPlanWeek) -> Reply:
    """The weekly review's buttons: this plan week done, or "not yet" and a next step."""
    member = membership.current_member(ctx)
    day = plan_day(member.plan_start, stats.today_for(member, ctx.now))
    if day > PLAN_DAYS:
        return Reply(Message("Your 30-day plan is complete; `/sprint` has this week."))
    week = plan_week(day)
    if cmd.done:
        return mark_plan_done(ctx, c.MarkPlanDone(week))
    rows = stats.plan_weeks(ctx.session, member.id)
    goal = cards.plan_goal(ctx.content, rows.get(week), week, member.budget)
    return Reply(
        Message(
            f"Not yet is fine. Week {week}: {safe_text(goal, 300)} — what's the smallest next "
            "step? Add it with `/sprint goal <text>`."
        )
    )


def mark_portfolio_project(ctx: Ctx, cmd: c.MarkPortfolioProject) -> Reply:
    session = ctx.session
    member = membership.current_member(ctx)
    project = next(p for p in ctx.content.portfolio.projects if p.number == cmd.number)
    row = session.scalar(
        select(PortfolioProject).where(
            PortfolioProject.member_id == member.id, PortfolioProject.number == cmd.number
        )
    )
    if not cmd.done:
        if row is None:
            return Reply(
                Message(
                    f"Project {cmd.number} ({project.name}) isn't marked shipped, so there's "
                    "nothing to undo."
                )
            )
        session.delete(row)
        session.flush()
        return _reopened(
            ctx,
            member,
            f"Project {cmd.number} ({project.name}) is open again.",
            PORTFOLIO_KINDS,
            f"project {cmd.number} is open again",
        )
    if row is not None:
        return Reply(Message(f"Project {cmd.number} ({project.name}) was already shipped. 🎉"))
    session.add(PortfolioProject(member_id=member.id, number=cmd.number, done_at=ctx.now))
    session.flush()
    celebrations = milestones.award(session, ctx.content, member, ctx.now)
    text = "\n".join(
        [f"Project {cmd.number} shipped: {project.name}.", *(m.text for m in celebrations)]
    )
    public = tuple(celebrations) if member.checkins_public else ()
    return Reply(Message(text, title="Portfolio"), public=public)


# The milestones an undo can take back: those of what it reopens.
PLAN_KINDS = frozenset({"plan_week", "plan_complete"})
PORTFOLIO_KINDS = frozenset({"portfolio_project"})


def _reopened(
    ctx: Ctx,
    member: Member,
    text: str,
    kinds: frozenset[str],
    reason: str,
    plan: dict[int, PlanWeek] | None = None,
) -> Reply:
    """The answer to an undo: what is open again, and the milestones it takes back."""
    titles, updates = milestones.revoke(
        ctx.session, ctx.content, member, ctx.now, kinds, reason, plan=plan
    )
    if titles:
        text += " Taken back: " + ", ".join(titles) + "."
    return Reply(Message(text), updates=tuple(updates))


USE_CASES: dict[type[c.Command], UseCase] = {
    c.ShowPlan: UseCase(show_plan, READS),
    c.SetPlanGoal: UseCase(set_plan_goal, SHOWN_ON_HOME),
    c.MarkPlanDone: UseCase(mark_plan_done, SHOWN_ON_HOME),
    c.ReviewPlanWeek: UseCase(review_plan_week, SHOWN_ON_HOME),
    c.MarkPortfolioProject: UseCase(mark_portfolio_project, WRITES),
}
