"""A cohort's data as four CSV files, and one member's own data as JSON.

Rows are streamed from the database (``yield_per``: a server-side cursor on
PostgreSQL) straight into ``csv.writer``, so memory stays flat however large
the cohort. Columns are stable; add new ones at the end, never rename.

``checkins.csv``   member, user_id, local_date, did, next, blockers, mood, public
``hours.csv``      member, user_id, local_date, category, minutes, note
``plan.csv``       member, user_id, week, goal, done_at
``milestones.csv`` member, user_id, milestone, awarded_at

* ``member`` is the display name, ``user_id`` the platform's user id; every
  member of the cohort is included, also those who left (their past rows are
  still theirs); forgotten members (``/cohort forget-me``) are gone entirely.
* ``local_date`` is the member's own date the entry counts for (YYYY-MM-DD);
  ``done_at`` and ``awarded_at`` are UTC, ``YYYY-MM-DDTHH:MM:SSZ``; an empty
  cell is "none".
* ``did``, ``next`` and ``blockers`` read ``(private)`` for a member who keeps
  check-ins private: the export is for admins, the words are the member's.
* ``mood`` is 1-5 or empty; ``public`` is ``yes``/``no``; ``category`` is
  learning, building or networking; ``minutes`` a whole number; ``week`` 1-4
  of the 30-day plan; ``goal`` empty means the template's default goal.
* A date range filters check-ins and hours by ``local_date`` and milestones
  by ``awarded_at`` (the cohort's local days); ``plan.csv`` is the plan as it
  stands, whatever the range.
* Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, Select, select
from sqlalchemy.orm import Session

from bot.domain.calendar import zone
from bot.messages import Attachment
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    MilestoneAward,
    PlanWeek,
    Sprint,
)

EXPORT_COLUMNS: dict[str, list[str]] = {
    "checkins.csv": [
        "member",
        "user_id",
        "local_date",
        "did",
        "next",
        "blockers",
        "mood",
        "public",
    ],
    "hours.csv": ["member", "user_id", "local_date", "category", "minutes", "note"],
    "plan.csv": ["member", "user_id", "week", "goal", "done_at"],
    "milestones.csv": ["member", "user_id", "milestone", "awarded_at"],
}
PRIVATE = "(private)"
BATCH = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: object) -> object:
    """One value as a CSV cell: text neutralised, times in UTC, none as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def _stream(session: Session, query: Select[Any]) -> Iterator[Any]:
    """Rows in batches; on PostgreSQL through a server-side cursor."""
    return iter(session.execute(query.execution_options(yield_per=BATCH)))


def _bounds(cohort: Cohort, since: date | None, until: date | None) -> tuple[datetime | None, ...]:
    tz = zone(cohort.timezone)
    start = datetime.combine(since, datetime.min.time(), tz) if since else None
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tz) if until else None
    return start, end


