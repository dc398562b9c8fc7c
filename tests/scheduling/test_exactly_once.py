"""Exactly once: a worker killed mid-batch, and two workers racing on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.scheduling.delivery import Delivery, RateLimiter
from bot.scheduling.tick import enqueue_due
from bot.storage.orm import OutboxRow
from tests.scheduling.sched_fakes import FakePlatform, journal_entries
from tests.scheduling.sched_world import populate

# The repository root: the worker runs as a module of the tests package from there.
ROOT = Path(__file__).resolve().parents[2]
PROMPT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def queue(app, n: int) -> list[str]:
    populate(
        app, {f"p{i:03d}": "Europe/Berlin" for i in range(n)}, at=datetime(2026, 11, 30, tzinfo=UTC)
    )
    with app.engine.begin() as conn:
        assert enqueue_due(conn, PROMPT).queued == n
    with app.uow() as s:
        return sorted(s.scalars(select(OutboxRow.key)))


def statuses(app) -> Counter[str]:
    with app.uow() as s:
        return Counter(s.scalars(select(OutboxRow.status)))


@pytest.mark.parametrize(
    ("mode", "kill_at", "sent_before_death"), [("after-send", 7, 7), ("before-send", 7, 6)]
)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    app, tmp_path: Path, mode: str, kill_at: int, sent_before_death: int
) -> None:
    keys = queue(app, 20)
    journal = tmp_path / "sent.jsonl"
    url = app.engine.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.scheduling.crash_worker",
            url,
            str(journal),
            (PROMPT + timedelta(minutes=1)).isoformat(),
            mode,
            str(kill_at),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == -9, proc.stdout + proc.stderr  # really killed by SIGKILL
    assert len(journal_entries(journal)) == sent_before_death
    assert statuses(app)["sending"] == 20 - (kill_at - 1)  # claimed, never marked

    # Another worker starts once the dead worker's lease has run out.
    app.clock.set(PROMPT + timedelta(minutes=7))
    platform = FakePlatform(journal)
    stats = Delivery(
        app.core, app.uow, platform, app.clock, worker="heir", limiter=RateLimiter(1e9, 1e9)
    ).drain()
    sent_keys = [e["key"] for e in journal_entries(journal)]
    assert sorted(sent_keys) == keys  # every message exactly once
    assert statuses(app) == Counter({"sent": 20})
    assert stats.recovered == (1 if mode == "after-send" else 0)
    assert stats.sent == 20 - sent_before_death


def test_a_claim_that_is_still_leased_is_left_alone(app) -> None:
    queue(app, 3)
    app.clock.set(PROMPT + timedelta(minutes=1))
    first = Delivery(app.core, app.uow, FakePlatform(), app.clock, worker="a")
    assert len(first.claim(app.clock.now())) == 3
    second = Delivery(app.core, app.uow, FakePlatform(), app.clock, worker="b")
    assert second.claim(app.clock.now() + timedelta(minutes=4)) == []
    assert len(second.claim(app.clock.now() + timedelta(minutes=6))) == 3


def test_two_workers_racing_on_postgresql_send_each_message_once(app) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("several workers are a PostgreSQL feature; SQLite refuses a second one")
    keys = queue(app, 120)
    app.clock.set(PROMPT + timedelta(minutes=1))
    platform = FakePlatform(after_send=lambda count: time.sleep(0.002))
    workers = [
        Delivery(
            app.core,
            app.uow,
            platform,
            app.clock,
            worker=f"w{i}",
            batch=10,
            limiter=RateLimiter(1e9, 1e9),
        )
        for i in range(2)
    ]
    results = {}
    barrier = threading.Barrier(2)

    def work(d: Delivery) -> None:
        barrier.wait()
        results[d.worker] = d.drain()

    threads = [threading.Thread(target=work, args=(d,)) for d in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(platform.keys()) == keys
    assert sum(r.sent for r in results.values()) == 120
    assert all(r.claimed > 0 for r in results.values())  # both really took part
    assert statuses(app) == Counter({"sent": 120})
