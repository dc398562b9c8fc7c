"""Membership: starting a cohort, joining, leaving and coming back; who the actor is here."""

from __future__ import annotations

import logging

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.commands import USAGE
from bot.content import CATEGORIES, Content
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.calendar import PLAN_DAYS, zone
from bot.domain.errors import NotAllowed, NotFound, UsageError
from bot.messages import Message, Reply, hours_text, safe_text
from bot.read import cards, stats
from bot.storage.orm import Cohort, CohortAdmin, Member, MemberPeriod, PlanWeek
from bot.usecases import sprint_follow
from bot.usecases.context import SHOWN_ON_HOME, WRITES, Ctx, UseCase

log = logging.getLogger(__name__)

NO_COHORT = (
    "There's no cohort in this channel yet. Anyone can start one with "
    "`/cohort start [name]` — the person who starts it becomes its admin."
)
# Lookups on every command, built once so each keeps its SQL cache key between calls.
_THIS_CHANNEL = (
    (Cohort.platform == bindparam("platform"))
    & (Cohort.workspace_id == bindparam("workspace_id"))
    & (Cohort.channel_id == bindparam("channel_id"))
)
_COHORT_IN_CHANNEL = select(Cohort).where(_THIS_CHANNEL)
_MEMBER_IN_CHANNEL = (
    select(Cohort, Member)
    .outerjoin(Member, (Member.cohort_id == Cohort.id) & (Member.user_id == bindparam("user_id")))
    .where(_THIS_CHANNEL)
)


def profile_zone(actor: Actor, default: str) -> str:
    """The actor's platform-profile time zone when it is a real one, else ``default``."""
    if actor.timezone:
        try:
            return zone(actor.timezone).key
        except UsageError:
            log.info("ignoring unknown profile time zone %r", actor.timezone[:64])
    return default


def _channel_of(actor: Actor) -> dict[str, str]:
    return {
        "platform": actor.platform,
        "workspace_id": actor.workspace_id,
        "channel_id": actor.channel_id,
    }


# -- lookups ---------------------------------------------------------------------------


def cohort_here(ctx: Ctx) -> Cohort:
    """The cohort of the actor's channel."""
    cohort = ctx.session.scalar(_COHORT_IN_CHANNEL, _channel_of(ctx.actor))
    if cohort is None:
        raise NotFound(NO_COHORT)
    return cohort


def lookup(ctx: Ctx) -> tuple[Cohort, Member | None]:
    """The channel's cohort and the actor's membership in it, in one round trip."""
    row = ctx.session.execute(
        _MEMBER_IN_CHANNEL, {**_channel_of(ctx.actor), "user_id": ctx.actor.user_id}
    ).first()
    if row is None:
        raise NotFound(NO_COHORT)
    cohort, member = row
    ctx.member = member  # for the notices on the reply (see dispatch)
    if member is not None:
        # The session only holds objects weakly: without this the cohort, once the
        # caller drops it, would be read again the first time member.cohort is used.
        set_committed_value(member, "cohort", cohort)
    return cohort, member


def current_member(ctx: Ctx) -> Member:
    """The actor as a member of this channel's cohort; refused when they are not in it."""
    cohort, member = lookup(ctx)
    if member is None or member.status == "left":
        raise NotFound(
            f"You're not in {cohort.name} yet. Join with `/cohort join [track] [budget]`."
        )
    return member


def member_or_join(ctx: Ctx) -> tuple[Member, str]:
    """Members who check in before joining are joined with defaults, and told so."""
    cohort, member = lookup(ctx)
    if member is not None and member.status != "left":
        return member, ""
    if member is not None:  # back after /cohort leave: as they left it
        member = enrol(ctx, cohort, member.track, member.budget, member)
        return member, welcome_back(cohort, member)
    track, budget = "other", "part-time"
    member = enrol(ctx, cohort, track, budget)
    budgets = ctx.content.budgets
    hours = budgets[budget].hours_per_week if budget in budgets else 0
    note = (
        f"I've added you to {safe_text(cohort.name, 80)} with the `{track}` track and the "
        f"`{budget}` budget ({hours_text(hours * 60)} a week). Change them any time: "
        "`/cohort me track <id>`, `/cohort me budget <full-time|part-time|minimal>`."
    )
    return member, note


