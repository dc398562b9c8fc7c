"""The APScheduler runtime really ticks and delivers, and SQLite refuses a second scheduler."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import bootstrap
from bot.clock import FixedClock
from bot.config import Settings
from bot.scheduling.runtime import SchedulerConflict, SchedulerRuntime, sqlite_lock
from bot.storage.db import make_engine, upgrade
from tests.scheduling.sched_fakes import FakePlatform
from tests.scheduling.sched_world import populate


def test_the_runtime_ticks_and_delivers_in_the_background(app) -> None:
    populate(app, {"berlin": "Europe/Berlin"}, at=datetime(2026, 11, 30, tzinfo=UTC))
    app.clock.set(datetime(2026, 12, 1, 8, 1, tzinfo=UTC))
    platform = FakePlatform()
    runtime = SchedulerRuntime(app, platform, tick_seconds=0.2, delivery_seconds=0.1)
    runtime.start()
    try:
        deadline = time.monotonic() + 10
        while not platform.sent and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runtime.shutdown()
    assert platform.keys() == ["checkin_prompt:m1:2026-12-01"]


def test_a_second_scheduler_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    upgrade(engine)
    app = bootstrap(
        engine=engine, clock=FixedClock(datetime(2026, 12, 1, tzinfo=UTC)), migrate=False
    )
    held = sqlite_lock(app)
    try:
        with pytest.raises(SchedulerConflict, match=r"already running .* use PostgreSQL"):
            sqlite_lock(app)
    finally:
        assert held is not None
        held.close()
    again = sqlite_lock(app)  # free once the first one stopped
    assert again is not None
    again.close()


def test_the_database_going_away_skips_a_tick_instead_of_crashing(tmp_path: Path) -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    app = bootstrap(
        engine=engine, clock=FixedClock(datetime(2026, 12, 1, tzinfo=UTC)), migrate=False
    )
    runtime = SchedulerRuntime(app, FakePlatform())
    assert runtime.tick() is None
    assert runtime.deliver() is None


def test_zero_grace_means_no_catch_up_not_no_messages(engine, content) -> None:  # type: ignore[no-untyped-def]
    app = bootstrap(
        engine=engine,
        content=content,
        clock=FixedClock(datetime(2026, 12, 1, tzinfo=UTC)),
        settings=Settings(grace_minutes=0),
        migrate=False,
    )
    populate(app, {"berlin": "Europe/Berlin"}, at=datetime(2026, 11, 30, tzinfo=UTC))
    platform = FakePlatform()
    runtime = SchedulerRuntime(app, platform, tick_seconds=60)
    prompt = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, a Tuesday
    app.clock.set(prompt + timedelta(seconds=20))  # type: ignore[attr-defined]
    tick = runtime.tick()
    assert tick is not None and tick.queued == 1
    delivered = runtime.deliver()
    assert delivered is not None and delivered.sent == 1
    assert platform.keys() == ["checkin_prompt:m1:2026-12-01"]
    # Back from downtime the next day, five minutes late: that prompt is not caught up.
    app.clock.set(prompt + timedelta(days=1, minutes=5))  # type: ignore[attr-defined]
    late = runtime.tick()
    assert late is not None and late.queued == 0
