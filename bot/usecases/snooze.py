"""Snooze: hold check-in prompts for a while; the snoozed prompt comes back once after."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.domain import commands as c
from bot.domain.calendar import zone
from bot.domain.errors import UsageError
from bot.messages import Button, Message, Reply, hours_text
from bot.read import cards, stats
from bot.storage.orm import OutboxRow
from bot.usecases import membership
from bot.usecases.context import WRITES, Ctx, UseCase


def snooze(ctx: Ctx, cmd: c.Snooze) -> Reply:
    session, now = ctx.session, ctx.now
    member = membership.current_member(ctx)
    if cmd.until_tomorrow:
        tz = zone(member.timezone)
        tomorrow = stats.today_for(member, now) + timedelta(days=1)
        until = datetime.combine(tomorrow, datetime.min.time(), tz)
        text = "Snoozed until tomorrow. Rest well."
    else:
        # Only a missing value means the default; 0 is out of range, not "an hour".
        minutes = 60 if cmd.minutes is None else cmd.minutes
        if not 1 <= minutes <= 24 * 60:
            raise UsageError("Snooze for 1 minute to 24 hours.")
        until = now + timedelta(minutes=minutes)
        text = f"Snoozed for {hours_text(minutes)}. I'll ask again after that."
    member.snoozed_until = until
    # The prompt they snoozed comes back once when the snooze ends.
    key = f"snooze:m{member.id}:{until.astimezone(zone('UTC')):%Y%m%dT%H%M}"
    if session.scalar(select(OutboxRow.id).where(OutboxRow.key == key)) is None:
        q = ctx.content.prompts.checkin_questions
        message = Message(
            f"{q.did}\n{cards.plan_line(session, ctx.content, member, now)}",
            title="Check-in time",
            buttons=(
                Button("Check in now", "checkin_open", style="primary"),
                Button("Log hours", "hours_open"),
            ),
        )
        session.add(
            OutboxRow(
                key=key,
                cohort_id=member.cohort_id,
                member_id=member.id,
                kind="snoozed_prompt",
                payload=message.to_dict(),
                due_at=until,
                expires_at=until + timedelta(hours=2),
                status="pending",
                attempts=0,
                created_at=now,
            )
        )
    return Reply(Message(text))


USE_CASES: dict[type[c.Command], UseCase] = {
    c.Snooze: UseCase(snooze, WRITES),
}