def welcome_back(cohort: Cohort, member: Member) -> str:
    return (
        f"Welcome back to {safe_text(cohort.name, 80)}! Your check-ins, plan and settings "
        f"are as you left them (`{member.track}` track, `{member.budget}` budget); "
        "`/cohort me` shows them all."
    )


def is_admin(session: Session, cohort: Cohort, actor: Actor) -> bool:
    if actor.platform_admin:
        return True
    return (
        session.scalar(
            select(CohortAdmin.id).where(
                CohortAdmin.cohort_id == cohort.id, CohortAdmin.user_id == actor.user_id
            )
        )
        is not None
    )


def require_admin(ctx: Ctx) -> Cohort:
    """The channel's cohort, when the actor may manage it."""
    cohort = cohort_here(ctx)
    if not is_admin(ctx.session, cohort, ctx.actor):
        raise NotAllowed(
            "That's for the cohort's admins. Ask one of them, or a workspace admin, if you need it."
        )
    ctx.admin_cohort = cohort
    return cohort


def check_track(content: Content, track: str) -> None:
    if track not in content.tracks:
        raise UsageError(
            f"Unknown track '{safe_text(track, 40)}'. Tracks: " + ", ".join(sorted(content.tracks)),
            USAGE["cohort join"],
        )


def check_budget(content: Content, budget: str) -> None:
    if budget not in content.budgets:
        raise UsageError(
            f"Unknown budget '{safe_text(budget, 40)}'. Budgets: " + ", ".join(content.budgets),
            USAGE["cohort join"],
        )


# -- use cases -------------------------------------------------------------------------


def enrol(
    ctx: Ctx, cohort: Cohort, track: str, budget: str, existing: Member | None = None
) -> Member:
    """Make the actor an active member: new, on day 1 of the plan, or back after leaving,
    where they left off (their own join date, plan day, time zone and settings)."""
    session, actor, now = ctx.session, ctx.actor, ctx.now
    member = existing
    if member is None:
        tz = profile_zone(actor, cohort.timezone)
        member = Member(
            cohort_id=cohort.id,
            user_id=actor.user_id,
            last_nudges={},
            timezone=tz,
            plan_start=now.astimezone(zone(tz)).date(),
            joined_at=now,
        )
        session.add(member)
    member.display_name = actor.display_name[:80] or actor.user_id
    member.track = track
    member.budget = budget
    member.status = "active"
    member.left_at = None
    member.cohort = cohort
    session.flush()
    session.add(MemberPeriod(member_id=member.id, joined_at=now))
    if not stats.plan_weeks(session, member.id):
        session.add_all(PlanWeek(member_id=member.id, week=w) for w in range(1, 5))
    session.flush()
    return member


def start_cohort(ctx: Ctx, cmd: c.StartCohort) -> Reply:
    session, actor = ctx.session, ctx.actor
    existing = session.scalar(_COHORT_IN_CHANNEL, _channel_of(actor))
    if existing is not None:
        raise UsageError(
            f"This channel already has a cohort: {safe_text(existing.name, 80)}. "
            "Join it with `/cohort join [track] [budget]`."
        )
    tz = profile_zone(actor, "UTC")
    name = (cmd.name or "").strip() or "Study cohort"
    cohort = Cohort(
        platform=actor.platform,
        workspace_id=actor.workspace_id,
        channel_id=actor.channel_id,
        name=name,
        timezone=tz,
        start_date=ctx.now.astimezone(zone(tz)).date(),
        created_at=ctx.now,
    )
    session.add(cohort)
    try:
        session.flush()
    except IntegrityError as exc:  # another admin started it a moment ago
        raise UsageError("This channel already has a cohort.") from exc
    session.add(CohortAdmin(cohort_id=cohort.id, user_id=actor.user_id))
    text = (
        f"{safe_text(name, 80)} is open, and you're its admin. Members join with "
        "`/cohort join [track] [budget]`; daily prompts go out at "
        f"{cohort.prompt_time:%H:%M} ({tz}) on {cohort.study_days}. Change that with "
        "`/cohort settings <key> <value>`."
    )
    return Reply(Message(text, title="Cohort started"))


