"""Benchmark: one scheduler tick for many members, against one APScheduler job per member.

    .venv/bin/python bench/tick_bench.py [--members 100000] [--cohorts 1000] [--db both]

For each database it fills a fresh schema with cohorts and members spread over
many time zones, every one of them due at the benchmark moment (the worst
case), then measures in the same run:

* ours: ``enqueue_due`` — load every schedule, decide, insert the outbox rows;
* baseline: the same schedule kept as one APScheduler 3 job per member in its
  SQLAlchemy job store; one scheduler wakeup = ``get_due_jobs``, next run time
  per job, ``update_job`` per job, and each job inserting its member's outbox
  row, which is what ``BaseScheduler._process_jobs`` and a per-member job do.

Our tick runs in a fresh worker process, which reports its time and its peak
resident memory. PostgreSQL comes from COHORTBOT_TEST_PG_URL or the local server.

"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, create_engine, delete, insert, text
from sqlalchemy.engine import make_url

from bot.scheduling.tick import enqueue_due
from bot.storage.db import make_engine, normalize_url, upgrade
from bot.storage.orm import Cohort, Member, OutboxRow

MOMENT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Jerusalem",
    "Asia/Kathmandu",
    "America/St_Johns",
]


def populate(engine: Engine, members: int, cohorts: int) -> list[tuple[int, str, str]]:
    """Cohorts and members, each member due one minute before MOMENT in their zone."""
    joined = MOMENT - timedelta(days=1)
    per = members // cohorts
    people: list[tuple[int, str, str]] = []
    with engine.begin() as conn:
        conn.execute(
            insert(Cohort),
            [
                {
                    "id": c + 1,
                    "platform": "bench",
                    "workspace_id": "W",
                    "channel_id": f"C{c}",
                    "name": f"cohort {c}",
                    "timezone": "UTC",
                    "start_date": joined.date(),
                    "prompt_time": (MOMENT - timedelta(minutes=1)).time(),
                    "study_days": "mon,tue,wed,thu,fri,sat,sun",
                    "reminder_day": 2,
                    "review_day": 4,
                    "digest_day": 6,
                    "inactivity_days": 3,
                    "paused": False,
                    "created_at": joined,
                }
                for c in range(cohorts)
            ],
        )
        batch = []
        for i in range(members):
            tz = ZONES[i % len(ZONES)]
            local = (MOMENT - timedelta(minutes=1 + i % 30)).astimezone(ZoneInfo(tz))
            batch.append(
                {
                    "id": i + 1,
                    "cohort_id": i // per % cohorts + 1,
                    "user_id": f"U{i}",
                    "display_name": f"member {i}",
                    "timezone": tz,
                    "track": "other",
                    "budget": "part-time",
                    "plan_start": joined.date(),
                    "prompt_time": local.time().replace(second=0, microsecond=0),
                    "delivery": "dm",
                    "checkins_public": True,
                    "leaderboard": False,
                    "reminders_off": "",
                    "status": "active",
                    "last_nudges": {},
                    "last_checkin_on": (MOMENT - timedelta(days=1)).date(),
                    "joined_at": joined,
                }
            )
            people.append((i + 1, tz, batch[-1]["prompt_time"].strftime("%H:%M")))
            if len(batch) == 10_000:
                conn.execute(insert(Member), batch)
                batch = []
        if batch:
            conn.execute(insert(Member), batch)
    return people


def clear_outbox(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(OutboxRow))


def run_ours(url: str) -> tuple[float, int, float]:
    """One tick in a fresh process, as a scheduler worker runs it: (seconds, queued, peak MiB).

    The peak is the worker process's maximum resident size, imports included.
    """
    out = subprocess.run(
        [sys.executable, __file__, "--tick-only", url], check=True, capture_output=True, text=True
    ).stdout
    seconds, queued, peak = out.split()
    return float(seconds), int(queued), float(peak)


def tick_only(url: str) -> None:
    engine = make_engine(url)
    with engine.connect():
        pass  # connect before the clock starts, as a long-running worker would be
    start = time.perf_counter()
    with engine.begin() as conn:
        result = enqueue_due(conn, MOMENT)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {result.queued} {peak:.1f}")


def enqueue_one(member_id: int) -> None:
    """What each per-member job would do: queue that member's prompt."""


