"""Delivery: retries with backoff, Retry-After, a failed state, pausing the unreachable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.commands import parse
from bot.scheduling.delivery import Delivery, RateLimiter, RetryPolicy
from bot.scheduling.tick import enqueue_due
from bot.storage.orm import Cohort, Member, OutboxRow
from tests.scheduling.sched_fakes import FakePlatform, channel_gone, rate_limited, server_error
from tests.scheduling.sched_world import actor, populate

PEOPLE = {f"p{i}": "Europe/Berlin" for i in range(5)}
PROMPT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, a Tuesday


def queue_prompts(app) -> None:
    populate(app, PEOPLE, at=datetime(2026, 11, 30, tzinfo=UTC))
    with app.engine.begin() as conn:
        assert enqueue_due(conn, PROMPT).queued == len(PEOPLE)
    app.clock.set(PROMPT)


def delivery(app, platform, **kw) -> Delivery:
    kw.setdefault("limiter", RateLimiter(1e9, 1e9))
    kw.setdefault("retry", RetryPolicy(max_attempts=4, base=10, jitter=lambda: 0.5))
    return Delivery(app.core, app.uow, platform, app.clock, worker="w", **kw)


def statuses(app) -> dict[str, int]:
    with app.uow() as s:
        out: dict[str, int] = {}
        for status in s.scalars(select(OutboxRow.status)):
            out[status] = out.get(status, 0) + 1
        return out


def test_429_and_500_are_retried_later_honouring_retry_after(app) -> None:
    queue_prompts(app)
    platform = FakePlatform(failures={1: rate_limited(retry_after=90), 3: server_error()})
    d = delivery(app, platform)
    first = d.drain()
    assert (first.sent, first.retried, first.failed) == (3, 2, 0)
    with app.uow() as s:
        waiting = s.scalars(select(OutboxRow).where(OutboxRow.status == "pending")).all()
        delays = sorted((r.next_attempt_at - PROMPT).total_seconds() for r in waiting)
    assert delays == [10.0, 90.0]  # backoff 10 s for the 500; Retry-After 90 s wins for the 429
    app.clock.advance(timedelta(seconds=30))
    assert d.drain().sent == 1
    app.clock.advance(timedelta(seconds=61))
    assert d.drain().sent == 1
    assert statuses(app) == {"sent": 5}
    assert len(set(platform.keys())) == 5 == len(platform.keys())


def test_after_the_last_attempt_a_row_is_failed_with_its_error(app) -> None:
    queue_prompts(app)
    platform = FakePlatform(
        fail_when=lambda dest, msg: server_error() if dest.user_id == "U-p0" else None
    )
    d = delivery(app, platform)
    for _ in range(6):
        d.drain()
        app.clock.advance(timedelta(minutes=5))
    assert statuses(app) == {"sent": 4, "failed": 1}
    with app.uow() as s:
        failed = s.scalars(select(OutboxRow).where(OutboxRow.status == "failed")).one()
    assert (failed.attempts, failed.last_error) == (4, "HTTP 500")


def test_a_timeout_from_the_client_is_retried_not_lost(app) -> None:
    queue_prompts(app)
    platform = FakePlatform(failures={2: TimeoutError("read timed out")})
    d = delivery(app, platform)
    assert d.drain().retried == 1
    app.clock.advance(timedelta(minutes=1))
    d.drain()
    assert statuses(app) == {"sent": 5}


def test_a_closed_dm_fails_at_once_and_pauses_only_that_member(app) -> None:
    queue_prompts(app)
    platform = FakePlatform(
        fail_when=lambda dest, msg: channel_gone() if dest.user_id == "U-p3" else None
    )
    stats = delivery(app, platform).drain()
    assert (stats.sent, stats.failed, stats.retried) == (4, 1, 0)
    with app.uow() as s:
        paused = s.scalars(select(Member.user_id).where(Member.status == "paused")).all()
        cohort = s.scalars(select(Cohort)).one()
    assert paused == ["U-p3"] and not cohort.paused


def test_a_deleted_channel_pauses_the_cohort_instead_of_looping(app) -> None:
    queue_prompts(app)
    app.core.handle(parse("/cohort me delivery channel"), actor("p1", "Europe/Berlin"))
    platform = FakePlatform(fail_when=lambda dest, msg: channel_gone() if not dest.is_dm else None)
    stats = delivery(app, platform).drain()
    # p0's DM went out first; p1's channel post failed for good, which pauses the cohort,
    # so the rest of the batch is skipped rather than sent into a cohort that is gone.
    assert (stats.sent, stats.failed, stats.skipped) == (1, 1, 3)
    with app.uow() as s:
        assert s.scalars(select(Cohort.paused)).one() is True
    # A paused cohort's members are not scheduled again.
    app.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    with app.engine.begin() as conn:
        assert enqueue_due(conn, app.clock.now()).due == 0


def test_the_rate_limiter_spaces_messages_to_one_channel() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(
        global_per_second=100, channel_per_second=1, burst=1, monotonic=lambda: now[0], sleep=sleep
    )
    for _ in range(4):
        limiter.acquire("C1")
    assert now[0] == 3.0 and len(waits) == 3  # one a second after the first
    limiter.acquire("C2")  # another channel waits only for the global bucket (1/100 s)
    assert abs(now[0] - 3.01) < 1e-9


def test_the_global_limit_caps_all_channels_together() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(
        global_per_second=10, channel_per_second=100, burst=1, monotonic=lambda: now[0], sleep=sleep
    )
    for i in range(21):
        limiter.acquire(f"C{i}")
    assert abs(now[0] - 2.0) < 1e-9
