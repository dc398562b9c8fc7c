"""Check-ins: the form, a new check-in (late ones too), an edit, and where its card landed."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.commands import USAGE
from bot.domain import commands as c
from bot.domain.errors import NotFound, UsageError
from bot.messages import CheckInForm, Message, Reply, Update, hours_text
from bot.read import cards, stats
from bot.storage.orm import CheckInRow, HourLog, Member
from bot.usecases import membership, milestones
from bot.usecases.context import READS, SHOWN_ON_HOME, Ctx, UseCase

log = logging.getLogger(__name__)

MAX_DAYS_BACK = 3
_DAY_USAGE = "today, yesterday, 2d, 3d or a date up to 3 days back"
# One statement, no read first: this runs after every public check-in card.
_RECORD_POST = (
    update(CheckInRow)
    .where(CheckInRow.id == bindparam("checkin_id"))
    .values(posted_channel=bindparam("channel"), posted_message_id=bindparam("message"))
    .execution_options(synchronize_session=False)
)


def checkin_ref(checkin_id: int) -> str:
    """The identity of a check-in's public card, reported back by adapters (``record_post``)."""
    return f"checkin:{checkin_id}"


def entry_day(member: Member, when: c.Day, now: datetime) -> date:
    """The local date an entry counts for: today or up to three days back, never before joining."""
    today = stats.today_for(member, now)
    day = today - timedelta(days=when) if isinstance(when, int) else when
    if day > today:
        shown = f"{day:%a %d %b}" + (f" {day.year}" if day.year != today.year else "")
        ahead = "tomorrow" if (day - today).days == 1 else shown
        raise UsageError(
            f"Not yet: {ahead} hasn't come where you are (it's {today:%a %d %b}). "
            "Nothing was saved; log it on the day.",
            _DAY_USAGE,
        )
    joined = stats.joined_on(member)
    if day < joined:
        raise UsageError(
            f"You joined on {joined:%a %d %b}; entries can't go back before that.", _DAY_USAGE
        )
    if (today - day).days > MAX_DAYS_BACK:
        raise UsageError(
            f"Entries can go back at most {MAX_DAYS_BACK} days (to "
            f"{(today - timedelta(days=MAX_DAYS_BACK)).isoformat()}).",
            _DAY_USAGE,
        )
    return day


def checkin_on(session: Session, member: Member, day: date) -> CheckInRow | None:
    return session.scalar(
        select(CheckInRow).where(CheckInRow.member_id == member.id, CheckInRow.local_date == day)
    )


def open_form(ctx: Ctx, cmd: c.OpenCheckInForm) -> Reply:
    member = membership.current_member(ctx) if cmd.edit else None
    initial: dict[str, str] = {}
    if member is not None:
        row = checkin_on(ctx.session, member, stats.today_for(member, ctx.now))
        if row is None:
            raise NotFound(
                "You haven't checked in today, so there's nothing to edit yet.",
                USAGE["checkin"],
            )
        initial = {
            k: v
            for k, v in (
                ("did", row.did),
                ("next", row.next or ""),
                ("blockers", row.blockers or ""),
            )
            if v
        }
        if row.mood:
            initial["mood"] = str(row.mood)
    else:
        membership.cohort_here(ctx)
    q = ctx.content.prompts.checkin_questions
    return Reply(
        Message(f"{q.did}\n{q.next}\n{q.blockers}", title="Check in"),
        form=CheckInForm(initial=initial, edit=cmd.edit),
    )