def run_baseline(engine: Engine, people: list[tuple[int, str, str]]) -> tuple[float, int]:
    store = SQLAlchemyJobStore(engine=engine, tablename="bench_apscheduler_jobs")
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone="UTC")
    store.start(scheduler, "default")
    # Loading 100k jobs one add_job at a time takes minutes; write the same rows in bulk.
    rows = []
    for member_id, tz, hhmm in people:
        hour, minute = (int(x) for x in hhmm.split(":"))
        trigger = CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(tz))
        job = Job(
            scheduler,
            id=f"prompt-{member_id}",
            func=enqueue_one,
            args=(member_id,),
            trigger=trigger,
            executor="default",
            misfire_grace_time=7200,
            coalesce=True,
            max_instances=1,
            next_run_time=trigger.get_next_fire_time(None, MOMENT - timedelta(hours=1)),
            name="prompt",
            kwargs={},
        )
        rows.append(
            {
                "id": job.id,
                "next_run_time": job.next_run_time.timestamp(),
                "job_state": pickle.dumps(job.__getstate__(), pickle.HIGHEST_PROTOCOL),
            }
        )
    with engine.begin() as conn:
        for i in range(0, len(rows), 10_000):
            conn.execute(store.jobs_t.insert(), rows[i : i + 10_000])
    clear_outbox(engine)
    start = time.perf_counter()
    due = store.get_due_jobs(MOMENT)
    queued = 0
    for job in due:
        run_times = job._get_run_times(MOMENT)[-1:]
        if run_times:
            member_id = job.args[0]
            with engine.begin() as conn:  # each job runs on its own: one insert per member
                conn.execute(
                    insert(OutboxRow),
                    {
                        "key": f"checkin_prompt:m{member_id}:{run_times[0]:%Y-%m-%d}",
                        "cohort_id": 1,
                        "member_id": member_id,
                        "kind": "checkin_prompt",
                        "due_at": run_times[0],
                        "expires_at": run_times[0] + timedelta(hours=2),
                        "status": "pending",
                        "attempts": 0,
                        "created_at": MOMENT,
                    },
                )
            queued += 1
        job._modify(next_run_time=job.trigger.get_next_fire_time(run_times[-1], MOMENT))
        store.update_job(job)
    return time.perf_counter() - start, queued


def fresh_databases(kind: str, tmp: Path) -> list[tuple[str, str, object]]:
    out: list[tuple[str, str, object]] = []
    if kind in ("sqlite", "both"):
        out.append(("SQLite", f"sqlite:///{tmp / 'bench.db'}", None))
    if kind in ("postgresql", "both"):
        base = normalize_url(
            os.environ.get("COHORTBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        )
        name = f"cohortbot_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        out.append(("PostgreSQL", url, (admin, name)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tick-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--cohorts", type=int, default=1_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--baseline-members",
        type=int,
        default=10_000,
        help="members given per-member jobs (the baseline is linear in them; "
        "its time is scaled to --members; 0 = all)",
    )
    args = parser.parse_args()
    if args.tick_only:
        tick_only(args.tick_only)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, url, cleanup in fresh_databases(args.db, Path(tmp)):
            engine = make_engine(url)
            try:
                upgrade(engine)
                people = populate(engine, args.members, args.cohorts)
                ours, queued, heap = run_ours(url)
                again, requeued, _ = run_ours(url)  # a repeated tick writes nothing
                sample = people[: args.baseline_members or None]
                base, base_queued = run_baseline(engine, sample)
                base *= len(people) / len(sample)
                rows.append(
                    (label, args.members, ours, queued, again, requeued, heap, base, base_queued)
                )
                print(f"  {label}: done", file=sys.stderr, flush=True)
            finally:
                engine.dispose()
                if cleanup is not None:
                    admin, name = cleanup  # type: ignore[misc]
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
    print()
    print(
        f"{'database':<11} {'members':>8} {'tick s':>7} {'queued':>7} {'repeat s':>8} "
        f"{'repeat q':>8} {'RSS MiB':>8} {'per-job s':>9} {'sampled':>7} {'speed-up':>8}"
    )
    for label, n, ours, queued, again, requeued, heap, base, bq in rows:
        print(
            f"{label:<11} {n:>8} {ours:>7.2f} {queued:>7} {again:>8.2f} {requeued:>8} "
            f"{heap:>8.1f} {base:>9.2f} {bq:>7} {base / ours:>7.1f}x"
        )
    print("\nRSS MiB: peak resident size of the worker process that ran the first tick")
    print(
        "per-job s: one APScheduler wakeup over SQLAlchemyJobStore jobs, measured on "
        "'sampled' members and scaled linearly to all of them"
    )
    print("targets: tick < 5 s, >= 10x the per-member jobs, peak < 300 MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
