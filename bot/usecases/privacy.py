"""Privacy: ``/cohort forget-me`` deletes everything the bot holds about a member."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot.domain import commands as c
from bot.domain.errors import NotFound
from bot.messages import Button, Message, Reply, safe_text
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    CohortAdmin,
    HourLog,
    Member,
    MemberPeriod,
    MilestoneAward,
    OutboxRow,
    PlanWeek,
    PortfolioProject,
    Sprint,
    SprintGoal,
)
from bot.usecases import membership
from bot.usecases.context import SHOWN_ON_HOME, Ctx, UseCase


def forget_me(ctx: Ctx, cmd: c.ForgetMe) -> Reply:
    session = ctx.session
    cohort, member = membership.lookup(ctx)
    if member is None:
        raise NotFound("I hold no data about you in this cohort.")
    if not cmd.confirm:
        return Reply(
            Message(
                "This deletes your check-ins, hours, plan, sprints, milestones and settings in "
                f"{safe_text(cohort.name, 80)}, for good. Sure?",
                title="Forget me",
                buttons=(Button("Yes, delete my data", "forget_me_confirm", style="danger"),),
                blocks=("Or type `/cohort forget-me confirm`.",),
            )
        )
    counts = {
        "check-ins": session.scalar(
            select(func.count()).select_from(CheckInRow).where(CheckInRow.member_id == member.id)
        )
        or 0,
        "hour entries": session.scalar(
            select(func.count()).select_from(HourLog).where(HourLog.member_id == member.id)
        )
        or 0,
        "milestones": session.scalar(
            select(func.count())
            .select_from(MilestoneAward)
            .where(MilestoneAward.member_id == member.id)
        )
        or 0,
    }
    # Explicit deletes, so a database without cascades still forgets everything.
    sprint_ids = select(Sprint.id).where(Sprint.member_id == member.id)
    session.execute(delete(SprintGoal).where(SprintGoal.sprint_id.in_(sprint_ids)))
    for table in (
        Sprint,
        CheckInRow,
        HourLog,
        MilestoneAward,
        PlanWeek,
        PortfolioProject,
        AwayPeriod,
        MemberPeriod,
        OutboxRow,
    ):
        session.execute(delete(table).where(table.member_id == member.id))
    session.execute(delete(Member).where(Member.id == member.id))
    # An admin grant names the user too; forgetting them removes it (platform admins can
    # still manage a cohort whose last admin left this way).
    session.execute(
        delete(CohortAdmin).where(
            CohortAdmin.cohort_id == cohort.id, CohortAdmin.user_id == ctx.actor.user_id
        )
    )
    what = ", ".join(f"{n} {k}" for k, n in counts.items())
    return Reply(
        Message(
            f"Done. I deleted your data in {safe_text(cohort.name, 80)}: {what}, "
            "plus your plan, sprints and settings."
        )
    )


USE_CASES: dict[type[c.Command], UseCase] = {
    c.ForgetMe: UseCase(forget_me, SHOWN_ON_HOME),
}
