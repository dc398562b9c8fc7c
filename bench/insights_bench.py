"""Benchmark: cohort insights (summary, digest, export) on a big cohort, SQLite and PostgreSQL.

    .venv/bin/python bench/insights_bench.py [--members 500] [--days 365] [--db both]
                                             [--memory 50,500,5000] [--memory-days 365,365,73]

For each database it creates a fresh schema (SQLite: a temp file; PostgreSQL:
``CREATE DATABASE`` on COHORTBOT_TEST_PG_URL or the local server, dropped
after), bulk-inserts one cohort with Core inserts (members across 20 time
zones, a year of daily check-ins and hour logs, plans, milestones, away
periods), then prints one table:

* ``cohort_summary`` and digest composition (median of several runs) and the
  export of the whole year to a temp dir;
* the query plan (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``) of every statement the
  summary runs, key lines only, to show the indexes are used;
* the export's peak traced memory and max RSS, each measured in a fresh child
  process, for cohorts of 50, 500 and 5,000 members. The 5,000-member cohort
  gets fewer days by default (73: the same 365,000 member-days as 1,000
  members for a year) to keep the fill bounded; rows still grow 10x.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.content import load_content
from bot.storage.db import make_engine, normalize_url, upgrade
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    MemberPeriod,
    MilestoneAward,
    PlanWeek,
)

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday
ZONES = [
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Helsinki", "Asia/Kolkata",
    "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "Pacific/Honolulu", "Africa/Lagos", "Africa/Nairobi", "Asia/Jerusalem", "Asia/Kathmandu",
    "America/St_Johns",
]  # fmt: skip
BUDGETS = ["full-time", "part-time", "part-time", "minimal"]
CATS = ["learning", "building", "networking"]
MILESTONES = ["first_checkin", "streak_3", "streak_7", "hours_10", "hours_25", "plan_week_1"]
PG_URL = normalize_url(
    os.environ.get("COHORTBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
)


# -- the data ---------------------------------------------------------------------------


def populate(engine: Engine, members: int, days: int, seed: int = 42) -> int:
    """One cohort of ``members`` with ``days`` days of history up to NOW; returns its id.

    Each member checks in on a share of days drawn per member (40-100%: some
    perfect, most patchy), logs one or two hour entries on most check-in days,
    and has a 30-day plan. A quarter opted in to the leaderboard; one in five
    keeps check-ins private; one in fifty has left.
    """
    rnd = random.Random(seed)
    first = NOW.date() - timedelta(days=days - 1)
    joined = datetime.combine(first, datetime.min.time(), UTC) - timedelta(days=1)
    with engine.begin() as conn:
        cohort_id = conn.execute(
            insert(Cohort).returning(Cohort.id),
            {
                "platform": "bench",
                "workspace_id": "W",
                "channel_id": f"C{uuid.uuid4().hex[:8]}",
                "name": "bench cohort",
                "timezone": "UTC",
                "start_date": first,
                "created_at": joined,
            },
        ).scalar_one()
        rows = [
            {
                "cohort_id": cohort_id,
                "user_id": f"U{i:05d}",
                "display_name": f"member {i}",
                "timezone": ZONES[i % len(ZONES)],
                "budget": BUDGETS[i % len(BUDGETS)],
                "plan_start": first,
                "checkins_public": i % 5 != 0,
                "leaderboard": i % 4 == 0,
                "status": "left" if i % 50 == 49 else "active",
                "last_nudges": {},
                "joined_at": joined,
            }
            for i in range(members)
        ]
        ids = conn.execute(insert(Member).returning(Member.id), rows).scalars().all()
        ids = sorted(ids)
        # Each member's membership period; those who left, at no known time, have none
        # (as the migration that made the periods did).
        conn.execute(
            insert(MemberPeriod).from_select(
                ["member_id", "joined_at"],
                select(Member.id, Member.joined_at).where(
                    Member.cohort_id == cohort_id, Member.status != "left"
                ),
            )
        )

        def flush(table: Any, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
            if batch:
                conn.execute(insert(table), batch)
            return []

        checkins: list[dict[str, Any]] = []
        hours: list[dict[str, Any]] = []
        for n, mid in enumerate(ids):
            share = 1.0 if n % 10 == 0 else rnd.uniform(0.4, 0.98)
            last: date | None = None
            for d in range(days):
                day = first + timedelta(days=d)
                if rnd.random() > share:
                    continue
                last = day
                stamp = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=18)
                checkins.append(
                    {
                        "member_id": mid,
                        "local_date": day,
                        "did": f"worked on lesson {d} and =SUM(A1) tests",
                        "next": "next lesson",
                        "blockers": None if d % 7 else "flaky GPU",
                        "mood": 1 + d % 5,
                        "public": n % 5 != 0,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
                for k in range(1 + (d % 3 == 0)):
                    hours.append(
                        {
                            "member_id": mid,
                            "local_date": day,
                            "minutes": rnd.choice([30, 45, 60, 90, 120]),
                            "category": CATS[(d + k + n) % 3],
                            "note": "notes" if k else None,
                            "created_at": stamp,
                        }
                    )
            if len(checkins) > 20_000:
                checkins = flush(CheckInRow, checkins)
            if len(hours) > 20_000:
                hours = flush(HourLog, hours)
            conn.execute(
                text("UPDATE members SET last_checkin_on = :d WHERE id = :id"),
                {"d": last, "id": mid},
            )
        flush(CheckInRow, checkins)
        flush(HourLog, hours)
        flush(
            PlanWeek,
            [
                {
                    "member_id": mid,
                    "week": w,
                    "goal": None if n % 7 == 0 else f"goal {w} of member {n}",
                    "done_at": joined + timedelta(days=7 * w) if (n + w) % 3 else None,
                }
                for n, mid in enumerate(ids)
                for w in (1, 2, 3, 4)
            ],
        )
        flush(
            MilestoneAward,
            [
                {
                    "member_id": mid,
                    "milestone": m,
                    "awarded_at": NOW - timedelta(days=rnd.randint(0, min(days, 365) - 1)),
                }
                for mid in ids
                for m in MILESTONES
            ],
        )
        flush(
            AwayPeriod,
            [
                {
                    "member_id": mid,
                    "start_date": NOW.date() - timedelta(days=40),
                    "end_date": NOW.date() - timedelta(days=33),
                }
                for mid in ids[::9]
            ],
        )
    return cohort_id


def clone_cohort(engine: Engine, cohort_id: int, copies: int) -> None:
    """Other cohorts just as busy, copied in SQL: the tables then hold far more than the
    measured cohort, as a real database would, so the plans must use the indexes."""
    from sqlalchemy import literal
    from sqlalchemy.orm import aliased

    def copy_of(table: Any, replace: dict[str, Any]) -> tuple[list[str], list[Any]]:
        cols = [c for c in table.c if c.key != "id"]
        return [c.key for c in cols], [replace.get(c.key, c) for c in cols]

    with engine.begin() as conn:
        for k in range(copies):
            names, cols = copy_of(Cohort.__table__, {"channel_id": literal(f"C-other-{k}")})
            new = conn.execute(
                insert(Cohort)
                .from_select(names, select(*cols).where(Cohort.id == cohort_id))
                .returning(Cohort.id)
            ).scalar_one()
            names, cols = copy_of(Member.__table__, {"cohort_id": literal(new)})
            conn.execute(
                insert(Member).from_select(
                    names, select(*cols).where(Member.cohort_id == cohort_id)
                )
            )
            old_m, new_m = aliased(Member), aliased(Member)
            for model in (CheckInRow, HourLog, PlanWeek, MilestoneAward, MemberPeriod):
                names, cols = copy_of(model.__table__, {"member_id": new_m.id})
                conn.execute(
                    insert(model).from_select(
                        names,
                        select(*cols)
                        .join(old_m, old_m.id == model.member_id)
                        .join(new_m, (new_m.user_id == old_m.user_id) & (new_m.cohort_id == new))
                        .where(old_m.cohort_id == cohort_id),
                    )
                )


# -- databases --------------------------------------------------------------------------


@contextmanager
def database(kind: str) -> Iterator[Engine]:
    """A fresh migrated database of ``kind``, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            upgrade(engine)
            try:
                yield engine
            finally:
                engine.dispose()
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"cohortbot_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def analyze(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


