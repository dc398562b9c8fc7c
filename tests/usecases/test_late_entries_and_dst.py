"""Late entries across an ISO-week boundary, and streaks through a DST week.

Entries count for the member's local date, which a late entry names; a week is the ISO
week of those dates. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.read.leaderboards import leaderboard_lines
from bot.storage.orm import CheckInRow, Cohort, HourLog, MilestoneAward

BERLIN = ZoneInfo("Europe/Berlin")


def sprint_hours(world: Any, who: str = "Ana") -> tuple[str, dict[str, str]]:
    card = world.say(who, "/sprint").message
    return card.text, {f.name: f.value.split(" ", 1)[1] for f in card.fields}


# ---- a late entry across the ISO-week boundary --------------------------------------------


def test_a_late_entry_on_monday_for_sunday_counts_for_the_previous_week(world, clock) -> None:
    clock.set(datetime(2026, 11, 23, 9, tzinfo=UTC))  # Monday of W48
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")  # 15 h a week
    world.say("Ana", "/cohort me leaderboard on")
    world.say("Ana", "/hours 8h building")
    world.say("Ana", "/hours 5h learning")
    clock.set(datetime(2026, 11, 30, 8, tzinfo=UTC))  # Monday of W49
    hours = world.say("Ana", "/hours 2h networking yesterday coffee chat")
    checkin = world.say("Ana", "/checkin yesterday: sunday session")
    assert "for yesterday" in hours.message.text
    assert "This week:" not in hours.message.text  # last week's hours are not this week's
    assert "Checked in for yesterday" in checkin.message.text
    # Last week's budget (15 h) is met by the late entry, and celebrated once.
    assert "A full week's budget, Ana: 15" in hours.message.text
    with world.app.uow() as s:
        assert "budget_week" in s.scalars(select(MilestoneAward.milestone)).all()
        late = s.scalars(select(HourLog.local_date).where(HourLog.category == "networking"))
        assert late.one() == date(2026, 11, 29)
        assert s.scalars(select(CheckInRow.local_date)).one() == date(2026, 11, 29)
    # This week's sprint is empty; last week's has it.
    assert sprint_hours(world) == (
        "Sprint 2026-W49",
        {"Learning": "0 h / 5 h", "Building": "0 h / 8 h", "Networking": "0 h / 2 h"},
    )
    clock.set(datetime(2026, 11, 29, 20, tzinfo=UTC))
    assert sprint_hours(world) == (
        "Sprint 2026-W48",
        {"Learning": "5 h / 5 h", "Building": "8 h / 8 h", "Networking": "2 h / 2 h"},
    )
    # And the week leaderboard: last week 15 h, this week nobody yet.
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        last_week = leaderboard_lines(s, cohort, datetime(2026, 11, 29, 20, tzinfo=UTC))
        this_week = leaderboard_lines(s, cohort, datetime(2026, 11, 30, 20, tzinfo=UTC))
    assert last_week[0] == "This week's hours: 1. Ana 15 h"
    assert this_week[0] == "This week's hours: nobody yet"


# ---- the DST week ---------------------------------------------------------------------------


def berlin(day: date, clock_time: time, fold: int = 0) -> datetime:
    return datetime.combine(day, clock_time, BERLIN).replace(fold=fold).astimezone(UTC)


def test_a_streak_counts_through_the_week_berlin_turns_its_clocks_back(world, clock) -> None:
    """Sun 25 Oct 2026 has 25 hours in Berlin. Check-ins late at night and right after
    midnight land on their own local days, and the streak counts every one of them."""
    world.zones["Ana"] = "Europe/Berlin"
    monday = date(2026, 10, 19)
    clock.set(berlin(monday, time(8)))
    world.say("Ana", "/cohort start Berlin switchers")
    world.say("Ana", "/cohort join software_engineer part-time")
    world.say("Ana", "/cohort me study-days every day")
    streaks = []
    for n in range(8):  # Mon 19 Oct to Mon 26 Oct, each at 23:30 local
        day = monday + timedelta(days=n)
        clock.set(berlin(day, time(23, 30)))
        reply = world.say("Ana", f"/checkin late on {day:%a} | hours: 1h building")
        assert "Checked in for today" in reply.message.text, (day, reply.message.text)
        streaks.append(reply.message.text.split("Streak: ")[1].split(" ")[0])
    assert streaks == ["1", "2", "3", "4", "5", "6", "7", "8"]
    # 23:30 on Sunday is 22:30 UTC after the change (it was 21:30 UTC the Saturday before).
    assert berlin(date(2026, 10, 25), time(23, 30)) == datetime(2026, 10, 25, 22, 30, tzinfo=UTC)
    with world.app.uow() as s:
        days = sorted(s.scalars(select(CheckInRow.local_date)))
    assert days == [monday + timedelta(days=n) for n in range(8)]
    # The week that had 25 hours holds 7 days of hours; Monday's starts the next sprint.
    assert sprint_hours(world)[0] == "Sprint 2026-W44"
    assert sprint_hours(world)[1]["Building"] == "1 h / 8 h"
    clock.set(berlin(date(2026, 10, 25), time(23, 59)))
    assert sprint_hours(world)[1]["Building"] == "7 h / 8 h"


def test_the_repeated_hour_of_the_clock_change_belongs_to_sunday(world, clock) -> None:
    world.zones["Ana"] = "Europe/Berlin"
    clock.set(berlin(date(2026, 10, 24), time(8)))
    world.say("Ana", "/cohort start Berlin switchers")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/cohort me study-days every day")
    world.say("Ana", "/checkin saturday")
    clock.set(berlin(date(2026, 10, 25), time(2, 30), fold=1))  # the second 02:30
    assert clock.now() == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    reply = world.say("Ana", "/checkin the long night")
    assert "Checked in for today. Streak: 2 days." in reply.message.text
    clock.set(berlin(date(2026, 10, 26), time(0, 30)))  # 23:30 UTC on Sunday
    reply = world.say("Ana", "/checkin monday already")
    assert "Checked in for today. Streak: 3 days." in reply.message.text
