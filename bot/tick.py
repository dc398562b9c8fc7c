"""One scheduler tick: decide what is due and write it to the outbox, once.

Loading is set-based (a handful of queries for every member at once, columns
only, no ORM objects); the decisions are the pure functions of
``bot.domain.schedule``; the rows go in with one multi-row INSERT that skips
keys already present (``ON CONFLICT DO NOTHING``), so a repeated tick, or two
workers ticking together, can never queue a message twice. The words are
composed later, when the delivery loop sends the row.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.domain import schedule
from bot.domain.calendar import expand_periods, parse_study_days
from bot.storage.orm import AwayPeriod, Cohort, Member, OutboxRow, RestDay

log = logging.getLogger(__name__)

AWAY_HORIZON = timedelta(days=62)  # inactivity looks back at most this far


@dataclass(frozen=True)
class TickResult:
    members: int
    due: int
    queued: int


def load_schedules(
    conn: Connection, now: datetime
) -> tuple[list[schedule.MemberSchedule], list[schedule.CohortSchedule]]:
    """Every active member's schedule and every cohort's digest, in a few queries."""
    horizon = (now - AWAY_HORIZON).date()
    away: dict[int, set[date]] = defaultdict(set)
    for mid, a, b in conn.execute(
        select(AwayPeriod.member_id, AwayPeriod.start_date, AwayPeriod.end_date).where(
            AwayPeriod.end_date >= horizon
        )
    ):
        away[mid] |= expand_periods([(max(a, horizon), b)])
    rest: dict[int, frozenset[date]] = {}
    rest_sets: dict[int, set[date]] = defaultdict(set)
    for cid, day in conn.execute(
        select(RestDay.cohort_id, RestDay.day).where(RestDay.day >= horizon)
    ):
        rest_sets[cid].add(day)
    rest = {cid: frozenset(days) for cid, days in rest_sets.items()}
    cohorts = conn.execute(
        select(Cohort.id, Cohort.timezone, Cohort.digest_day, Cohort.prompt_time, Cohort.paused)
    ).all()
    rows = conn.execute(
        select(
            Member.id,
            Member.cohort_id,
            Member.timezone,
            Member.prompt_time,
            Cohort.prompt_time,
            Member.study_days,
            Cohort.study_days,
            Member.joined_at,
            Cohort.reminder_day,
            Cohort.review_day,
            Cohort.inactivity_days,
            Member.quiet_start,
            Member.quiet_end,
            Member.reminders_off,
            Member.last_checkin_on,
            Member.snoozed_until,
        )
        .join(Cohort, Cohort.id == Member.cohort_id)
        .where(Member.status == "active", Cohort.paused.is_(False))
    )
    days_cache: dict[str, frozenset[int]] = {}
    empty: frozenset[date] = frozenset()
    members = []
    for (
        mid,
        cid,
        tz,
        m_time,
        c_time,
        m_days,
        c_days,
        joined,
        reminder,
        review,
        inactivity,
        q_start,
        q_end,
        off,
        last,
        snoozed,
    ) in rows:
        days_text = m_days or c_days
        study = days_cache.get(days_text)
        if study is None:
            study = days_cache[days_text] = parse_study_days(days_text)
        member_away = away.get(mid)
        cohort_rest = rest.get(cid, empty)
        members.append(
            schedule.MemberSchedule(
                member_id=mid,
                cohort_id=cid,
                timezone=tz,
                prompt_time=m_time or c_time,
                study_days=study,
                joined_on=schedule.local_date_of(joined, tz),
                reminder_day=reminder,
                review_day=review,
                inactivity_days=inactivity,
                quiet_start=q_start,
                quiet_end=q_end,
                reminders_off=frozenset(k for k in off.split(",") if k) if off else frozenset(),
                away=frozenset(member_away | cohort_rest) if member_away else cohort_rest,
                last_checkin=last,
                snoozed_until=snoozed,
            )
        )
    cohort_schedules = [
        schedule.CohortSchedule(cid, tz, digest_day, digest_time, paused)
        for cid, tz, digest_day, digest_time, paused in cohorts
    ]
    return members, cohort_schedules


def _insert_ignoring_duplicates(conn: Connection):  # type: ignore[no-untyped-def]
    if conn.dialect.name == "postgresql":
        return postgresql.insert(OutboxRow).on_conflict_do_nothing(index_elements=["key"])
    if conn.dialect.name == "sqlite":
        return sqlite.insert(OutboxRow).on_conflict_do_nothing(index_elements=["key"])
    return insert(OutboxRow)


def enqueue_due(
    conn: Connection,
    now: datetime,
    grace: timedelta = schedule.DEFAULT_GRACE,
    chunk: int = 5000,
) -> TickResult:
    """Write every due message into the outbox once; returns counts for the log."""
    members, cohorts = load_schedules(conn, now)
    due = schedule.due_messages(now, members, cohorts, grace)
    if not due:
        return TickResult(len(members), 0, 0)
    stmt = _insert_ignoring_duplicates(conn)
    queued = 0
    for i in range(0, len(due), chunk):
        part = due[i : i + chunk]
        # Most ticks find most due keys already queued (the window is two hours long);
        # skip those with one indexed look-up instead of sending them to the INSERT.
        known = set(
            conn.scalars(select(OutboxRow.key).where(OutboxRow.key.in_([d.key for d in part])))
        )
        fresh = [
            {
                "key": d.key,
                "cohort_id": d.cohort_id,
                "member_id": d.member_id,
                "kind": d.kind,
                "due_at": d.due_at,
                "expires_at": d.expires_at,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            }
            for d in part
            if d.key not in known
        ]
        if fresh:
            # ON CONFLICT DO NOTHING still guards against a worker ticking at the same time.
            # With RETURNING, SQLAlchemy batches the rows into multi-row VALUES statements
            # ("insertmanyvalues") on both databases, and the count is exact.
            queued += len(conn.execute(stmt.returning(OutboxRow.id), fresh).all())
    log.info(
        "tick at %s: %d members, %d due, %d newly queued",
        now.isoformat(),
        len(members),
        len(due),
        queued,
    )
    return TickResult(len(members), len(due), queued)
