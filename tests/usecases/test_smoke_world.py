"""A first end-to-end walk through the core on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.orm import CheckInRow, HourLog


def test_a_member_starts_joins_checks_in_and_logs_hours(world) -> None:  # type: ignore[no-untyped-def]
    world.zones["Ana"] = "Europe/Berlin"
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")
    reply = world.say("Ana", "/checkin finished lesson 1 | next: lesson 2")
    assert "Streak: 1 day" in reply.message.text
    world.say("Ana", "/hours 90m building fixed tests")
    with world.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(CheckInRow)) == 1
        assert s.scalar(select(func.sum(HourLog.minutes))) == 90
