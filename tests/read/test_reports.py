"""What admins see: the cohort summary, its chart, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.read import reports
from bot.read.reports import EXPORT_COLUMNS, CohortSummary
from bot.storage.orm import Cohort
from tests.support.world import MONDAY

LAST_MONDAY = MONDAY - timedelta(days=7)


def summary(world: Any, now: datetime | None = None, weeks_back: int = 0) -> CohortSummary:
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        return reports.cohort_summary(
            s, cohort, now or world.app.clock.now(), world.app.content, weeks_back=weeks_back
        )


def export(world: Any) -> dict[str, list[list[str]]]:
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        files = reports.export_files(s, cohort)
    return {f.filename: list(csv.reader(io.StringIO(f.content.decode("utf-8")))) for f in files}


def test_an_empty_cohort_has_a_quiet_summary(world) -> None:
    world.say("Ana", "/cohort start Empty")
    s = summary(world)
    assert (s.cohort, s.week, s.members) == ("Empty", "2026-W49", 0)
    assert s.checkin_rate is None and s.checkin_rate_before is None
    assert s.minutes == {"learning": 0, "building": 0, "networking": 0}
    assert (s.plan_done, s.plan_total, s.milestones) == (0, 0, 0)
    assert s.at_risk == [] and s.leaders == [] and s.lines == []
    message = reports.summary_message(s)
    assert message.image is None  # nothing to draw
    fields = {f.name: f.value for f in message.fields}
    assert fields["Check-in rate"] == "— this week · — last week"
    assert "Nobody looks stuck this week." in message.blocks
    assert all(rows == [EXPORT_COLUMNS[name]] for name, rows in export(world).items())


def test_a_cohort_of_one(world) -> None:
    world.say("Ana", "/cohort start Solo")
    world.say("Ana", "/cohort join software_engineer part-time")
    world.say("Ana", "/checkin did it | hours: 2h building, 30m learning")
    s = summary(world)
    assert s.members == 1
    assert s.checkin_rate == 1.0
    assert s.minutes == {"learning": 30, "building": 120, "networking": 0}
    assert s.targets == {"learning": 300, "building": 480, "networking": 120}
    assert s.milestones == 1  # first check-in
    assert (s.plan_done, s.plan_total) == (0, 4)
    # No streak: Ana has not opted in to the leaderboard, so the summary never shows one.
    assert [(ln.name, ln.checkins, ln.expected, ln.streak) for ln in s.lines] == [
        ("Ana", 1, 1, None)
    ]
    message = reports.summary_message(s)
    fields = {f.name: f.value for f in message.fields}
    assert fields["Members"] == "1"
    assert fields["Check-in rate"] == "100% this week · — last week"
    assert fields["Building"].endswith("2 h / 8 h")
    assert fields["30-day plans"] == "0/4 weeks done"
    assert message.image is not None
    assert message.image.content.startswith(b"\x89PNG")
    assert message.image.filename == "cohort-2026-W49.png"


def _cohort_in_four_zones(world: Any, clock: Any) -> None:
    """Four members who joined last Monday; the cohort's own zone is UTC.

    Ana (Berlin) and Di (Auckland) check in every study day and opt in to the leaderboard;
    Cy (UTC) checks in every day but keeps the leaderboard off and sets no plan goal;
    Ben (Los Angeles) checked in once and went quiet.
    """
    clock.set(LAST_MONDAY)
    world.say("Org", "/cohort start Four Zones")
    for name, zone in (
        ("Ana", "Europe/Berlin"),
        ("Ben", "America/Los_Angeles"),
        ("Cy", None),
        ("Di", "Pacific/Auckland"),
    ):
        world.zones[name] = zone
        world.say(name, "/cohort join")
    for name in ("Ana", "Ben", "Di"):
        world.say(name, f"/plan set 1 {name}'s course")
    for name in ("Ana", "Ben", "Di"):
        world.say(name, "/cohort me leaderboard on")
    for day in range(5):  # Mon 23 .. Fri 27 Nov at 10:00 UTC: the same date from LA to Auckland
        clock.set(LAST_MONDAY + timedelta(days=day))
        for name in ("Ana", "Cy", "Di"):
            world.say(name, f"/checkin day {day + 1}")
        if day == 0:
            world.say("Ben", "/checkin just once")
    clock.set(MONDAY)
    for name in ("Ana", "Cy", "Di"):
        world.say(name, "/checkin monday")
    world.say("Ana", "/hours 2h building")
    world.say("Di", "/hours 1h learning")
    world.say("Ana", "/plan done 1")


def test_a_cohort_across_time_zones(world, clock) -> None:
    _cohort_in_four_zones(world, clock)
    s = summary(world)
    assert s.members == 4
    # This week so far is Monday (02:00 for Ben in LA, 23:00 for Di): three of four checked in.
    assert s.checkin_rate == 3 / 4
    assert s.checkin_rate_before == 16 / 20
    assert s.minutes == {"learning": 60, "building": 120, "networking": 0}
    assert s.targets == {"learning": 4 * 300, "building": 4 * 480, "networking": 4 * 120}
    assert (s.plan_done, s.plan_total) == (1, 16)
    assert s.milestones == 1  # Ana's plan week 1; the streak_3 awards were last week
    assert dict(s.at_risk) == {
        "Ben": "no check-in for 4 study days",
        "Cy": "no plan goals set yet",
    }
    assert s.leaders == [("Ana", 6), ("Di", 6)]
    message = reports.summary_message(s)
    leaders = next(b for b in message.blocks if b.startswith("Streaks (opted in)"))
    assert leaders == "Streaks (opted in): Ana 6d, Di 6d"
    assert "Cy" not in leaders
    risk = next(b for b in message.blocks if b.startswith("Might need a hand"))
    assert "• Ben — no check-in for 4 study days" in risk
    assert message.image is not None and message.image.content.startswith(b"\x89PNG")


def test_last_weeks_summary(world, clock) -> None:
    _cohort_in_four_zones(world, clock)
    s = summary(world, weeks_back=1)
    assert s.week == "2026-W48"
    assert s.checkin_rate == 16 / 20
    assert s.milestones == 3 + 3 + 1  # first check-ins and three 3-day streaks, Ben's first


def test_leaderboard_off_is_never_named(world, clock) -> None:
    _cohort_in_four_zones(world, clock)
    world.say("Ana", "/cohort me leaderboard off")
    world.say("Di", "/cohort me leaderboard off")
    s = summary(world)
    assert s.leaders == []
    assert not any(b.startswith("Streaks") for b in reports.summary_message(s).blocks)


def test_hours_logged_ahead_of_the_cohorts_clock_count_this_week(world, clock) -> None:
    # Monday 13:00 UTC is already Tuesday 02:00 in Auckland: Di's entry is for her Tuesday.
    clock.set(MONDAY)
    world.say("Org", "/cohort start Zones")
    world.zones["Di"] = "Pacific/Auckland"
    world.say("Di", "/cohort join")
    clock.set(MONDAY + timedelta(hours=3))
    world.say("Di", "/hours 1h learning")
    s = summary(world)
    assert s.minutes["learning"] == 60
    assert s.lines[0].minutes["learning"] == 60


def test_under_half_the_budget_two_weeks_running_is_at_risk(world, clock) -> None:
    clock.set(MONDAY - timedelta(days=17))  # Friday 13 Nov
    world.say("Org", "/cohort start Budget")
    world.say("Eve", "/cohort join")
    world.say("Eve", "/plan set 1 a real goal")
    clock.set(datetime.fromisoformat("2026-11-27T12:00:00+00:00"))
    world.say("Eve", "/checkin friday")
    clock.set(MONDAY)
    s = summary(world)
    assert s.at_risk == [("Eve", "under half of the hour budget two weeks running")]


def test_export_has_four_csvs_with_the_documented_columns(world, clock) -> None:
    world.say("Ana", "/cohort start Export")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/checkin public words | next: more | blockers: none | mood: 4")
    world.say("Ana", "/hours 90m building fixed =SUM(A1)")
    world.say("Ana", "/plan set 1 course")
    world.say("Ana", "/plan done 1")
    world.say("Ben", "/cohort join")
    world.say("Ben", "/cohort me checkins private")
    world.say("Ben", "/checkin secret words | next: secret plans | blockers: secret worry")
    world.say("Cy", "/checkin I will be forgotten | hours: 1h learning")
    world.say("Cy", "/cohort forget-me confirm")

    files = export(world)
    assert sorted(files) == sorted(EXPORT_COLUMNS)
    for name, rows in files.items():
        assert rows[0] == EXPORT_COLUMNS[name], name
        assert all(len(row) == len(EXPORT_COLUMNS[name]) for row in rows), name
    checkins = {
        row[1]: dict(zip(EXPORT_COLUMNS["checkins.csv"], row, strict=True))
        for row in files["checkins.csv"][1:]
    }
    assert checkins["U-ana"]["did"] == "public words"
    assert (checkins["U-ana"]["mood"], checkins["U-ana"]["public"]) == ("4", "yes")
    assert checkins["U-ben"]["did"] == checkins["U-ben"]["next"] == "(private)"
    assert checkins["U-ben"]["blockers"] == "(private)"
    assert checkins["U-ben"]["public"] == "no"
    assert checkins["U-ana"]["local_date"] == date(2026, 11, 30).isoformat()
    everything = "\n".join(",".join(r) for rows in files.values() for r in rows)
    assert "secret" not in everything
    assert "U-cy" not in everything and "forgotten" not in everything
    hours = files["hours.csv"][1:]
    assert [r[:5] for r in hours] == [["Ana", "U-ana", "2026-11-30", "building", "90"]]
    plan = [r for r in files["plan.csv"][1:] if r[1] == "U-ana"]
    assert [r[2] for r in plan] == ["1", "2", "3", "4"]
    assert plan[0][3] == "course" and plan[0][4]
    milestones = {(r[1], r[2]) for r in files["milestones.csv"][1:]}
    assert milestones == {
        ("U-ana", "first_checkin"),
        ("U-ana", "plan_week_1"),
        ("U-ben", "first_checkin"),
    }
