"""Hours: log an amount against a category and day; undo the last entry; list the week's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.commands import USAGE
from bot.domain import commands as c
from bot.domain.amounts import CATEGORIES
from bot.domain.calendar import iso_week, week_start
from bot.domain.errors import NotFound
from bot.messages import Message, Reply, hours_text
from bot.read import cards, stats
from bot.storage.orm import HourLog
from bot.usecases import membership, milestones
from bot.usecases.checkins import entry_day
from bot.usecases.context import READS, SHOWN_ON_HOME, Ctx, UseCase

UNDO_WINDOW = timedelta(hours=24)


def log_hours(ctx: Ctx, cmd: c.LogHours) -> Reply:
    session, now = ctx.session, ctx.now
    member, note = membership.member_or_join(ctx)
    day = entry_day(member, cmd.when, now)
    session.add(
        HourLog(
            member_id=member.id,
            local_date=day,
            minutes=cmd.minutes,
            category=cmd.category,
            note=cmd.note,
            created_at=now,
        )
    )
    session.flush()
    week = stats.week_minutes(session, member, stats.today_for(member, now))
    targets = stats.budget_targets(ctx.content, member.budget)
    lines = [
        f"Logged {hours_text(cmd.minutes)} of {cmd.category} for "
        f"{cards.day_name(member, day, now)}."
    ]
    if note:
        lines.insert(0, note)
    if iso_week(day) == iso_week(stats.today_for(member, now)):
        lines.append(
            f"This week: {hours_text(week[cmd.category])} of "
            f"{hours_text(targets[cmd.category])} {cmd.category}."
        )
    celebrations = milestones.award(session, ctx.content, member, now)
    lines.extend(m.text for m in celebrations)
    public = tuple(celebrations) if member.checkins_public else ()
    return Reply(Message("\n".join(lines), title="Hours logged"), public=public)


def undo_hours(ctx: Ctx, cmd: c.UndoHours) -> Reply:
    member = membership.current_member(ctx)
    row = ctx.session.scalar(
        select(HourLog)
        .where(HourLog.member_id == member.id)
        .order_by(HourLog.created_at.desc(), HourLog.id.desc())
        .limit(1)
    )
    if row is None or ctx.now - row.created_at > UNDO_WINDOW:
        raise NotFound("There's no hour entry from the last 24 hours to undo.", USAGE["hours"])
    text = (
        f"Removed {hours_text(row.minutes)} of {row.category} for "
        f"{cards.day_name(member, row.local_date, ctx.now)}."
    )
    ctx.session.delete(row)
    return Reply(Message(text))


def show_hour_log(ctx: Ctx, cmd: c.ShowHourLog) -> Reply:
    """This week's entries, oldest first, and the totals against the member's targets."""
    member = membership.current_member(ctx)
    today = stats.today_for(member, ctx.now)
    monday = week_start(today)
    rows = ctx.session.scalars(
        select(HourLog)
        .where(HourLog.member_id == member.id, HourLog.local_date.between(monday, today))
        .order_by(HourLog.local_date, HourLog.created_at, HourLog.id)
    ).all()
    title = f"Your hours this week (since {monday:%a %d %b})"
    if not rows:
        text = "Nothing logged this week yet. Log time with `/hours 90m learning`."
        return Reply(Message(text, title=title))
    lines = [
        f"{row.local_date:%a %d %b} · {hours_text(row.minutes)} {row.category}"
        + (f" · {row.note}" if row.note else "")
        for row in rows
    ]
    totals = dict.fromkeys(CATEGORIES, 0)
    for row in rows:
        totals[row.category] += row.minutes
    targets = stats.budget_targets(ctx.content, member.budget)
    parts = [f"{cat} {hours_text(totals[cat])} of {hours_text(targets[cat])}" for cat in CATEGORIES]
    lines.append(f"Total {hours_text(sum(totals.values()))}: " + " · ".join(parts) + ".")
    return Reply(Message("\n".join(lines), title=title))


USE_CASES: dict[type[c.Command], UseCase] = {
    c.LogHours: UseCase(log_hours, SHOWN_ON_HOME),
    c.UndoHours: UseCase(undo_hours, SHOWN_ON_HOME),
    c.ShowHourLog: UseCase(show_hour_log, READS),
}