def cohort_rows(
    session: Session,
    cohort: Cohort,
    name: str,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[list[object]]:
    """The rows of one export file (without its header), streamed and ready to write."""
    who = select(Member.id, Member.display_name, Member.user_id).where(
        Member.cohort_id == cohort.id
    )
    w = who.subquery()
    if name == "checkins.csv":
        q = (
            select(
                w.c.display_name,
                w.c.user_id,
                CheckInRow.local_date,
                CheckInRow.did,
                CheckInRow.next,
                CheckInRow.blockers,
                CheckInRow.mood,
                CheckInRow.public,
            )
            .join(w, w.c.id == CheckInRow.member_id)
            .order_by(CheckInRow.local_date, w.c.user_id)
        )
        if since:
            q = q.where(CheckInRow.local_date >= since)
        if until:
            q = q.where(CheckInRow.local_date <= until)
        for n, u, d, did, nx, bl, mood, pub in _stream(session, q):
            words = (did, nx, bl) if pub else (PRIVATE, PRIVATE, PRIVATE)
            yield [cell(v) for v in (n, u, d, *words, mood, pub)]
    elif name == "hours.csv":
        q = (
            select(
                w.c.display_name,
                w.c.user_id,
                HourLog.local_date,
                HourLog.category,
                HourLog.minutes,
                HourLog.note,
            )
            .join(w, w.c.id == HourLog.member_id)
            .order_by(HourLog.local_date, HourLog.id)
        )
        if since:
            q = q.where(HourLog.local_date >= since)
        if until:
            q = q.where(HourLog.local_date <= until)
        for row in _stream(session, q):
            yield [cell(v) for v in row]
    elif name == "plan.csv":
        q = (
            select(w.c.display_name, w.c.user_id, PlanWeek.week, PlanWeek.goal, PlanWeek.done_at)
            .join(w, w.c.id == PlanWeek.member_id)
            .order_by(w.c.user_id, PlanWeek.week)
        )
        for row in _stream(session, q):
            yield [cell(v) for v in row]
    elif name == "milestones.csv":
        start, end = _bounds(cohort, since, until)
        q = (
            select(
                w.c.display_name,
                w.c.user_id,
                MilestoneAward.milestone,
                MilestoneAward.awarded_at,
            )
            .join(w, w.c.id == MilestoneAward.member_id)
            .order_by(MilestoneAward.awarded_at, w.c.user_id, MilestoneAward.milestone)
        )
        if start:
            q = q.where(MilestoneAward.awarded_at >= start)
        if end:
            q = q.where(MilestoneAward.awarded_at < end)
        for row in _stream(session, q):
            yield [cell(v) for v in row]
    else:
        raise ValueError(f"no export file named {name!r}")


def write_csv(out: Any, name: str, rows: Iterable[Iterable[object]]) -> int:
    """Write the header and ``rows`` to a text stream; returns how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS[name])
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_cohort_csvs(
    session: Session,
    cohort: Cohort,
    out_dir: Path,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, int]:
    """Write the four CSV files into ``out_dir``; returns rows written per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in EXPORT_COLUMNS:
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            counts[name] = write_csv(f, name, cohort_rows(session, cohort, name, since, until))
    return counts


def export_files(session: Session, cohort: Cohort) -> list[Attachment]:
    """The four CSV files as attachments, for ``/cohort export`` in chat.

    A chat upload needs the bytes; the CLI (``cohortbot export``) writes files instead.
    """
    files = []
    for name in EXPORT_COLUMNS:
        buf = io.StringIO(newline="")
        write_csv(buf, name, cohort_rows(session, cohort, name))
        files.append(Attachment(name, buf.getvalue().encode("utf-8"), "text/csv"))
    return files


# -- a member's own data --------------------------------------------------------------


def _iso(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # a time of day
        return value.isoformat()
    return value


def _rows(session: Session, query: Executable) -> list[dict[str, object]]:
    return [{k: _iso(v) for k, v in row._mapping.items()} for row in session.execute(query)]


def member_data(session: Session, cohort: Cohort, user_id: str) -> dict[str, object] | None:
    """Everything the bot holds about one member in a cohort, private words included:
    it is their own data (``cohortbot export-member``). None when there is no such member."""
    member = session.scalar(
        select(Member).where(Member.cohort_id == cohort.id, Member.user_id == user_id)
    )
    if member is None:
        return None
    mid = member.id
    settings = {
        col.key: _iso(getattr(member, col.key))
        for col in Member.__table__.columns
        if col.key not in ("id", "cohort_id", "last_nudges")
    }
    sprints = []
    for sprint in session.scalars(
        select(Sprint).where(Sprint.member_id == mid).order_by(Sprint.iso_week)
    ):
        sprints.append(
            {
                "iso_week": sprint.iso_week,
                "targets_minutes": {
                    "learning": sprint.target_learning,
                    "building": sprint.target_building,
                    "networking": sprint.target_networking,
                },
                "review": sprint.review,
                "closed_at": _iso(sprint.closed_at),
                "goals": [
                    {"text": g.text, "source": g.source, "done_at": _iso(g.done_at)}
                    for g in sprint.goals
                ],
            }
        )
    c = CheckInRow
    return {
        "cohort": cohort.name,
        "platform": cohort.platform,
        "exported_at": _iso(datetime.now(UTC)),
        "member": settings,
        "checkins": _rows(
            session,
            select(
                c.local_date,
                c.did,
                c.next,
                c.blockers,
                c.mood,
                c.public,
                c.created_at,
                c.updated_at,
            )
            .where(c.member_id == mid)
            .order_by(c.local_date),
        ),
        "hours": _rows(
            session,
            select(
                HourLog.local_date,
                HourLog.category,
                HourLog.minutes,
                HourLog.note,
                HourLog.created_at,
            )
            .where(HourLog.member_id == mid)
            .order_by(HourLog.local_date, HourLog.id),
        ),
        "plan": _rows(
            session,
            select(PlanWeek.week, PlanWeek.goal, PlanWeek.done_at)
            .where(PlanWeek.member_id == mid)
            .order_by(PlanWeek.week),
        ),
        "sprints": sprints,
        "milestones": _rows(
            session,
            select(MilestoneAward.milestone, MilestoneAward.awarded_at)
            .where(MilestoneAward.member_id == mid)
            .order_by(MilestoneAward.awarded_at, MilestoneAward.milestone),
        ),
        "away": _rows(
            session,
            select(AwayPeriod.start_date, AwayPeriod.end_date)
            .where(AwayPeriod.member_id == mid)
            .order_by(AwayPeriod.start_date),
        ),
    }
