"""Period leaderboards: hours and streaks this week and this month, opted-in members only.

The digest includes ``leaderboard_lines``; whoever did not say ``/cohort me leaderboard on``
is never named, however much they did. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.commands import parse
from bot.read.leaderboards import OPT_IN, leaderboard_lines, leaderboards
from bot.storage.orm import Cohort

THURSDAY = date(2026, 12, 17)  # week Mon 14 - Sun 20 Dec; month December


def on(clock: Any, day: date, hour: int = 10) -> None:
    clock.set(datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:00:00+00:00"))


def dec(n: int) -> date:
    return date(2026, 12, n)


def lines(world: Any, clock: Any, day: date = THURSDAY) -> list[str]:
    on(clock, day, 18)
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        return leaderboard_lines(s, cohort, clock.now())


def did(world: Any, clock: Any, who: str, day: date, line: str) -> None:
    on(clock, day)
    world.say(who, line)


def cohort_of_five(world: Any, clock: Any) -> None:
    """Ana and Ben opted in; Cyrus did more than both but did not; Dora left; Eve is idle."""
    on(clock, dec(1))
    world.say("Ana", "/cohort start AI Switchers")
    for name in ("Ana", "Ben", "Cyrus", "Dora", "Eve"):
        world.say(name, "/cohort join")
    for name in ("Ana", "Ben", "Dora", "Eve"):
        world.say(name, "/cohort me leaderboard on")
    for n in (7, 8, 9, 10, 11, 14, 15, 16, 17):
        did(world, clock, "Ana", dec(n), f"/checkin ana {n}")
    did(world, clock, "Ana", dec(11), "/hours 3h building")  # last week: the month only
    did(world, clock, "Ana", dec(14), "/hours 2h learning")
    did(world, clock, "Ana", dec(16), "/hours 1.5h learning")
    for n in (10, 11, 14, 16, 17):
        did(world, clock, "Ben", dec(n), f"/checkin ben {n}")
    did(world, clock, "Ben", dec(14), "/hours 5h building")
    for n in range(1, 18):
        did(world, clock, "Cyrus", dec(n), f"/checkin cyrus {n} | hours: 2h building")
    did(world, clock, "Dora", dec(15), "/hours 8h building")
    did(world, clock, "Dora", dec(15), "/checkin dora")
    world.say("Dora", "/cohort leave")


def test_opted_in_members_are_ranked_by_hours_and_streaks_this_week_and_this_month(
    world, clock
) -> None:
    cohort_of_five(world, clock)
    assert lines(world, clock) == [
        "This week's hours: 1. Ben 5 h · 2. Ana 3 h 30 min",
        "This week's streaks: 1. Ana 4 days · 2. Ben 2 days",
        "December's hours: 1. Ana 6 h 30 min · 2. Ben 5 h",
        "December's streaks: 1. Ana 9 days · 2. Ben 3 days",
        OPT_IN,
    ]


def test_members_who_did_not_opt_in_are_never_named(world, clock) -> None:
    cohort_of_five(world, clock)
    text = "\n".join(lines(world, clock))
    assert "Cyrus" not in text  # the most hours and the longest streak, but not opted in
    assert "Dora" not in text  # opted in, then left the cohort
    assert "Eve" not in text  # opted in, nothing logged: no place to show
    world.say("Ana", "/cohort me leaderboard off")
    text = "\n".join(lines(world, clock))
    assert "Ana" not in text and "1. Ben 5 h" in text


def test_nobody_opted_in_means_no_lines_at_all(world, clock) -> None:
    on(clock, dec(14))
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/checkin something | hours: 2h building")
    assert lines(world, clock) == []


def test_an_opted_in_cohort_with_nothing_logged_says_nobody_yet(world, clock) -> None:
    on(clock, dec(14))
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/cohort me leaderboard on")
    assert lines(world, clock)[:2] == [
        "This week's hours: nobody yet",
        "This week's streaks: nobody yet",
    ]


def test_the_week_board_resets_on_monday_and_the_month_board_on_the_first(world, clock) -> None:
    cohort_of_five(world, clock)
    monday = lines(world, clock, dec(21))
    assert monday[0] == "This week's hours: nobody yet"
    assert monday[2] == "December's hours: 1. Ana 6 h 30 min · 2. Ben 5 h"
    january = lines(world, clock, date(2027, 1, 1))
    assert january[2] == "January's hours: nobody yet"


def test_away_days_do_not_break_a_period_streak(world, clock) -> None:
    on(clock, dec(14))
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/cohort me leaderboard on")
    world.say("Ana", "/checkin mon")
    on(clock, dec(15))
    world.say("Ana", "/cohort me away 2 days")  # Tue and Wed
    for n in (17, 18):
        did(world, clock, "Ana", dec(n), f"/checkin {n}")
    [week, _month] = leaderboards_at(world, clock, dec(18))
    assert week.streaks == (("Ana", 3),)


def leaderboards_at(world: Any, clock: Any, day: date) -> list[Any]:
    on(clock, day, 18)
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        return leaderboards(s, cohort, clock.now())


def test_names_are_rendered_safely(world, clock) -> None:
    on(clock, dec(14))
    world.say("Ana", "/cohort start AI Switchers")
    loud = replace(world.actor("Ana"), display_name="@everyone <!channel>")
    world.app.core.handle(parse("/cohort join"), loud)
    world.say("Ana", "/cohort me leaderboard on")
    world.say("Ana", "/hours 1h building")
    text = "\n".join(lines(world, clock, dec(14)))
    assert "1. @\u200beveryone" in text
    assert "<!channel>" not in text


def test_a_board_as_of_a_past_moment_counts_no_hours_logged_after_it(world, clock) -> None:
    """A late digest shows the boards as they stood at its week's end: the month board
    must not add the hours logged on the days after (a past week never changes)."""
    cohort_of_five(world, clock)
    did(world, clock, "Ana", dec(22), "/hours 4h building")  # the next week
    did(world, clock, "Ben", dec(23), "/hours 6h learning")
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        as_of = datetime(2026, 12, 17, 18, 0, tzinfo=UTC)
        assert (
            leaderboard_lines(s, cohort, as_of)[2]
            == "December's hours: 1. Ana 6 h 30 min · 2. Ben 5 h"
        )
