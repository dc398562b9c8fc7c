"""Build cohorts for scheduler tests through the same commands users type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import App
from bot.commands import parse
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.scheduling.delivery import Delivery, RateLimiter
from bot.scheduling.tick import enqueue_due
from tests.scheduling.sched_fakes import FakePlatform


def actor(name: str, tz: str, channel: str = "C1") -> Actor:
    return Actor(
        platform="fake",
        workspace_id="W1",
        channel_id=channel,
        user_id=f"U-{name}",
        display_name=name,
        timezone=tz,
    )


def populate(
    app: App,
    people: dict[str, str],
    *,
    channel: str = "C1",
    at: datetime | None = None,
    prompt: str = "09:00",
) -> None:
    """A cohort in ``channel`` whose members (name -> zone) joined at ``at``."""
    clock = app.clock
    before = clock.now()
    clock.set(at or datetime(2026, 11, 23, 0, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    first = next(iter(people))
    app.core.handle(c.StartCohort("Sched"), actor(first, people[first], channel))
    app.core.handle(
        parse(f"/cohort settings prompt-time {prompt}"), actor(first, people[first], channel)
    )
    for name, tz in people.items():
        app.core.handle(c.JoinCohort("software_engineer", "part-time"), actor(name, tz, channel))
    clock.set(before)  # type: ignore[attr-defined]


def run_ticks(
    app: App,
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(minutes=30),
    platform: FakePlatform | None = None,
) -> FakePlatform:
    """Tick and deliver every ``step`` from ``start`` to ``end``, as the runtime does."""
    platform = platform or FakePlatform()
    delivery = Delivery(
        app.core, app.uow, platform, app.clock, worker="w1", limiter=RateLimiter(1e9, 1e9)
    )
    app.clock.set(start)  # type: ignore[attr-defined]
    while app.clock.now() <= end:
        with app.engine.begin() as conn:
            enqueue_due(conn, app.clock.now())
        delivery.drain()
        app.clock.advance(step)  # type: ignore[attr-defined]
    return platform