# -- measurements -----------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median wall time in ms of ``runs`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


_CONTENT: list[Any] = []


def content() -> Any:
    """The shipped content, loaded once (loading YAML is not what we measure)."""
    if not _CONTENT:
        _CONTENT.append(load_content())
    return _CONTENT[0]


def run_summary(engine: Engine, cohort_id: int) -> object:
    from bot.read import reports

    with Session(engine) as s:
        cohort = s.get(Cohort, cohort_id)
        assert cohort is not None
        return reports.cohort_summary(s, cohort, NOW, content())


def run_digest(engine: Engine, cohort_id: int) -> object:
    from bot.read import digest

    with Session(engine) as s:
        cohort = s.get(Cohort, cohort_id)
        assert cohort is not None
        return digest.compose(s, cohort, NOW, content(), key=f"digest:c{cohort_id}:2026-W49")


def run_export(engine: Engine, cohort_id: int, out: Path) -> dict[str, int]:
    from bot.read import export

    with Session(engine) as s:
        cohort = s.get(Cohort, cohort_id)
        assert cohort is not None
        return export.write_cohort_csvs(
            s, cohort, out, since=NOW.date() - timedelta(days=365), until=NOW.date()
        )


def captured_statements(engine: Engine, fn: Callable[[], object]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and not many:
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


def plans(engine: Engine, statements: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    """(first words of the query, key plan lines) per captured statement."""
    out: list[tuple[str, list[str]]] = []
    with engine.connect() as conn:
        for statement, params in statements:
            prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, params).all()
            if engine.dialect.name == "sqlite":
                lines = [str(r[-1]) for r in rows]
            else:
                lines = [str(r[0]).strip() for r in rows]
                keep = ("Scan", "Index", "Join", "Loop", "Aggregate", "Sort", "Bitmap")
                lines = [ln for ln in lines if any(k in ln for k in keep)] or lines[:3]
            where = statement.split("FROM", 1)[1].split()[0] if "FROM" in statement else "?"
            out.append((where, lines[:6]))
    return out


def child_export(url: str, cohort_id: int, out: str) -> None:
    """In a fresh process: export with tracemalloc on, print JSON of the peaks."""
    engine = make_engine(url)
    tracemalloc.start()
    t0 = time.perf_counter()
    counts = run_export(engine, cohort_id, Path(out))
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"peak_mb": peak / 2**20, "rss_mb": rss_kb / 1024, "rows": sum(counts.values()),
             "seconds": seconds}
        )
    )  # fmt: skip


