"""The scheduler runtime: APScheduler drives the tick and the delivery loop.

Only two jobs exist, whatever the number of members: ``tick`` (about once a
minute) and ``deliver`` (every few seconds). Both live in APScheduler's
in-memory job store with an explicit misfire grace, because the database
outbox, not the job store, is the source of truth: a restarted process simply
ticks again and the idempotency keys do the rest.

On SQLite exactly one scheduler may run per database file; a second one is
refused with a clear message. On PostgreSQL run as many as you like.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import DBAPIError

from bot.bootstrap import App
from bot.ports import Platform
from bot.scheduling.delivery import Delivery, DeliveryStats, RateLimiter
from bot.scheduling.tick import TickResult, enqueue_due
from bot.storage.db import is_unavailable, slow_work

log = logging.getLogger(__name__)


class SchedulerConflict(Exception):
    """Another scheduler already runs against this SQLite database."""


def sqlite_lock(app: App) -> IO[str] | None:
    """Hold an exclusive lock file next to a SQLite database for the process's lifetime."""
    url = app.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    import fcntl

    path = Path(f"{url.database}.scheduler.lock")
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise SchedulerConflict(
            f"a scheduler ({holder}) is already running against {url.database}; SQLite "
            "supports one. Stop it, or use PostgreSQL to run several workers."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
    handle.flush()
    return handle


class SchedulerRuntime:
    def __init__(
        self,
        app: App,
        platform: Platform,
        *,
        tick_seconds: float = 60.0,
        delivery_seconds: float = 5.0,
        platforms: tuple[str, ...] | None = None,
        worker: str | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.platform = platform
        self.tick_seconds = tick_seconds
        self.delivery_seconds = delivery_seconds
        self.grace = timedelta(minutes=app.settings.grace_minutes)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.delivery = Delivery(
            app.core,
            app.uow,
            platform,
            app.clock,
            worker=self.worker,
            platforms=platforms,
            limiter=limiter,
        )
        self._lock: IO[str] | None = None
        self.scheduler: BaseScheduler | None = None

    def tick(self) -> TickResult | None:
        try:
            with slow_work(), self.app.engine.begin() as conn:
                return enqueue_due(
                    conn,
                    self.app.clock.now(),
                    self.grace,
                    tick_every=timedelta(seconds=self.tick_seconds),
                )
        except Exception as exc:
            if not (is_unavailable(exc) or isinstance(exc, DBAPIError)):
                raise
            # The database is down, stalled or restarting: nothing is lost, the next tick
            # catches up.
            log.warning("tick skipped, database unavailable: %s", type(exc).__name__)
            return None

    def deliver(self) -> DeliveryStats | None:
        try:
            with slow_work():
                return self.delivery.drain(max_batches=20)
        except Exception as exc:
            if not (is_unavailable(exc) or isinstance(exc, DBAPIError)):
                raise
            log.warning("delivery paused, database unavailable: %s", type(exc).__name__)
            return None

    def _build(self, blocking: bool) -> BaseScheduler:
        cls = BlockingScheduler if blocking else BackgroundScheduler
        scheduler = cls(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(2)},
            # A late run is still worth doing: the tick itself decides what is too old.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone="UTC",
        )
        # APScheduler paces the jobs in wall-clock time; what is due is the app clock's call.
        first = datetime.now(UTC)
        scheduler.add_job(
            self.tick, "interval", seconds=self.tick_seconds, id="tick", next_run_time=first
        )
        scheduler.add_job(
            self.deliver,
            "interval",
            seconds=self.delivery_seconds,
            id="deliver",
            next_run_time=first,
        )
        return scheduler

    def start(self, blocking: bool = False) -> None:
        self._lock = sqlite_lock(self.app)
        self.scheduler = self._build(blocking)
        log.info(
            "scheduler %s started: tick every %ss, delivery every %ss",
            self.worker,
            self.tick_seconds,
            self.delivery_seconds,
        )
        self.scheduler.start()  # blocks when blocking=True

    def shutdown(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None
