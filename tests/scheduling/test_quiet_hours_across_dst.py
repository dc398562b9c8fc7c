"""Quiet hours that end inside a repeated fall-back hour: a prompt is held once, until the
next real moment they end, and nobody else's prompt waits behind it. On both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.commands import parse
from bot.scheduling.delivery import Delivery, RateLimiter
from bot.scheduling.tick import enqueue_due
from bot.storage.orm import OutboxRow
from tests.scheduling.sched_fakes import FakePlatform
from tests.scheduling.sched_world import actor, populate

# (zone, prompt and end of quiet hours, a moment in the second pass of the repeated
# hour, the second showing of the end time in UTC)
FALL_BACK = [
    pytest.param(
        "Europe/Berlin",
        "02:30",
        datetime(2027, 10, 31, 1, 10, tzinfo=UTC),  # 02:10 CET, the second 02:10 that night
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # 02:30 CET
        id="berlin",
    ),
    pytest.param(
        "America/New_York",
        "01:30",
        datetime(2027, 11, 7, 6, 10, tzinfo=UTC),  # 01:10 EST
        datetime(2027, 11, 7, 6, 30, tzinfo=UTC),  # 01:30 EST
        id="new-york",
    ),
]


@pytest.mark.parametrize(("tz", "end", "now", "quiet_ends"), FALL_BACK)
def test_a_prompt_in_the_repeated_hour_waits_once_for_the_real_end_of_quiet_hours(
    app, tz: str, end: str, now: datetime, quiet_ends: datetime
) -> None:
    populate(app, {"night": tz, "early": "UTC"}, at=datetime(2027, 10, 1, tzinfo=UTC))
    night, early = actor("night", tz), actor("early", "UTC")
    for line in (
        f"/cohort me prompt-time {end}",
        f"/cohort me quiet-hours 22:00-{end}",
        "/cohort me study-days every day",
    ):
        app.core.handle(parse(line), night)
    app.core.handle(parse(f"/cohort me prompt-time {now:%H:%M}"), early)
    app.core.handle(parse("/cohort me study-days every day"), early)
    platform = FakePlatform()
    # One row a batch: a row deferred into the past would be claimed again and again first
    # (it is the oldest), and the on-time prompt behind it would never go out.
    delivery = Delivery(
        app.core, app.uow, platform, app.clock, worker="w", batch=1, limiter=RateLimiter(1e9, 1e9)
    )

    app.clock.set(now)
    with app.engine.begin() as conn:
        assert enqueue_due(conn, now).queued == 2
    stats = delivery.drain()
    assert stats.deferred == 1
    assert [d.user_id for _, d, _ in platform.sent] == ["U-early"]
    with app.uow() as s:
        held = s.scalars(select(OutboxRow).where(OutboxRow.status == "pending")).one()
        assert held.next_attempt_at is not None
        assert held.next_attempt_at.replace(tzinfo=UTC) == quiet_ends

    app.clock.set(quiet_ends)
    assert delivery.drain().sent == 1
    assert [d.user_id for _, d, _ in platform.sent] == ["U-early", "U-night"]