def checkin(ctx: Ctx, cmd: c.CheckIn) -> Reply:
    session, content, now = ctx.session, ctx.content, ctx.now
    member, note = membership.member_or_join(ctx)
    day = entry_day(member, cmd.when, now)
    # One read of the member's dates and away days serves the duplicate check, the
    # streak before and after, the freezes and the milestones: nothing is asked twice.
    dates = stats.checkin_dates(session, member.id)
    if day in dates:
        raise UsageError(
            f"You've already checked in for {cards.day_name(member, day, now)}. "
            "To change it: `/checkin edit <text>`.",
            USAGE["checkin"],
        )
    away = stats.away_days(session, member)
    before = stats.streak_of(member, now, dates, away)
    row = CheckInRow(
        member_id=member.id,
        local_date=day,
        did=cmd.did,
        next=cmd.next,
        blockers=cmd.blockers,
        mood=cmd.mood,
        public=member.checkins_public,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    if member.last_checkin_on is None or day > member.last_checkin_on:
        member.last_checkin_on = day
    for category, minutes in cmd.hours.items():
        session.add(
            HourLog(
                member_id=member.id,
                local_date=day,
                minutes=minutes,
                category=category,
                note=None,
                created_at=now,
            )
        )
    session.flush()
    previous = max((d for d in dates if d < day), default=None)
    dates.add(day)
    streak = stats.streak_of(member, now, dates, away)
    plan = stats.plan_weeks(session, member.id)
    lines = [
        f"Checked in for {cards.day_name(member, day, now)}. Streak: "
        f"{streak.current} day{'s' if streak.current != 1 else ''}."
    ]
    if day != stats.today_for(member, now) and streak.current > before.current:
        lines.append("That late entry repaired your streak.")
    # Freezes used since the previous check-in are told once, by the next one.
    used = stats.freezes_used(member, now, dates, away, streak, after=previous, before=day)
    if used:
        lines.append(cards.freeze_line(used))
    if cmd.hours:
        lines.append(
            "Logged " + ", ".join(f"{hours_text(m)} {cat}" for cat, m in cmd.hours.items()) + "."
        )
    lines.append(cards.plan_line(session, content, member, now, plan))
    if note:
        lines.insert(0, note)
    public: list[Message] = []
    if member.checkins_public:
        public.append(
            cards.checkin_card(
                member, cmd.did, cmd.next, cmd.blockers, cmd.mood, day, now, ref=checkin_ref(row.id)
            )
        )
    celebrations = milestones.award(session, content, member, now, streak=streak, plan=plan)
    lines.extend(m.text for m in celebrations)
    if member.checkins_public:
        public.extend(celebrations)
    return Reply(Message("\n".join(lines), title="Check-in saved"), public=tuple(public))


def edit_checkin(ctx: Ctx, cmd: c.EditCheckIn) -> Reply:
    now = ctx.now
    member = membership.current_member(ctx)
    day = entry_day(member, cmd.when, now)
    row = checkin_on(ctx.session, member, day)
    if row is None:
        raise NotFound(
            f"There's no check-in for {cards.day_name(member, day, now)} to edit. "
            "Add one with `/checkin <text>`.",
            USAGE["checkin"],
        )
    row.did = cmd.did
    # An emptied field in the prefilled form clears it: stored as None, never "".
    if cmd.next is not None:
        row.next = cmd.next.strip() or None
    if cmd.blockers is not None:
        row.blockers = cmd.blockers.strip() or None
    if cmd.mood is not None or cmd.clear_mood:
        row.mood = cmd.mood
    row.updated_at = now
    public: tuple[Message, ...] = ()
    updates: tuple[Update, ...] = ()
    if row.public:
        ref = checkin_ref(row.id)
        if row.posted_channel and row.posted_message_id:
            # Updated in place; both platforms mark an edited message themselves.
            card = cards.checkin_card(
                member, row.did, row.next, row.blockers, row.mood, day, now, ref=ref
            )
            updates = (Update(row.posted_channel, row.posted_message_id, card),)
        else:  # where the card landed is unknown: post the new text, marked as an edit
            card = cards.checkin_card(
                member, row.did, row.next, row.blockers, row.mood, day, now, edited=True, ref=ref
            )
            public = (card,)
    return Reply(
        Message(f"Updated your check-in for {cards.day_name(member, day, now)}."),
        public=public,
        updates=updates,
    )


def parse_ref(ref: str) -> tuple[str, int] | None:
    """The kind (``checkin``, ``milestone``) and id a card's ref names, or None for a ref
    the core does not know."""
    kind, _, ident = ref.partition(":")
    if kind not in ("checkin", "milestone") or not ident.isdigit():
        return None
    return kind, int(ident)


def record_post(session: Session, checkin_id: int, channel_id: str, message_id: str) -> bool:
    """Remember where a check-in's public card landed, so an edit updates it there."""
    result = session.execute(
        _RECORD_POST,
        {"checkin_id": checkin_id, "channel": channel_id[:64], "message": message_id[:64]},
    )
    return bool(getattr(result, "rowcount", 0))


USE_CASES: dict[type[c.Command], UseCase] = {
    c.OpenCheckInForm: UseCase(open_form, READS),
    c.CheckIn: UseCase(checkin, SHOWN_ON_HOME),
    c.EditCheckIn: UseCase(edit_checkin, SHOWN_ON_HOME),
}