def join(ctx: Ctx, cmd: c.JoinCohort) -> Reply:
    content = ctx.content
    cohort, member = lookup(ctx)
    track, budget = cmd.track, cmd.budget
    # People type the two in either order; the ids never overlap. Swap whenever the
    # first word is a budget and the second is not, so `part-time astronaut` reports
    # the unknown track 'astronaut' rather than calling 'part-time' a track.
    if track in content.budgets and budget not in content.budgets:
        track, budget = budget, track
    # Someone coming back after /cohort leave keeps what they chose before.
    track = track or (member.track if member is not None else "other")
    budget = budget or (member.budget if member is not None else "part-time")
    check_track(content, track)
    check_budget(content, budget)
    if member is not None and member.status != "left":
        member.track, member.budget = track, budget
        sprint_follow.follow_plan_and_budget(ctx.session, content, member, ctx.now)
        return Reply(
            Message(
                f"You're already in {safe_text(cohort.name, 80)} — I've set your track to "
                f"`{track}` and your budget to `{budget}`."
            )
        )
    if member is not None:  # back after /cohort leave
        member = enrol(ctx, cohort, track, budget, member)
        return Reply(
            Message(
                welcome_back(cohort, member),
                title="Welcome back",
                blocks=(cards.plan_line(ctx.session, content, member, ctx.now),),
            )
        )
    member = enrol(ctx, cohort, track, budget)
    t = content.tracks[track]
    b = content.budgets[budget]
    week1 = content.plan_weeks_for(budget)[0]
    split = ", ".join(
        f"{hours_text(b.split[cat] * 60)} {cat}" for cat in CATEGORIES if b.split[cat]
    )
    return Reply(
        Message(
            f"Welcome to {safe_text(cohort.name, 80)}, {safe_text(member.display_name, 80)}!",
            title="You're in",
            blocks=(
                f"Track: {t.name}. A realistic first role: {t.target_role}, "
                f"usually {t.time_to_first_role} away.",
                f"Budget: {b.name}, {hours_text(b.hours_per_week * 60)} a week ({split}).",
                f"Day 1 of {PLAN_DAYS}. Week 1: {week1.default_goal}. Make it yours with "
                "`/plan set 1 <goal>`.",
                f"Prompts come at {member.cohort.prompt_time:%H:%M} your time "
                f"({member.timezone}); see `/cohort me` to change anything.",
            ),
        )
    )


def leave(ctx: Ctx, cmd: c.LeaveCohort) -> Reply:
    member = current_member(ctx)
    member.status = "left"
    member.left_at = ctx.now
    ctx.session.execute(
        update(MemberPeriod)
        .where(MemberPeriod.member_id == member.id, MemberPeriod.left_at.is_(None))
        .values(left_at=ctx.now)
    )
    return Reply(
        Message(
            "You've left the cohort. Your entries are kept in case you come back "
            "(`/cohort join`); `/cohort forget-me` deletes them for good."
        )
    )


USE_CASES: dict[type[c.Command], UseCase] = {
    c.StartCohort: UseCase(start_cohort, WRITES),
    c.JoinCohort: UseCase(join, SHOWN_ON_HOME),
    c.LeaveCohort: UseCase(leave, SHOWN_ON_HOME),
}
