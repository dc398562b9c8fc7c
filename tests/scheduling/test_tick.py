"""The tick: due messages land in the outbox once, in each member's own time, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.commands import parse
from bot.domain import commands as c
from bot.scheduling.delivery import Delivery, RateLimiter
from bot.scheduling.tick import enqueue_due
from bot.storage.orm import Member, OutboxRow
from tests.scheduling.sched_fakes import FakePlatform
from tests.scheduling.sched_world import actor, populate, run_ticks

ZONES = {
    "ny": "America/New_York",
    "berlin": "Europe/Berlin",
    "kolkata": "Asia/Kolkata",
    "sydney": "Australia/Sydney",
}
JOINED = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def run(
    app,
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(minutes=5),
    platform: FakePlatform | None = None,
) -> FakePlatform:
    return run_ticks(app, start, end, step, platform)


def ids(app) -> dict[str, int]:
    with app.uow() as s:
        return {m.user_id.removeprefix("U-"): m.id for m in s.scalars(select(Member))}


def outbox(app) -> dict[str, tuple[str, datetime, str]]:
    with app.uow() as s:
        return {r.key: (r.kind, r.due_at, r.status) for r in s.scalars(select(OutboxRow))}


def test_each_member_is_prompted_at_nine_in_their_own_zone(app) -> None:
    populate(app, ZONES, at=JOINED)
    platform = run(
        app, datetime(2026, 11, 30, 12, tzinfo=UTC), datetime(2026, 12, 1, 23, 55, tzinfo=UTC)
    )
    m = ids(app)
    expected = {
        f"sprint_kickoff:m{m['ny']}:2026-W49": datetime(2026, 11, 30, 14, tzinfo=UTC),
        f"checkin_prompt:m{m['sydney']}:2026-12-01": datetime(2026, 11, 30, 22, tzinfo=UTC),
        f"checkin_prompt:m{m['kolkata']}:2026-12-01": datetime(2026, 12, 1, 3, 30, tzinfo=UTC),
        f"checkin_prompt:m{m['berlin']}:2026-12-01": datetime(2026, 12, 1, 8, tzinfo=UTC),
        f"checkin_prompt:m{m['ny']}:2026-12-01": datetime(2026, 12, 1, 14, tzinfo=UTC),
        f"midweek_reminder:m{m['sydney']}:2026-12-02": datetime(2026, 12, 1, 22, tzinfo=UTC),
    }
    rows = outbox(app)
    assert {k: due for k, (_, due, _) in rows.items()} == expected
    assert all(status == "sent" for _, _, status in rows.values())
    assert sorted(platform.keys()) == sorted(expected)  # each exactly once


def test_a_repeated_tick_queues_nothing_new(app) -> None:
    populate(app, ZONES, at=JOINED)
    moment = datetime(2026, 12, 1, 8, 5, tzinfo=UTC)
    with app.engine.begin() as conn:
        first = enqueue_due(conn, moment)
    with app.engine.begin() as conn:
        second = enqueue_due(conn, moment + timedelta(minutes=1))
    assert (first.due, first.queued) == (1, 1)
    assert (second.due, second.queued) == (1, 0)
    with app.uow() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 1


def test_prompts_follow_new_york_across_the_november_clock_change(app) -> None:
    populate(app, {"ny": "America/New_York"}, at=datetime(2026, 10, 26, tzinfo=UTC))
    app.core.handle(parse("/cohort me study-days every day"), actor("ny", ZONES["ny"]))
    app.core.handle(parse("/cohort me reminders inactivity off"), actor("ny", ZONES["ny"]))
    run(
        app,
        datetime(2026, 10, 31, 12, tzinfo=UTC),
        datetime(2026, 11, 2, 16, tzinfo=UTC),
        step=timedelta(minutes=10),
    )
    rows = outbox(app)
    due = sorted(d for kind, d, _ in rows.values() if kind != "digest")
    # 09:00 EDT on Saturday, 09:00 EST on Sunday (the day the clocks go back) and Monday.
    assert due == [
        datetime(2026, 10, 31, 13, tzinfo=UTC),
        datetime(2026, 11, 1, 14, tzinfo=UTC),
        datetime(2026, 11, 2, 14, tzinfo=UTC),
    ]
    # The cohort (started from New York) gets its Sunday digest at its own 09:00.
    assert [(k, d) for k, (kind, d, _) in rows.items() if kind == "digest"] == [
        ("digest:c1:2026-W44", datetime(2026, 11, 1, 14, tzinfo=UTC))
    ]


def test_after_downtime_prompts_inside_the_grace_window_go_out_late_and_older_ones_do_not(
    app,
) -> None:
    populate(app, ZONES, at=JOINED)
    # Down from 00:00 to 09:30 UTC on Tuesday: Sydney (22:00 Mon) and Kolkata (03:30) are
    # past the 2 h window; Berlin's 08:00 prompt is 90 minutes late but still worth sending.
    platform = run(
        app, datetime(2026, 12, 1, 9, 30, tzinfo=UTC), datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    )
    m = ids(app)
    assert platform.keys() == [f"checkin_prompt:m{m['berlin']}:2026-12-01"]


def test_a_row_that_waited_past_its_window_is_skipped_not_sent(app) -> None:
    populate(app, ZONES, at=JOINED)
    with app.engine.begin() as conn:
        enqueue_due(conn, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # Berlin's prompt
    app.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # delivery was down until now
    platform = FakePlatform()
    stats = Delivery(app.core, app.uow, platform, app.clock, worker="w").drain()
    assert (stats.sent, stats.skipped) == (0, 1)
    assert [s for _, _, s in outbox(app).values()] == ["skipped"]


def test_nothing_lands_in_quiet_hours_it_waits_for_them_to_end(app) -> None:
    populate(app, {"berlin": ZONES["berlin"]}, at=JOINED)
    with app.engine.begin() as conn:
        enqueue_due(conn, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    # The member sets quiet hours after the prompt was queued: 09:00-09:45 local.
    app.core.handle(parse("/cohort me quiet-hours 09:00-09:45"), actor("berlin", ZONES["berlin"]))
    platform = FakePlatform()
    delivery = Delivery(
        app.core, app.uow, platform, app.clock, worker="w", limiter=RateLimiter(1e9, 1e9)
    )
    app.clock.set(datetime(2026, 12, 1, 8, 10, tzinfo=UTC))  # 09:10 in Berlin
    first = delivery.drain()
    assert (first.sent, first.deferred) == (0, 1)
    app.clock.set(datetime(2026, 12, 1, 8, 46, tzinfo=UTC))  # 09:46 in Berlin
    second = delivery.drain()
    assert second.sent == 1 and len(platform.sent) == 1


def test_members_who_left_paused_or_were_forgotten_get_nothing(app) -> None:
    populate(app, ZONES, at=JOINED)
    with app.engine.begin() as conn:
        enqueue_due(conn, datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # NY's prompt queued
    app.core.handle(c.LeaveCohort(), actor("ny", ZONES["ny"]))
    app.core.handle(c.ForgetMe(confirm=True), actor("berlin", ZONES["berlin"]))
    app.clock.set(datetime(2026, 12, 1, 14, 1, tzinfo=UTC))
    platform = FakePlatform()
    stats = Delivery(app.core, app.uow, platform, app.clock, worker="w").drain()
    assert (stats.sent, stats.skipped) == (0, 1)
    # Berlin's next prompt is never even queued; NY (left) neither.
    platform = run(
        app,
        datetime(2026, 12, 2, 7, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
        platform=platform,
    )
    m = ids(app)
    assert "berlin" not in m
    assert platform.keys() == []  # Wednesday 09:00 Sydney/Kolkata are outside this window


def test_a_member_away_gets_no_prompt_and_comes_back_after(app) -> None:
    populate(app, {"berlin": ZONES["berlin"]}, at=JOINED)
    app.clock.set(datetime(2026, 11, 30, 12, tzinfo=UTC))
    app.core.handle(parse("/cohort me away 2 days"), actor("berlin", ZONES["berlin"]))
    platform = run(app, datetime(2026, 12, 1, 0, tzinfo=UTC), datetime(2026, 12, 2, 12, tzinfo=UTC))
    m = ids(app)
    # Away Mon 30 Nov and Tue 1 Dec; Wednesday's mid-week reminder goes out.
    assert platform.keys() == [f"midweek_reminder:m{m['berlin']}:2026-12-02"]