def measure_memory(engine: Engine, cohort_id: int) -> dict[str, Any]:
    url = engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [sys.executable, __file__, "--child-export", url, str(cohort_id), out],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- the run ----------------------------------------------------------------------------


def bench_db(kind: str, members: int, days: int, runs: int, others: int) -> dict[str, Any]:
    with database(kind) as engine:
        t0 = time.perf_counter()
        cohort_id = populate(engine, members, days)
        clone_cohort(engine, cohort_id, others)
        analyze(engine)
        fill = time.perf_counter() - t0
        with engine.connect() as conn:
            n_checkins = conn.scalar(select(text("count(*)")).select_from(CheckInRow.__table__))
            n_hours = conn.scalar(select(text("count(*)")).select_from(HourLog.__table__))
            mine = conn.scalar(
                select(text("count(*)"))
                .select_from(CheckInRow.__table__.join(Member.__table__))
                .where(Member.cohort_id == cohort_id)
            )
        summary_ms = timed(lambda: run_summary(engine, cohort_id), runs)
        digest_ms = timed(lambda: run_digest(engine, cohort_id), runs)
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            counts = run_export(engine, cohort_id, Path(out))
            export_s = time.perf_counter() - t0
        statements = captured_statements(engine, lambda: run_summary(engine, cohort_id))
        return {
            "db": kind,
            "fill_s": fill,
            "checkins": n_checkins,
            "mine": mine,
            "hours": n_hours,
            "summary_ms": summary_ms,
            "digest_ms": digest_ms,
            "export_s": export_s,
            "export_rows": sum(counts.values()),
            "plans": plans(engine, statements),
        }


def memory_db(kind: str, sizes: list[int], days: list[int]) -> list[dict[str, Any]]:
    out = []
    for members, d in zip(sizes, days, strict=True):
        with database(kind) as engine:
            cohort_id = populate(engine, members, d)
            analyze(engine)
            m = measure_memory(engine, cohort_id)
            out.append({"db": kind, "members": members, "days": d, **m})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--members", type=int, default=500)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument(
        "--other-cohorts", type=int, default=3, help="copies of the cohort beside it (noise)"
    )
    p.add_argument("--memory", default="50,500,5000", help="cohort sizes for memory ('' = skip)")
    p.add_argument("--memory-days", default="365,365,73")
    p.add_argument("--child-export", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_export:
        url, cohort_id, out = args.child_export
        child_export(url, int(cohort_id), out)
        return 0
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [bench_db(k, args.members, args.days, args.runs, args.other_cohorts) for k in kinds]

    print(
        f"\ncohort of {args.members} members, {args.days} days of history, "
        f"at {NOW:%Y-%m-%d %H:%M} UTC"
    )
    print(
        f"the database also holds {args.other_cohorts} other cohorts just as busy; "
        f"times are medians of {args.runs} runs"
    )
    print(f"{'db':<11} {'cohort check-ins':>16} {'in table':>9} {'hour logs':>9} {'summary':>10} "
          f"{'digest':>10} {'export year':>12} {'rows':>8}")  # fmt: skip
    for r in results:
        print(
            f"{r['db']:<11} {r['mine']:>16} {r['checkins']:>9} {r['hours']:>9} "
            f"{r['summary_ms']:>7.1f} ms {r['digest_ms']:>7.1f} ms {r['export_s']:>10.2f} s "
            f"{r['export_rows']:>8}"
        )
    print("targets: summary < 200 ms, export of the year < 5 s")
    for r in results:
        print(f"\nquery plans of cohort_summary on {r['db']}:")
        for where, lines in r["plans"]:
            print(f"  FROM {where}")
            for line in lines:
                print(f"      {line if len(line) < 150 else line[:147] + '...'}")

    if args.memory:
        sizes = [int(x) for x in args.memory.split(",")]
        days = [int(x) for x in args.memory_days.split(",")][: len(sizes)]
        mem = [row for k in kinds for row in memory_db(k, sizes, days)]
        print("\nexport memory (fresh child process per run)")
        print(f"{'db':<11} {'members':>7} {'days':>5} {'rows':>9} {'time*':>8} "
              f"{'traced peak':>12} {'max RSS':>9}")  # fmt: skip
        for m in mem:
            print(
                f"{m['db']:<11} {m['members']:>7} {m['days']:>5} {m['rows']:>9} "
                f"{m['seconds']:>6.2f} s {m['peak_mb']:>9.1f} MB {m['rss_mb']:>6.0f} MB"
            )
        print("* with tracemalloc on, which slows Python several times; see the table above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
