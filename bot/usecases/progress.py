"""Progress and help: the member's progress card, their home view, and the help texts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands import help_text
from bot.commands.help import topic_of
from bot.content import Content, budget_line, tracks_line
from bot.domain import commands as c
from bot.messages import HelpTopic, Message, Reply, safe_text
from bot.read import cards
from bot.storage.orm import Cohort, Member
from bot.usecases import membership
from bot.usecases.context import READS, Ctx, UseCase
from bot.usecases.sprint import sprint_for


def show_help(ctx: Ctx, cmd: c.Help) -> Reply:
    # The topic travels with the text, so each platform can show the help in its own syntax;
    # what comes from the content (the tracks and budgets to join with) rides in blocks.
    blocks: tuple[str, ...] = ()
    if cmd.topic and topic_of(cmd.topic) == "cohort":
        blocks = (
            "Tracks: " + tracks_line(ctx.content) + ".",
            "Budgets: " + "; ".join(budget_line(b) for b in ctx.content.budgets.values()) + ".",
        )
    return Reply(
        Message(help_text(cmd.topic), title="cohortbot", blocks=blocks, help=HelpTopic(cmd.topic))
    )


def show_progress(ctx: Ctx, cmd: c.ShowProgress) -> Reply:
    member = membership.current_member(ctx)
    return Reply(cards.progress_card(ctx.session, ctx.content, member, ctx.now))


def home_cards(
    session: Session,
    content: Content,
    platform: str,
    workspace_id: str,
    user_id: str,
    now: datetime,
) -> list[Message]:
    """Plan, sprint and progress for every cohort the user is in on this workspace.

    A write only in that this week's sprint is created when it does not exist yet.
    """
    members = session.scalars(
        select(Member)
        .join(Cohort)
        .where(
            Cohort.platform == platform,
            Cohort.workspace_id == workspace_id,
            Member.user_id == user_id,
            Member.status != "left",
        )
    ).all()
    out: list[Message] = []
    for member in members:
        out.append(Message(safe_text(member.cohort.name, 80), title="Cohort"))
        out.append(cards.progress_card(session, content, member, now))
        out.append(cards.plan_card(session, content, member, now))
        sprint = sprint_for(session, content, member, now)
        out.append(cards.sprint_card(session, member, sprint, now))
        recent = cards.recent_milestones_card(session, content, member)
        if recent is not None:
            out.append(recent)
    return out


USE_CASES: dict[type[c.Command], UseCase] = {
    c.Help: UseCase(show_help, READS),
    c.ShowProgress: UseCase(show_progress, READS),
}
