"""One scheduler tick: decide what is due, write it to the outbox once, deliver it.

Loading is set-based (a few queries for every member at once); the idempotency
key's unique constraint makes a repeated or concurrent tick harmless.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import nudges, reports
from bot.domain import schedule
from bot.domain.calendar import expand_periods, parse_study_days, zone
from bot.handlers import Core
from bot.messages import Message
from bot.ports import DeliveryError, Destination, Platform
from bot.storage.orm import AwayPeriod, CheckInRow, Cohort, Member, OutboxRow, RestDay

log = logging.getLogger(__name__)


def load_schedules(
    session: Session, now: datetime
) -> tuple[list[schedule.MemberSchedule], list[schedule.CohortSchedule]]:
    cohorts = {c.id: c for c in session.scalars(select(Cohort))}
    last = dict(
        session.execute(
            select(CheckInRow.member_id, func.max(CheckInRow.local_date)).group_by(
                CheckInRow.member_id
            )
        ).all()
    )
    horizon = (now - timedelta(days=60)).date()
    away: dict[int, set[date]] = defaultdict(set)
    for mid, a, b in session.execute(
        select(AwayPeriod.member_id, AwayPeriod.start_date, AwayPeriod.end_date).where(
            AwayPeriod.end_date >= horizon
        )
    ):
        away[mid] |= expand_periods([(max(a, horizon), b)])
    rest: dict[int, set[date]] = defaultdict(set)
    for cid, day in session.execute(
        select(RestDay.cohort_id, RestDay.day).where(RestDay.day >= horizon)
    ):
        rest[cid].add(day)
    members = []
    for m in session.scalars(select(Member).where(Member.status == "active")):
        c = cohorts[m.cohort_id]
        if c.paused:
            continue
        members.append(
            schedule.MemberSchedule(
                member_id=m.id,
                cohort_id=m.cohort_id,
                timezone=m.timezone,
                prompt_time=m.prompt_time or c.prompt_time,
                study_days=parse_study_days(m.study_days or c.study_days),
                joined_on=m.joined_at.astimezone(zone(m.timezone)).date(),
                reminder_day=c.reminder_day,
                review_day=c.review_day,
                inactivity_days=c.inactivity_days,
                quiet_start=m.quiet_start,
                quiet_end=m.quiet_end,
                reminders_off=frozenset(k for k in m.reminders_off.split(",") if k),
                away=frozenset(away[m.id] | rest[m.cohort_id]),
                last_checkin=last.get(m.id),
                snoozed_until=m.snoozed_until,
            )
        )
    cohort_schedules = [
        schedule.CohortSchedule(c.id, c.timezone, c.digest_day, c.prompt_time, c.paused)
        for c in cohorts.values()
    ]
    return members, cohort_schedules


def enqueue_due(
    core: Core, session: Session, now: datetime, grace: timedelta = schedule.DEFAULT_GRACE
) -> int:
    """Write every due message into the outbox once; returns how many were new."""
    members, cohorts = load_schedules(session, now)
    due = schedule.due_messages(now, members, cohorts, grace)
    if not due:
        return 0
    keys = [d.key for d in due]
    existing = set(session.scalars(select(OutboxRow.key).where(OutboxRow.key.in_(keys))))
    fresh = [d for d in due if d.key not in existing]
    by_id = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.id.in_([d.member_id for d in fresh if d.member_id]))
        )
    }
    for d in fresh:
        if d.member_id is not None:
            message, nudge_id = nudges.member_message(
                core, session, by_id[d.member_id], d.kind, d.key, now
            )
        else:
            cohort = session.get(Cohort, d.cohort_id)
            assert cohort is not None
            data = reports.cohort_summary(session, cohort, now, core.content)
            summary = reports.summary_message(data, chart=False)
            line = nudges.digest_line(core.content, d.key)
            message = Message(
                line or summary.text,
                title="Weekly digest",
                fields=summary.fields[:7],
                blocks=summary.blocks[1:],
            )
            nudge_id = None
        session.add(
            OutboxRow(
                key=d.key,
                cohort_id=d.cohort_id,
                member_id=d.member_id,
                kind=d.kind,
                nudge_id=nudge_id,
                payload=message.to_dict(),
                due_at=d.due_at,
                expires_at=d.expires_at,
                status="pending",
                attempts=0,
                created_at=now,
            )
        )
    session.flush()
    return len(fresh)


def destination_for(row: OutboxRow, cohort: Cohort, member: Member | None) -> Destination:
    if member is not None and member.delivery == "dm":
        return Destination(cohort.platform, cohort.workspace_id, cohort.channel_id, member.user_id)
    return Destination(cohort.platform, cohort.workspace_id, cohort.channel_id)


def deliver_pending(session: Session, platform: Platform, now: datetime) -> tuple[int, int]:
    """Send pending rows in due order; late ones past their window are skipped.

    Returns (sent, skipped). The full retrying, claiming delivery loop is built on this.
    """
    rows = session.scalars(
        select(OutboxRow)
        .where(OutboxRow.status == "pending", OutboxRow.due_at <= now)
        .order_by(OutboxRow.due_at, OutboxRow.id)
    ).all()
    sent = skipped = 0
    for row in rows:
        if row.expires_at is not None and now >= row.expires_at:
            row.status, row.last_error = "skipped", "expired before delivery"
            skipped += 1
            continue
        cohort = session.get(Cohort, row.cohort_id)
        member = session.get(Member, row.member_id) if row.member_id else None
        assert cohort is not None
        try:
            row.platform_message_id = platform.send(
                destination_for(row, cohort, member), Message.from_dict(row.payload)
            )
        except DeliveryError as exc:
            row.attempts += 1
            row.last_error = exc.reason
            if exc.permanent:
                row.status = "failed"
            continue
        row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        sent += 1
    return sent, skipped
