"""Streak freezes, reported kindly: the next check-in and /progress say what a freeze kept.

A member earns a freeze per 7 check-in days (holding at most 2); one covers a missed
study day automatically. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

UTC_MORNING = "T10:00:00+00:00"


def on(clock: Any, day: date) -> None:
    clock.set(datetime.fromisoformat(day.isoformat() + UTC_MORNING))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def joined(world: Any, clock: Any, day: date, study_days: str | None = None) -> None:
    on(clock, day)
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")
    if study_days:
        world.say("Ana", f"/cohort me study-days {study_days}")


def check_in_on(world: Any, clock: Any, dates: list[date]) -> None:
    for day in dates:
        on(clock, day)
        world.say("Ana", f"/checkin worked on {day:%a %d}")


def progress_blocks(world: Any) -> tuple[str, ...]:
    return world.say("Ana", "/progress").message.blocks


def streak_field(world: Any) -> str:
    card = world.say("Ana", "/progress").message
    return next(f.value for f in card.fields if f.name == "Streak")


# Mon 16 - Fri 20 and Mon 23 - Thu 26 Nov 2026: nine study days, a freeze earned on the 7th.
NINE_STUDY_DAYS = days(date(2026, 11, 16), date(2026, 11, 20)) + days(
    date(2026, 11, 23), date(2026, 11, 26)
)


def test_a_freeze_used_on_the_last_study_day_of_a_week(world, clock) -> None:
    joined(world, clock, date(2026, 11, 16))
    check_in_on(world, clock, NINE_STUDY_DAYS)
    assert streak_field(world) == "9 days · longest 9 · 1 freeze held"
    # Friday 27 Nov, the week's last study day, goes by without a check-in. The weekend
    # is not study time; on Saturday the streak is intact and /progress says why.
    on(clock, date(2026, 11, 28))
    assert streak_field(world) == "9 days · longest 9 · 0 freezes held"
    assert "A freeze kept your 9-day streak (Fri 27 Nov)." in progress_blocks(world)
    # Monday's check-in continues the run and tells it once more, kindly.
    on(clock, date(2026, 11, 30))
    reply = world.say("Ana", "/checkin back at it")
    assert "Streak: 10 days." in reply.message.text
    assert "A freeze kept your 9-day streak (Fri 27 Nov)." in reply.message.text
    assert not any("freeze" in m.text.lower() for m in reply.public)  # private news only
    # Tuesday's does not repeat it.
    on(clock, date(2026, 12, 1))
    assert "freeze" not in world.say("Ana", "/checkin more").message.text


def test_progress_stops_telling_of_a_freeze_after_a_week(world, clock) -> None:
    joined(world, clock, date(2026, 11, 16))
    check_in_on(world, clock, NINE_STUDY_DAYS)
    check_in_on(world, clock, days(date(2026, 11, 30), date(2026, 12, 4)))
    on(clock, date(2026, 12, 4))
    assert "A freeze kept your 9-day streak (Fri 27 Nov)." in progress_blocks(world)
    on(clock, date(2026, 12, 5))  # eight days after the freeze
    assert not any("freeze" in b for b in progress_blocks(world))


def test_a_freeze_on_a_run_that_broke_later_is_not_reported(world, clock) -> None:
    joined(world, clock, date(2026, 11, 16))
    check_in_on(world, clock, NINE_STUDY_DAYS)
    # Fri 27 is frozen; Mon 30 and Tue 1 are missed too, with no freeze left: the run ends.
    on(clock, date(2026, 12, 2))
    assert streak_field(world).startswith("0 days")
    assert not any("freeze" in b for b in progress_blocks(world))
    reply = world.say("Ana", "/checkin starting again")
    assert "Streak: 1 day." in reply.message.text
    assert "freeze" not in reply.message.text


def test_two_freezes_covering_two_missed_days_are_told_together(world, clock) -> None:
    joined(world, clock, date(2026, 11, 16), study_days="every day")
    check_in_on(world, clock, days(date(2026, 11, 16), date(2026, 11, 29)))  # 14 days
    on(clock, date(2026, 12, 2))  # Mon 30 Nov and Tue 1 Dec missed
    reply = world.say("Ana", "/checkin sorry, busy days")
    assert "Streak: 15 days." in reply.message.text
    assert "2 freezes kept your 14-day streak (Mon 30 Nov, Tue 1 Dec)." in reply.message.text


def test_a_late_entry_for_the_frozen_day_gives_the_freeze_back(world, clock) -> None:
    joined(world, clock, date(2026, 11, 16))
    check_in_on(world, clock, NINE_STUDY_DAYS)
    on(clock, date(2026, 11, 28))
    reply = world.say("Ana", "/checkin yesterday: friday, logged late")
    assert "Streak: 10 days." in reply.message.text
    assert "freeze" not in reply.message.text
    assert streak_field(world) == "10 days · longest 10 · 1 freeze held"
    assert not any("freeze" in b for b in progress_blocks(world))


def test_away_days_use_no_freeze(world, clock) -> None:
    joined(world, clock, date(2026, 11, 16))
    check_in_on(world, clock, NINE_STUDY_DAYS)
    world.say("Ana", "/cohort me away until 2026-11-27")  # from Thursday, so Friday is away
    on(clock, date(2026, 11, 30))
    reply = world.say("Ana", "/checkin back")
    assert "Streak: 10 days." in reply.message.text
    assert "freeze" not in reply.message.text
    assert streak_field(world) == "10 days · longest 10 · 1 freeze held"
