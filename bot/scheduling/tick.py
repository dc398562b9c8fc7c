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
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from bot.domain import schedule
from bot.domain.calendar import expand_periods, local_today, parse_study_days
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
                joined_on=local_today(joined, tz),
                reminder_day=reminder,
                review_day=review,
                inactivity_days=inactivity,
                quiet_start=q_start,
                quiet_end=q_end,
                reminders_off=frozenset(k for k in off.split(",") if k) if off else frozenset(),
                away=frozenset(member_away | cohort_rest) if member_away else cohort_rest,
                own_away=frozenset(member_away) if member_away else empty,
                last_checkin=last,
                snoozed_until=snoozed,
            )
        )
    cohort_schedules = [
        schedule.CohortSchedule(cid, tz, digest_day, digest_time, paused)
        for cid, tz, digest_day, digest_time, paused in cohorts
    ]
    return members, cohort_schedules


_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS outbox_stage (key varchar(160), cohort_id integer, "
    "member_id integer, kind varchar(30), due_at timestamp, expires_at timestamp)"
)
# Rows get ids in due, cohort and member order, so delivery order is the same on every run.
_FROM_STAGE = (
    "INSERT INTO outbox (key, cohort_id, member_id, kind, due_at, expires_at, status, attempts, "
    "created_at) SELECT key, cohort_id, member_id, kind, due_at, expires_at, 'pending', 0, {now} "
    "FROM outbox_stage WHERE true ORDER BY due_at, cohort_id, member_id "
    "ON CONFLICT (key) DO NOTHING"
)


def _stage_into_outbox(conn: Connection, rows: list[tuple[Any, ...]], now: datetime) -> int:
    """Bulk-load rows into a session-local stage, then one INSERT ... SELECT.

    The driver's own bulk path (COPY on PostgreSQL, executemany on SQLite) avoids
    SQLAlchemy's per-row parameter work, which dominated a 100,000-member tick; the
    INSERT still skips keys a concurrent worker queued first. Moments are written
    the way the schema stores them (naive UTC; see ``UTCDateTime``).
    """
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_STAGE)
        if conn.dialect.name == "postgresql":
            with cursor.copy("COPY outbox_stage FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(_FROM_STAGE.format(now="%s"), (_naive_utc(now),))
        else:
            # SQLAlchemy's SQLite DATETIME text format, so stored values compare correctly.
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            cursor.executemany(
                "INSERT INTO outbox_stage VALUES (?, ?, ?, ?, ?, ?)",
                [(k, c, m, kind, d.strftime(fmt), e.strftime(fmt)) for k, c, m, kind, d, e in rows],
            )
            cursor.execute(_FROM_STAGE.format(now="?"), (_naive_utc(now).strftime(fmt),))
        inserted = cursor.rowcount
        cursor.execute("DELETE FROM outbox_stage")
        return int(inserted)
    finally:
        cursor.close()


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def enqueue_due(
    conn: Connection,
    now: datetime,
    grace: timedelta = schedule.DEFAULT_GRACE,
    chunk: int = 50_000,
    tick_every: timedelta = schedule.TICK_EVERY,
) -> TickResult:
    """Write every due message into the outbox once; returns counts for the log.

    Ticking every ``tick_every``, each message is found by at least one tick however
    small the grace.
    """
    grace = schedule.due_window(grace, tick_every)
    members, cohorts = load_schedules(conn, now)
    due = schedule.due_messages(now, members, cohorts, grace)
    if not due:
        return TickResult(len(members), 0, 0)
    queued = 0
    # Every due item's moment lies in [now - grace, now]: one range scan over the due_at
    # index finds the keys already queued, instead of a giant IN list.
    known = set(
        conn.scalars(
            select(OutboxRow.key).where(
                OutboxRow.due_at >= now - grace - timedelta(minutes=1),
                OutboxRow.due_at <= now + timedelta(minutes=1),
            )
        )
    )
    for i in range(0, len(due), chunk):
        part = due[i : i + chunk]
        fresh = [
            (
                d.key,
                d.cohort_id,
                d.member_id,
                d.kind,
                _naive_utc(d.due_at),
                _naive_utc(d.expires_at),
            )
            for d in part
            if d.key not in known
        ]
        if fresh:
            queued += _stage_into_outbox(conn, fresh, now)
    log.info(
        "tick at %s: %d members, %d due, %d newly queued",
        now.isoformat(),
        len(members),
        len(due),
        queued,
    )
    return TickResult(len(members), len(due), queued)
