"""The use cases, driven the way members drive them: typed commands, checked in replies and rows.

Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture). The clock starts on
Monday 2026-11-30 10:00 UTC; tests that need history move it back to join and forward again.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain import commands as c
from bot.domain.errors import NotFound, UsageError, UserError
from bot.messages import Message, Reply
from bot.storage.orm import (
    CheckInRow,
    Cohort,
    CohortAdmin,
    HourLog,
    Member,
    MilestoneAward,
    PlanWeek,
    Sprint,
    SprintGoal,
)
from tests.support.db import count
from tests.support.world import MONDAY

# ---- helpers -------------------------------------------------------------------------------


def awards(world: Any, name: str) -> list[str]:
    m = world.member(name)
    with world.app.uow() as s:
        return sorted(
            s.scalars(select(MilestoneAward.milestone).where(MilestoneAward.member_id == m.id))
        )


def messages(reply: Reply) -> list[Message]:
    return [reply.message, *reply.public]


def all_text(message: Message) -> str:
    parts = [message.text, message.title or "", *message.blocks]
    parts += [f"{f.name} {f.value}" for f in message.fields]
    parts += [b.label for b in message.buttons]
    return "\n".join(parts)


def reply_text(reply: Reply) -> str:
    return "\n".join(all_text(m) for m in messages(reply))


# Mention markup that would ping someone if it reached a platform unchanged.
LIVE_MENTION = re.compile(r"<[!@#]|@(everyone|here|channel)\b", re.IGNORECASE)


def at(clock: Any, moment: datetime | str) -> None:
    clock.set(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)


def started(world: Any, clock: Any, *, days_ago: int = 0, who: str = "Ana") -> None:
    """A cohort started by Ana, with ``who`` joined ``days_ago`` days before Monday."""
    at(clock, MONDAY - timedelta(days=days_ago))
    world.say("Ana", "/cohort start AI Switchers")
    if who != "Ana":
        world.say(who, "/cohort join")
    else:
        world.say("Ana", "/cohort join software_engineer part-time")
    at(clock, MONDAY)


def expect_unchanged(world: Any, line: str, who: str = "Ana", error: type = UsageError) -> str:
    """The command fails with ``error`` and leaves every table exactly as it was."""
    before = world.snapshot()
    exc = world.fails(who, line)
    assert isinstance(exc, error), f"{line!r} raised {type(exc).__name__}: {exc}"
    assert world.snapshot() == before, f"{line!r} changed the database"
    return str(exc)


# ---- start and join --------------------------------------------------------------------------


def test_starting_a_cohort_makes_the_caller_its_admin(world) -> None:
    reply = world.say("Ana", "/cohort start AI Switchers")
    assert reply.message.title == "Cohort started"
    assert "you're its admin" in reply.message.text
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        assert cohort.name == "AI Switchers"
        assert cohort.channel_id == "C-cohort"
        assert s.scalars(select(CohortAdmin.user_id)).all() == ["U-ana"]


def test_a_second_start_in_the_same_channel_is_refused(world) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    message = expect_unchanged(world, "/cohort start Another one", who="Ben")
    assert "already has a cohort" in message
    assert count(world.app, Cohort) == 1
    assert count(world.app, CohortAdmin) == 1


def test_commands_in_a_channel_without_a_cohort_say_how_to_start_one(world) -> None:
    for line in ("/checkin hi", "/hours 1h building", "/cohort join", "/progress"):
        exc = world.fails("Ana", line)
        assert isinstance(exc, NotFound)
        assert "/cohort start" in exc.message
    assert all(not rows for rows in world.snapshot().values())


@pytest.mark.parametrize(
    "line",
    ["/cohort join data_analyst full-time", "/cohort join full-time data_analyst"],
)
def test_join_takes_track_and_budget_in_either_order(world, line: str) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    reply = world.say("Ben", line)
    assert reply.message.title == "You're in"
    assert "Full-time, 40 h a week" in reply_text(reply)
    ben = world.member("Ben")
    assert (ben.track, ben.budget, ben.status) == ("data_analyst", "full-time", "active")
    assert count(world.app, PlanWeek, member_id=ben.id) == 4


def test_join_with_only_a_budget_keeps_the_default_track(world) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ben", "/cohort join minimal")
    ben = world.member("Ben")
    assert (ben.track, ben.budget) == ("other", "minimal")


@pytest.mark.parametrize(
    "line", ["/cohort join astronaut part-time", "/cohort join part-time astronaut"]
)
def test_unknown_track_lists_the_tracks_and_writes_nothing(world, content, line: str) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    message = expect_unchanged(world, line, who="Ben")
    assert "Unknown track 'astronaut'" in message
    for track in content.tracks:
        assert track in message
    assert count(world.app, Member) == 0


def test_unknown_budget_lists_the_budgets_and_writes_nothing(world, content) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    message = expect_unchanged(world, "/cohort join finance weekends", who="Ben")
    assert "Unknown budget 'weekends'" in message
    for budget in content.budgets:
        assert budget in message
    assert count(world.app, Member) == 0


def test_joining_again_changes_track_and_budget_only(world) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ben", "/cohort join finance part-time")
    reply = world.say("Ben", "/cohort join devops minimal")
    assert "already in" in reply.message.text
    assert count(world.app, Member) == 1
    ben = world.member("Ben")
    assert (ben.track, ben.budget) == ("devops", "minimal")
    assert count(world.app, PlanWeek, member_id=ben.id) == 4


def test_a_member_who_checks_in_before_joining_is_joined_with_defaults(world) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    reply = world.say("Ben", "/checkin read chapter 1")
    assert "I've added you" in reply.message.text
    assert "/cohort me track" in reply.message.text
    ben = world.member("Ben")
    assert (ben.track, ben.budget, ben.status) == ("other", "part-time", "active")
    assert count(world.app, CheckInRow, member_id=ben.id) == 1
    # Only the first one says so.
    again = world.say("Ben", "/hours 1h learning")
    assert "I've added you" not in again.message.text


def test_the_member_zone_comes_from_the_profile_else_the_cohort(world) -> None:
    world.zones["Ana"] = "Europe/Berlin"
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join")
    world.say("Ben", "/cohort join")
    world.zones["Cy"] = "Not/AZone"
    world.say("Cy", "/cohort join")
    world.zones["Di"] = "Asia/Kolkata"
    world.say("Di", "/cohort join")
    assert world.member("Ana").timezone == "Europe/Berlin"
    assert world.member("Ben").timezone == "Europe/Berlin"  # the cohort's
    assert world.member("Cy").timezone == "Europe/Berlin"  # unknown profile zone ignored
    assert world.member("Di").timezone == "Asia/Kolkata"


# ---- check-ins -----------------------------------------------------------------------------


def test_a_checkin_is_stored_with_its_parts_and_posted(world, clock) -> None:
    started(world, clock)
    reply = world.say(
        "Ana",
        "/checkin finished lesson 4 | next: lesson 5 | blockers: GPU quota | mood: 4 "
        "| hours: 1h learning, 30m building",
    )
    assert reply.message.title == "Check-in saved"
    assert "Checked in for today. Streak: 1 day." in reply.message.text
    assert "Logged 1 h learning, 30 min building." in reply.message.text
    assert "Day 1 of 30" in reply.message.text
    card = reply.public[0]
    assert card.text == "Ana checked in"
    assert [(f.name, f.value) for f in card.fields][:3] == [
        ("Did", "finished lesson 4"),
        ("Next", "lesson 5"),
        ("Blockers", "GPU quota"),
    ]
    with world.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.local_date, row.did, row.next, row.blockers, row.mood, row.public) == (
            date(2026, 11, 30),
            "finished lesson 4",
            "lesson 5",
            "GPU quota",
            4,
            True,
        )
        logs = sorted(s.execute(select(HourLog.category, HourLog.minutes)).all())
        assert logs == [("building", 30), ("learning", 60)]


def test_checking_in_twice_on_one_day_points_to_edit(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/checkin first")
    message = expect_unchanged(world, "/checkin second")
    assert "already checked in for today" in message
    assert "/checkin edit" in message


def test_checkin_edit_replaces_todays_text(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/checkin first draft | next: more | mood: 3")
    reply = world.say("Ana", "/checkin edit finished lessons 4 and 5")
    assert reply.message.text == "Updated your check-in for today."
    assert reply.public and "(edited)" in reply.public[0].text
    with world.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.mood) == ("finished lessons 4 and 5", "more", 3)
        assert count(world.app, CheckInRow) == 1


def test_checkin_edit_without_a_checkin_is_not_found(world, clock) -> None:
    started(world, clock)
    expect_unchanged(world, "/checkin edit something", error=NotFound)


def test_checkin_edit_with_no_text_opens_a_prefilled_form(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/checkin did it | next: more | mood: 5")
    reply = world.say("Ana", "/checkin edit")
    assert reply.form is not None and reply.form.edit
    assert reply.form.initial == {"did": "did it", "next": "more", "mood": "5"}


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("/checkin yesterday: late one", date(2026, 11, 29)),
        ("/checkin 2d: later one", date(2026, 11, 28)),
        ("/checkin 2026-11-27: three days back", date(2026, 11, 27)),
    ],
)
def test_late_checkins_count_for_the_day_they_name(world, clock, line: str, day: date) -> None:
    started(world, clock, days_ago=10)
    reply = world.say("Ana", line)
    assert "Checked in for" in reply.message.text
    assert reply.public[0].text.startswith("Ana checked in for ")
    with world.app.uow() as s:
        assert s.scalars(select(CheckInRow.local_date)).all() == [day]


def test_a_checkin_four_days_back_is_refused(world, clock) -> None:
    started(world, clock, days_ago=10)
    message = expect_unchanged(world, "/checkin 2026-11-26: too late")
    assert "at most 3 days" in message
    expect_unchanged(world, "/checkin 4d: too late")


def test_a_checkin_for_a_future_day_is_refused(world, clock) -> None:
    started(world, clock, days_ago=10)
    message = expect_unchanged(world, "/checkin 2026-12-01: tomorrow's news")
    assert message.startswith("Not yet: tomorrow hasn't come where you are (it's Mon 30 Nov).")
    assert expect_unchanged(world, "/checkin 2026-12-03: later news").startswith(
        "Not yet: Thu 03 Dec hasn't come"
    )


def test_tomorrow_is_a_day_not_yet_come_for_checkins_and_hours(world, clock) -> None:
    started(world, clock, days_ago=10)
    for line in (
        "/checkin tomorrow: x",
        "/hours 1h learning tomorrow",
        "/hours 1h l tomorrow prep",
    ):
        message = expect_unchanged(world, line)
        assert message.startswith("Not yet: tomorrow hasn't come where you are"), line
        assert "Nothing was saved" in message
    # Someone not yet in the cohort is not enrolled by a refused entry either.
    expect_unchanged(world, "/hours 1h learning tomorrow", who="Ben")


def test_tomorrow_in_a_sentence_is_still_the_checkin_text(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/checkin tomorrow I start lesson 5")
    with world.app.uow() as s:
        assert s.scalars(select(CheckInRow.did)).all() == ["tomorrow I start lesson 5"]


def test_a_checkin_before_the_member_joined_is_refused(world, clock) -> None:
    started(world, clock, days_ago=1)
    message = expect_unchanged(world, "/checkin 2d: before my time")
    assert "You joined on Sun 29 Nov" in message


def test_a_late_entry_repairs_the_streak(world, clock) -> None:
    # Joined Wed 25 Nov; checked in Wed, Thu; missed Fri; today is Monday.
    started(world, clock, days_ago=5)
    at(clock, "2026-11-25T18:00:00+00:00")
    world.say("Ana", "/checkin wed")
    at(clock, "2026-11-26T18:00:00+00:00")
    world.say("Ana", "/checkin thu")
    at(clock, MONDAY)
    assert "Streak: 1 day." in world.say("Ana", "/checkin mon").message.text
    reply = world.say("Ana", "/checkin 2026-11-27: fri, logged late")
    assert "That late entry repaired your streak." in reply.message.text
    assert "Streak: 4 days." in reply.message.text


def test_a_late_checkin_across_the_iso_week_counts_for_the_previous_sprint(world, clock) -> None:
    started(world, clock, days_ago=3)  # joined Friday 27 Nov
    reply = world.say("Ana", "/checkin yesterday: sunday session | hours: 2h building")
    assert "Checked in for yesterday" in reply.message.text
    with world.app.uow() as s:
        assert s.execute(select(HourLog.local_date, HourLog.minutes)).all() == [
            (date(2026, 11, 29), 120)
        ]
    # This week's sprint (W49) has none of it ...
    sprint = world.say("Ana", "/sprint").message
    assert sprint.text == "Sprint 2026-W49"
    building = next(f.value for f in sprint.fields if f.name == "Building")
    assert building.endswith("0 h / 8 h")
    # ... last week's did: move back into Sunday and look.
    at(clock, "2026-11-29T20:00:00+00:00")
    last = world.say("Ana", "/sprint").message
    assert last.text == "Sprint 2026-W48"
    assert next(f.value for f in last.fields if f.name == "Building").endswith("2 h / 8 h")


# ---- hours ---------------------------------------------------------------------------------


def test_hours_are_logged_in_minutes_with_the_week_total(world, clock) -> None:
    started(world, clock)
    reply = world.say("Ana", "/hours 90m learning read chapter 3")
    assert "Logged 1 h 30 min of learning for today." in reply.message.text
    assert "This week: 1 h 30 min of 5 h learning." in reply.message.text
    reply = world.say("Ana", "/hours 1h30m l")
    assert "This week: 3 h of 5 h learning." in reply.message.text
    with world.app.uow() as s:
        rows = s.execute(select(HourLog.minutes, HourLog.category, HourLog.note)).all()
    assert sorted(rows, key=str) == sorted(
        [(90, "learning", "read chapter 3"), (90, "learning", None)], key=str
    )


def test_a_quarter_hour_is_shown_as_15_min_and_the_week_adds_up(world, clock) -> None:
    started(world, clock)
    reply = world.say("Ana", "/hours 0.25 b")
    assert "Logged 15 min of building for today." in reply.message.text  # never "0.2 h"
    world.say("Ana", "/hours 3.5 learning")
    log = world.say("Ana", "/hours log").message
    shown = "\n".join([log.text, *log.blocks])
    assert "Total 3 h 45 min: learning 3 h 30 min of 5 h · building 15 min of 8 h" in shown


def test_late_hours_from_last_week_do_not_show_in_this_weeks_total(world, clock) -> None:
    started(world, clock, days_ago=3)
    reply = world.say("Ana", "/hours 2h building yesterday fixed tests")
    assert "Logged 2 h of building for yesterday." in reply.message.text
    assert "This week" not in reply.message.text
    with world.app.uow() as s:
        assert s.execute(select(HourLog.local_date, HourLog.note)).all() == [
            (date(2026, 11, 29), "fixed tests")
        ]


@pytest.mark.parametrize("line", ["/hours 0m building", "/hours 17h building", "/hours 2h cooking"])
def test_bad_hours_write_nothing(world, clock, line: str) -> None:
    started(world, clock)
    before = world.snapshot()
    with pytest.raises(UsageError):
        world.say("Ana", line)
    assert world.snapshot() == before


def test_hours_too_far_back_write_nothing(world, clock) -> None:
    started(world, clock, days_ago=10)
    expect_unchanged(world, "/hours 1h building 4d")


def test_hours_undo_removes_the_last_entry(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/hours 1h learning")
    clock.advance(timedelta(minutes=5))
    world.say("Ana", "/hours 2h building")
    clock.advance(timedelta(hours=23))
    reply = world.say("Ana", "/hours undo")
    assert reply.message.text == "Removed 2 h of building for yesterday."
    with world.app.uow() as s:
        assert s.execute(select(HourLog.minutes, HourLog.category)).all() == [(60, "learning")]


def test_hours_undo_after_24_hours_is_refused(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/hours 1h learning")
    clock.advance(timedelta(hours=24, minutes=1))
    message = expect_unchanged(world, "/hours undo", error=NotFound)
    assert "last 24 hours" in message


def test_hours_undo_with_nothing_logged_is_refused(world, clock) -> None:
    started(world, clock)
    expect_unchanged(world, "/hours undo", error=NotFound)


def test_hours_log_lists_this_weeks_entries_with_days_categories_and_notes(world, clock) -> None:
    started(world, clock, days_ago=7)  # joined the Monday before: last week's entries exist
    at(clock, MONDAY - timedelta(days=1))
    world.say("Ana", "/hours 3h building last week's work")
    at(clock, MONDAY + timedelta(days=2))  # Wednesday
    world.say("Ana", "/hours 90m learning yesterday read ch. 3")
    world.say("Ana", "/hours 2h building wired the API")
    world.say("Ana", "/hours 30m networking")
    before = world.snapshot()
    reply = world.say("Ana", "/hours log")
    assert world.snapshot() == before  # a read: nothing written
    assert reply.public == ()  # the notes are the member's own: a private answer
    assert reply.message.title == "Your hours this week (since Mon 30 Nov)"
    assert reply.message.text.splitlines() == [
        "Tue 01 Dec · 1 h 30 min learning · read ch. 3",
        "Wed 02 Dec · 2 h building · wired the API",
        "Wed 02 Dec · 30 min networking",
        "Total 4 h: learning 1 h 30 min of 5 h · building 2 h of 8 h · networking 30 min of 2 h.",
    ]


def test_hours_log_in_the_members_own_zone_and_week(world, clock) -> None:
    world.zones["Ana"] = "Pacific/Auckland"  # already Monday there when it is Sunday in UTC
    started(world, clock, days_ago=7)
    at(clock, datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # Mon 30 Nov 01:00 in Auckland
    world.say("Ana", "/hours 1h learning")
    reply = world.say("Ana", "/hours log")
    assert reply.message.title == "Your hours this week (since Mon 30 Nov)"
    assert reply.message.text.startswith("Mon 30 Nov · 1 h learning")


def test_hours_log_with_nothing_this_week_says_how_to_log(world, clock) -> None:
    started(world, clock)
    reply = world.say("Ana", "/hours log")
    assert "Nothing logged this week yet" in reply.message.text
    assert "`/hours 90m learning`" in reply.message.text


def test_hours_log_is_refused_to_someone_not_in_the_cohort(world, clock) -> None:
    started(world, clock)
    expect_unchanged(world, "/hours log", who="Zed", error=NotFound)
    assert world.app.core.traits(c.ShowHourLog()).writes is False


# ---- plan ----------------------------------------------------------------------------------


def test_plan_shows_the_template_until_made_specific(world, clock, content) -> None:
    started(world, clock)
    plan = world.say("Ana", "/plan").message
    assert plan.title == "Your 30-day plan"
    assert plan.text == "Day 1 of 30 · 0/4 weeks done"
    assert len(plan.fields) == 4
    assert plan.fields[0].name.startswith("▶ Week 1")
    assert content.plan.weeks[0].default_goal in plan.fields[0].value
    assert "(template — make it yours)" in plan.fields[0].value

    reply = world.say("Ana", "/plan set 2 build a churn model on my bank's public data")
    assert reply.message.text.startswith("Week 2 goal set:")
    plan = world.say("Ana", "/plan").message
    assert plan.fields[1].value == "build a churn model on my bank's public data"
    ana = world.member("Ana")
    with world.app.uow() as s:
        goals = dict(
            s.execute(
                select(PlanWeek.week, PlanWeek.goal).where(PlanWeek.member_id == ana.id)
            ).all()
        )
    assert goals == {1: None, 2: "build a churn model on my bank's public data", 3: None, 4: None}


def test_plan_done_awards_the_week_milestone_once(world, clock) -> None:
    started(world, clock)
    reply = world.say("Ana", "/plan done 1")
    assert "Week 1 done" in reply.message.text
    assert "🏅 Week 1 of the plan is done, Ana" in reply.message.text
    assert "already done" in world.say("Ana", "/plan done 1").message.text
    undo = world.say("Ana", "/plan undo 1").message.text
    assert undo == "Week 1 is open again. Taken back: Plan week 1 done."
    assert awards(world, "Ana") == []
    again = world.say("Ana", "/plan done 1")  # done again: celebrated again, still once
    assert "Week 1 of the plan is done, Ana" in again.message.text
    assert awards(world, "Ana") == ["plan_week_1"]
    ana = world.member("Ana")
    with world.app.uow() as s:
        assert (
            s.scalar(
                select(PlanWeek.done_at).where(PlanWeek.member_id == ana.id, PlanWeek.week == 1)
            )
            is not None
        )


def test_finishing_all_four_weeks_completes_the_plan_once(world, clock) -> None:
    started(world, clock)
    for week in (1, 2, 3):
        world.say("Ana", f"/plan done {week}")
    last = world.say("Ana", "/plan done 4")
    assert "🏅 All four weeks of the plan are done, Ana." in last.message.text
    world.say("Ana", "/plan undo 4")
    world.say("Ana", "/plan done 4")
    assert awards(world, "Ana") == [
        "plan_complete",
        "plan_week_1",
        "plan_week_2",
        "plan_week_3",
        "plan_week_4",
    ]


def test_undo_takes_back_the_milestones_and_progress_counts_right_after(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/checkin started the course")
    for week in (1, 2, 3, 4):
        world.say("Ana", f"/plan done {week}")
    assert "Milestones reached: 6" in world.say("Ana", "/progress").message.plain()
    reply = world.say("Ana", "/plan undo 2")
    assert reply.message.text == (
        "Week 2 is open again. Taken back: Plan week 2 done, 30-day plan complete."
    )
    assert "Milestones reached: 4" in world.say("Ana", "/progress").message.plain()
    assert awards(world, "Ana") == ["first_checkin", "plan_week_1", "plan_week_3", "plan_week_4"]


def test_undoing_a_week_never_done_says_so_and_changes_nothing(world, clock) -> None:
    started(world, clock)
    before = world.snapshot()
    reply = world.say("Ana", "/plan undo 3")
    assert reply.message.text == "Week 3 isn't marked done, so there's nothing to undo."
    assert world.snapshot() == before


def test_undo_edits_the_public_celebration_where_it_landed(world, clock) -> None:
    started(world, clock)
    [card] = world.say("Ana", "/plan done 1").public
    assert card.ref is not None and card.ref.startswith("milestone:")
    assert world.app.core.record_post(card.ref, "C-cohort", "m-7") is True
    [update] = world.say("Ana", "/plan undo 1").updates
    assert (update.channel_id, update.message_id, update.repost) == ("C-cohort", "m-7", False)
    assert update.message.text == (
        "🏅 Plan week 1 done (Ana) — taken back: week 1 of the plan is open again."
    )


@pytest.mark.parametrize("line", ["/plan set 5 too far", "/plan done 0", "/plan set 1"])
def test_bad_plan_weeks_write_nothing(world, clock, line: str) -> None:
    started(world, clock)
    before = world.snapshot()
    with pytest.raises(UsageError):
        world.say("Ana", line)
    assert world.snapshot() == before


# ---- sprint --------------------------------------------------------------------------------


def test_a_sprint_is_created_once_per_iso_week_with_targets_from_the_budget(world, clock) -> None:
    started(world, clock)
    card = world.say("Ana", "/sprint").message
    assert card.title == "This week's sprint"
    assert card.text == "Sprint 2026-W49"
    world.say("Ana", "/sprint")
    clock.advance(timedelta(days=6, hours=13))  # Sunday 23:00 UTC, still W49
    world.say("Ana", "/sprint")
    with world.app.uow() as s:
        sprint = s.scalars(select(Sprint)).one()
        assert sprint.iso_week == "2026-W49"
        # part-time: 5 / 8 / 2 hours
        assert (sprint.target_learning, sprint.target_building, sprint.target_networking) == (
            300,
            480,
            120,
        )
        goals = s.scalars(select(SprintGoal)).all()
        assert [(g.position, g.source) for g in goals] == [(1, "plan")]
    clock.advance(timedelta(hours=2))  # Monday 7 Dec: a new week
    assert world.say("Ana", "/sprint").message.text == "Sprint 2026-W50"
    assert count(world.app, Sprint) == 2


def test_full_time_targets(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/cohort join full-time")
    world.say("Ana", "/sprint")
    with world.app.uow() as s:
        sprint = s.scalars(select(Sprint)).one()
    assert (sprint.target_learning, sprint.target_building, sprint.target_networking) == (
        1200,
        900,
        300,
    )


def test_the_current_sprint_follows_plan_and_budget_changes_and_past_ones_keep_theirs(
    world, clock
) -> None:
    started(world, clock)  # full-time: 20 / 15 / 5 h
    world.say("Ana", "/cohort join full-time")
    world.say("Ana", "/sprint")
    clock.advance(timedelta(days=7))  # week 2 of the plan, a new sprint
    world.say("Ana", "/sprint")
    world.say("Ana", "/plan set 2 ship the churn model README")
    world.say("Ana", "/cohort me budget part-time")
    card = world.say("Ana", "/sprint").message
    assert card.blocks[0] == "1. ◻️ ship the churn model README"
    fields = {f.name: f.value for f in card.fields}
    assert fields["Learning"].endswith("/ 5 h") and fields["Building"].endswith("/ 8 h")
    assert fields["Networking"].endswith("/ 2 h")
    world.say("Ana", "/cohort join software_engineer full-time")  # already in: budget again
    assert world.say("Ana", "/sprint").message.fields[0].value.endswith("/ 20 h")
    world.say("Ana", "/cohort me budget part-time")
    with world.app.uow() as s:
        last, this = s.scalars(select(Sprint).order_by(Sprint.iso_week)).all()
        assert (last.target_learning, last.target_building) == (1200, 900)  # as it was
        assert (this.target_learning, this.target_building) == (300, 480)
        assert [g.text for g in last.goals] != ["ship the churn model README"]


def test_the_sprint_week_is_the_members_own(world, clock) -> None:
    # Sunday 22:00 UTC is already Monday 11:00 in Auckland: the next ISO week.
    at(clock, "2026-11-29T22:00:00+00:00")
    world.say("Ana", "/cohort start AI Switchers")
    world.zones["Kiri"] = "Pacific/Auckland"
    world.say("Kiri", "/cohort join cs_graduate")
    world.say("Ana", "/cohort join")
    assert world.say("Kiri", "/sprint").message.text == "Sprint 2026-W49"
    assert world.say("Ana", "/sprint").message.text == "Sprint 2026-W48"


def test_sprint_goals_are_added_and_marked_done(world, clock) -> None:
    started(world, clock)
    reply = world.say("Ana", "/sprint goal write the README for project 1")
    assert reply.message.text == "Goal 2 added: write the README for project 1"
    assert world.say("Ana", "/sprint done 2").message.text.startswith("Done: write the README")
    world.say("Ana", "/sprint done 2")  # twice is harmless
    card = world.say("Ana", "/sprint").message
    assert "2. ✅ write the README for project 1" in card.blocks[0]
    assert "1. ◻️" in card.blocks[0]
    with world.app.uow() as s:
        goals = s.execute(
            select(SprintGoal.position, SprintGoal.source, SprintGoal.text).order_by(
                SprintGoal.position
            )
        ).all()
    assert goals[1] == (2, "own", "write the README for project 1")


@pytest.mark.parametrize("line", ["/sprint done 3", "/sprint done 0", "/sprint done two"])
def test_bad_sprint_goal_numbers_write_nothing(world, clock, line: str) -> None:
    started(world, clock)
    world.say("Ana", "/sprint")
    before = world.snapshot()
    with pytest.raises((UsageError, NotFound)):
        world.say("Ana", line)
    assert world.snapshot() == before


def test_a_sprint_holds_at_most_ten_goals(world, clock) -> None:
    started(world, clock)
    for n in range(9):
        world.say("Ana", f"/sprint goal goal {n}")
    message = expect_unchanged(world, "/sprint goal one too many")
    assert "at most 10 goals" in message


# ---- progress and milestones ----------------------------------------------------------------


def test_progress_shows_streak_hours_plan_and_next_milestone(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/checkin did a thing")
    world.say("Ana", "/hours 2h building")
    card = world.say("Ana", "/progress").message
    assert card.title == "Progress"
    assert card.text == "Ana's progress"
    fields = {f.name: f.value for f in card.fields}
    assert fields["Streak"] == "1 day · longest 1 · 0 freezes held"
    assert fields["Building"].endswith("2 h / 8 h")
    assert fields["Learning"].endswith("0 h / 5 h")
    assert fields["All time"] == "2 h · 1 check-in"
    assert card.blocks[0].startswith("Day 1 of 30 — this week:")
    assert "Next milestone: 3-day streak — 2 more study days." in card.blocks
    assert "Milestones reached: 1" in card.blocks


def test_first_checkin_is_celebrated_once(world, clock) -> None:
    started(world, clock)
    first = world.say("Ana", "/checkin one")
    assert "🏅 Ana, your first check-in is in." in first.message.text
    assert any("your first check-in is in" in m.text for m in first.public)
    clock.advance(timedelta(days=1))
    second = world.say("Ana", "/checkin two")
    assert "first check-in is in" not in reply_text(second)
    assert awards(world, "Ana") == ["first_checkin"]


def test_three_study_days_in_a_row_earn_streak_3_once(world, clock) -> None:
    started(world, clock)
    for day in range(3):
        at(clock, MONDAY + timedelta(days=day))
        reply = world.say("Ana", f"/checkin day {day + 1}")
    assert "Streak: 3 days." in reply.message.text
    assert "🏅 Three study days in a row, Ana." in reply.message.text
    at(clock, MONDAY + timedelta(days=3))
    assert "Three study days" not in world.say("Ana", "/checkin day 4").message.text
    assert awards(world, "Ana") == ["first_checkin", "streak_3"]


def test_ten_hours_earn_the_hours_milestone_once(world, clock) -> None:
    started(world, clock)
    world.say("Ana", "/hours 6h building")
    reply = world.say("Ana", "/hours 4h learning")
    assert "🏅 Ten hours of focused prep logged, Ana." in reply.message.text
    assert "Ten hours" not in world.say("Ana", "/hours 1h learning").message.text
    assert awards(world, "Ana") == ["hours_10"]


def test_a_private_members_checkin_is_not_posted_publicly(world, clock) -> None:
    started(world, clock)
    world.say("Ben", "/cohort join")
    assert world.say("Ben", "/cohort me checkins private").message.text == (
        "Done: checkins is now private."
    )
    private = world.say("Ben", "/checkin quiet work")
    assert private.public == ()
    assert "first check-in is in" in private.message.text  # still celebrated, privately
    public = world.say("Ana", "/checkin loud work")
    assert public.public and public.public[0].text == "Ana checked in"
    with world.app.uow() as s:
        flags = dict(s.execute(select(CheckInRow.did, CheckInRow.public)).all())
    assert flags == {"quiet work": False, "loud work": True}


INJECTION = "<!channel> @everyone <@U123> <!here|here> @here <#C1|general> <@&42>"


def test_mentions_are_stored_verbatim_and_never_rendered_live(world, clock) -> None:
    started(world, clock)
    replies = [
        world.say("Ana", f"/checkin {INJECTION} | next: {INJECTION} | blockers: {INJECTION}"),
        world.say("Ana", f"/checkin edit {INJECTION} again"),
        world.say("Ana", f"/plan set 1 {INJECTION}"),
        world.say("Ana", f"/sprint goal {INJECTION}"),
        world.say("Ana", "/plan"),
        world.say("Ana", "/sprint"),
        world.say("Ana", "/progress"),
        world.say("Ana", f"/hours 1h building {INJECTION}"),
        world.say("Ana", f"/cohort settings name {INJECTION}"[:120]),
    ]
    for reply in replies:
        for message in messages(reply):
            text = all_text(message)
            assert not LIVE_MENTION.search(text), text
    with world.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert row.did == f"{INJECTION} again"
        assert row.next == INJECTION and row.blockers == INJECTION
        assert s.scalar(select(HourLog.note)) == INJECTION
        assert s.scalar(select(PlanWeek.goal).where(PlanWeek.week == 1)) == INJECTION


def test_a_display_name_with_mentions_is_rendered_safely(world, clock) -> None:
    started(world, clock)
    reply = world.say("<!everyone>", "/checkin hi")
    assert not LIVE_MENTION.search(reply_text(reply))
    world.say("<!everyone>", "/plan")
    assert not LIVE_MENTION.search(reply_text(world.say("<!everyone>", "/progress")))


def test_a_4000_character_checkin_is_kept_and_4001_is_refused(world, clock) -> None:
    started(world, clock)
    text = "x" * 4000
    world.say("Ana", f"/checkin {text}")
    with world.app.uow() as s:
        assert s.scalar(select(CheckInRow.did)) == text
    clock.advance(timedelta(days=1))
    message = expect_unchanged(world, "/checkin " + "y" * 4001)
    assert "4000 characters" in message


# ---- errors change nothing ------------------------------------------------------------------

BAD_LINES = [
    "/checkin",  # opens a form: not an error, but writes nothing either
    "/checkin mood: 9",
    "/checkin x | mood: 6",
    "/checkin 2026-02-30: no such day",
    "/hours",
    "/hours 2h",
    "/hours 2h bulding",
    "/hours -1h learning",
    "/plan set 1",
    "/plan done 7",
    "/sprint goal",
    "/cohort me timezone Mars/Olympus",
    "/cohort me prompt-time 25:00",
    "/cohort me study-days someday",
    "/cohort me quiet-hours 22:00",
    "/cohort me delivery pigeon",
    "/cohort me checkins loud",
    "/cohort me leaderboard maybe",
    "/cohort me reminders sometimes",
    "/cohort me colour blue",
    "/cohort me away 0",
    "/cohort me away until 2026-11-01",
    "/cohort settings prompt-time 9",
    "/cohort summary",
    "/cohort export",
    "/cohort forget-me please",
    "/cohort join ceo",
    "/nonsense",
]


def test_a_summary_of_a_week_before_the_cohort_says_there_is_no_such_week(world, clock) -> None:
    started(world, clock)  # Monday 30 Nov 2026, week 2026-W49
    message = expect_unchanged(world, "/cohort summary last", error=NotFound)
    assert message == (
        "There's no week 2026-W48 for AI Switchers: it started on Mon 30 Nov 2026, "
        "in week 2026-W49. Its first summary is that week's."
    )
    assert "Members: 1" in world.say("Ana", "/cohort summary").message.plain()
    clock.advance(timedelta(weeks=1))
    assert "week 2026-W49" in world.say("Ana", "/cohort summary last").message.plain()


def test_a_summary_of_a_week_still_to_come_says_it_has_not_started(world, clock) -> None:
    started(world, clock)
    shown = re.escape("There's no week 2026-W50 yet: it hasn't started.")
    with pytest.raises(NotFound, match=shown):
        world.app.core.handle(c.ShowSummary(weeks_back=-1), world.actor("Ana"))


def test_the_plan_and_prompts_of_a_minimal_budget_start_by_building(world, clock) -> None:
    started(world, clock)  # Ana, part-time: the template starts with a course
    assert "Start one specific course" in world.say("Ana", "/checkin day one").message.text
    world.say("Ana", "/cohort me budget minimal")
    shown = [
        world.say("Ana", "/progress").message,
        world.say("Ana", "/plan").message,
        world.say("Ana", "/sprint").message,
    ]
    for message in shown:
        text = message.plain()
        assert "course" not in text, text
    assert "Pick one small project from my own field" in shown[0].plain()
    assert "Week 1: Pick one small project" in shown[1].plain()
    # A goal the member wrote is theirs, whatever the budget.
    world.say("Ana", "/plan set 1 finish the fast.ai course")
    assert "finish the fast.ai course" in world.say("Ana", "/progress").message.plain()


def test_every_error_leaves_the_database_unchanged(world, clock) -> None:
    started(world, clock, days_ago=5)
    world.say("Ben", "/cohort join")
    world.say("Ben", "/checkin already did today")
    world.say("Ben", "/hours 1h building")
    before = world.snapshot()
    for line in BAD_LINES:
        try:
            world.say("Ben", line)
        except UserError as exc:
            assert str(exc), line
        assert world.snapshot() == before, f"{line!r} changed the database"
