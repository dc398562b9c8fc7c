"""Member settings, time away, the admin commands, leaving, forgetting and snoozing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.domain import commands as c
from bot.domain.errors import NotAllowed, NotFound, UsageError, UserError
from bot.storage.orm import (
    AwayPeriod,
    Base,
    CheckInRow,
    Cohort,
    CohortAdmin,
    HourLog,
    Member,
    MemberPeriod,
    MilestoneAward,
    OutboxRow,
    PlanWeek,
    RestDay,
    Sprint,
    SprintGoal,
)
from tests.support.world import MONDAY


def cohort_row(world: Any) -> Cohort:
    with world.app.uow() as s:
        return s.scalars(select(Cohort)).one()


def refused(world: Any, who: str, line: str, error: type[UserError] = UsageError) -> str:
    before = world.snapshot()
    exc = world.fails(who, line)
    assert isinstance(exc, error), f"{line!r} raised {type(exc).__name__}: {exc}"
    assert world.snapshot() == before, f"{line!r} changed the database"
    return str(exc)


@pytest.fixture
def cohort(world: Any) -> Any:
    """Ana started the cohort and joined; Ben is an ordinary member."""
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")
    world.say("Ben", "/cohort join data_analyst full-time")
    return world


# ---- /cohort me ----------------------------------------------------------------------------


def test_cohort_me_shows_every_setting(cohort) -> None:
    card = cohort.say("Ben", "/cohort me").message
    assert card.title == "Your settings"
    fields = {f.name: f.value for f in card.fields}
    assert fields == {
        "timezone": "UTC",
        "prompt-time": "09:00 (cohort default)",
        "study-days": "mon,tue,wed,thu,fri (cohort default)",
        "quiet-hours": "off",
        "track": "data_analyst",
        "budget": "full-time",
        "delivery": "dm",
        "checkins": "public",
        "leaderboard": "off",
        "reminders": "sprint-kickoff on, weekly-review on, midweek-reminder on, "
        "checkin-prompt on, inactivity on, mix-drift on",
        "away": "no",
    }


MY_SETTINGS = [
    ("timezone america/new_york", "timezone", "America/New_York", "America/New_York"),
    ("tz Asia/Kolkata", "timezone", "Asia/Kolkata", "Asia/Kolkata"),
    ("prompt-time 7:30", "prompt_time", time(7, 30), "07:30"),
    ("study-days mon,wed,sat", "study_days", "mon,wed,sat", "mon,wed,sat"),
    ("study-days weekends", "study_days", "sat,sun", "sat,sun"),
    ("track finance", "track", "finance", "finance"),
    ("budget minimal", "budget", "minimal", "minimal"),
    ("delivery channel", "delivery", "channel", "channel"),
    ("checkins private", "checkins_public", False, "private"),
    ("leaderboard on", "leaderboard", True, "on"),
]


def test_each_setting_is_saved(cohort) -> None:
    for line, attribute, value, answer in MY_SETTINGS:
        reply = cohort.say("Ben", f"/cohort me {line}")
        assert reply.message.text.endswith(f"is now {answer}."), line
        assert getattr(cohort.member("Ben"), attribute) == value, line


def test_quiet_hours_can_be_set_and_turned_off(cohort) -> None:
    reply = cohort.say("Ben", "/cohort me quiet-hours 22:00-07:00")
    assert reply.message.text == "Done: quiet-hours is now 22:00-07:00."
    ben = cohort.member("Ben")
    assert (ben.quiet_start, ben.quiet_end) == (time(22, 0), time(7, 0))
    assert {f.name: f.value for f in cohort.say("Ben", "/cohort me").message.fields}[
        "quiet-hours"
    ] == "22:00-07:00"
    cohort.say("Ben", "/cohort me quiet-hours off")
    ben = cohort.member("Ben")
    assert (ben.quiet_start, ben.quiet_end) == (None, None)


def test_reminders_turn_off_and_on_all_at_once_or_per_kind(cohort) -> None:
    cohort.say("Ben", "/cohort me reminders checkin-prompt off")
    assert cohort.member("Ben").reminders_off == "checkin_prompt"
    cohort.say("Ben", "/cohort me reminders inactivity off")
    assert cohort.member("Ben").reminders_off == "checkin_prompt,inactivity"
    cohort.say("Ben", "/cohort me reminders checkin_prompt on")
    assert cohort.member("Ben").reminders_off == "inactivity"
    cohort.say("Ben", "/cohort me reminders off")
    assert set(cohort.member("Ben").reminders_off.split(",")) == {
        "sprint_kickoff",
        "weekly_review",
        "midweek_reminder",
        "checkin_prompt",
        "inactivity",
        "mix_drift",
    }
    shown = {f.name: f.value for f in cohort.say("Ben", "/cohort me").message.fields}
    assert "checkin-prompt off" in shown["reminders"]
    cohort.say("Ben", "/cohort me reminders on")
    assert cohort.member("Ben").reminders_off == ""


BAD_MY_SETTINGS = [
    ("timezone Mars/Olympus_Mons", "Unknown time zone"),
    ("timezone ../etc/passwd", "not a time zone"),
    ("prompt-time 25:00", "not a time of day"),
    ("prompt-time noon", "not a time of day"),
    ("study-days someday", "not a day of the week"),
    ("quiet-hours 22:00", "not a range"),
    ("quiet-hours 22:00-7", "not a time of day"),
    ("track astronaut", "Unknown track"),
    ("budget weekends", "Unknown budget"),
    ("delivery pigeon", "`dm` or `channel`"),
    ("checkins loud", "`public` or `private`"),
    ("leaderboard maybe", "should be on or off"),
    ("reminders sometimes", "should be on or off"),
    ("reminders digest off", "Which reminder?"),
    ("colour blue", "Unknown setting"),
    ("timezone", "What should timezone be?"),
]


def test_bad_settings_are_refused_and_change_nothing(cohort) -> None:
    for line, says in BAD_MY_SETTINGS:
        assert says in refused(cohort, "Ben", f"/cohort me {line}"), line


def test_settings_need_membership(cohort) -> None:
    refused(cohort, "Cy", "/cohort me", NotFound)
    refused(cohort, "Cy", "/cohort me timezone Europe/Paris", NotFound)


# ---- away ----------------------------------------------------------------------------------


def test_away_for_n_days_until_a_date_and_off(cohort, clock) -> None:
    reply = cohort.say("Ben", "/cohort me away 5 days")
    assert "away until Fri 04 Dec (inclusive)" in reply.message.text
    with cohort.app.uow() as s:
        assert s.execute(select(AwayPeriod.start_date, AwayPeriod.end_date)).all() == [
            (date(2026, 11, 30), date(2026, 12, 4))
        ]
    fields = {f.name: f.value for f in cohort.say("Ben", "/cohort me").message.fields}
    assert fields["away"] == "2026-11-30..2026-12-04"

    clock.advance(timedelta(days=2))
    assert "Welcome back" in cohort.say("Ben", "/cohort me away off").message.text
    with cohort.app.uow() as s:
        assert s.execute(select(AwayPeriod.start_date, AwayPeriod.end_date)).all() == [
            (date(2026, 11, 30), date(2026, 12, 1))
        ]
    assert cohort.say("Ben", "/cohort me away off").message.text == "You weren't marked away."

    cohort.say("Ben", "/cohort me away until 2026-12-24")
    with cohort.app.uow() as s:
        assert (date(2026, 12, 2), date(2026, 12, 24)) in s.execute(
            select(AwayPeriod.start_date, AwayPeriod.end_date)
        ).all()


def test_away_off_on_the_first_day_removes_the_period(cohort) -> None:
    cohort.say("Ben", "/cohort me away 3")
    cohort.say("Ben", "/cohort me away off")
    with cohort.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(AwayPeriod)) == 0


BAD_AWAY = [
    ("away until 2026-11-29", "already passed"),
    ("away until 2028-01-01", "at most a year"),
    ("away until 2026-13-01", "not a real date"),
    ("away 0", "1 to 90 days"),
    ("away 91 days", "1 to 90 days"),
    ("away soon", "How long?"),
]


def test_bad_away_is_refused(cohort) -> None:
    for line, says in BAD_AWAY:
        assert says in refused(cohort, "Ben", f"/cohort me {line}"), line


def test_away_days_do_not_break_the_streak(cohort, clock) -> None:
    cohort.say("Ben", "/checkin mon")
    clock.advance(timedelta(days=1))
    cohort.say("Ben", "/cohort me away 2 days")  # Tue, Wed
    clock.advance(timedelta(days=2))
    assert "Streak: 2 days." in cohort.say("Ben", "/checkin thu").message.text


# ---- admin commands ------------------------------------------------------------------------

ADMIN_LINES = ["/cohort summary", "/cohort export", "/cohort settings prompt-time 18:30"]


@pytest.mark.parametrize("line", ADMIN_LINES)
def test_admin_commands_are_refused_for_members(cohort, line: str) -> None:
    message = refused(cohort, "Ben", line, NotAllowed)
    assert "admins" in message


@pytest.mark.parametrize("line", ADMIN_LINES)
def test_admin_commands_work_for_the_cohort_admin_and_a_platform_admin(cohort, line) -> None:
    assert cohort.say("Ana", line).message.text
    cohort.admins.add("Zed")  # a workspace admin who is not even a member
    assert cohort.say("Zed", line).message.text


def test_summary_and_export_carry_a_chart_and_four_csvs(cohort) -> None:
    summary = cohort.say("Ana", "/cohort summary").message
    assert summary.title == "Cohort summary"
    assert summary.image is not None and summary.image.content.startswith(b"\x89PNG")
    export = cohort.say("Ana", "/cohort export").message
    assert sorted(f.filename for f in export.files) == [
        "checkins.csv",
        "hours.csv",
        "milestones.csv",
        "plan.csv",
    ]


COHORT_SETTINGS = [
    ("timezone Europe/Lisbon", "timezone", "Europe/Lisbon"),
    ("prompt-time 18:30", "prompt_time", time(18, 30)),
    ("study-days mon-sat", "study_days", "mon,tue,wed,thu,fri,sat"),
    ("reminder-day thu", "reminder_day", 3),
    ("review-day friday", "review_day", 4),
    ("digest-day sun", "digest_day", 6),
    ("name Spring ML switchers", "name", "Spring ML switchers"),
]


def test_cohort_settings_are_saved(cohort) -> None:
    for line, attribute, value in COHORT_SETTINGS:
        assert cohort.say("Ana", f"/cohort settings {line}").message.text.startswith("Done:")
        assert getattr(cohort_row(cohort), attribute) == value, line


def test_an_admin_can_make_another_member_admin(cohort) -> None:
    refused(cohort, "Ben", "/cohort summary", NotAllowed)
    assert cohort.say("Ana", "/cohort settings admin <@U-ben>").message.text == (
        "Done: Ben is an admin of AI Switchers."
    )
    cohort.say("Ana", "/cohort settings admin U-ben")  # twice is harmless
    cohort.say("Ana", "/cohort settings admin ben")  # by name, in any case: the same member
    cohort.say("Ana", "/cohort settings admin Ben")
    with cohort.app.uow() as s:
        assert sorted(s.scalars(select(CohortAdmin.user_id))) == ["U-ana", "U-ben"]
    assert cohort.say("Ben", "/cohort summary").message.title == "Cohort summary"


def test_an_admin_must_be_a_member_of_the_cohort(cohort) -> None:
    assert "nobody isn't a member of AI Switchers" in refused(
        cohort, "Ana", "/cohort settings admin nobody"
    )
    refused(cohort, "Ana", "/cohort settings admin <@U-stranger>")
    cohort.say("Ben", "/cohort leave")
    refused(cohort, "Ana", "/cohort settings admin Ben")


def test_a_rest_day_in_the_past_is_refused(cohort) -> None:
    assert "has already passed" in refused(cohort, "Ana", "/cohort settings rest-day 2020-01-01")
    refused(cohort, "Ana", "/cohort settings rest-day 2026-11-29")  # yesterday
    cohort.say("Ana", "/cohort settings rest-day 2026-11-30")  # today is fine


def test_a_rest_day_is_saved_once(cohort) -> None:
    reply = cohort.say("Ana", "/cohort settings rest-day 2026-12-24")
    assert "rest day on Thu 24 Dec 2026" in reply.message.text
    cohort.say("Ana", "/cohort settings rest-day 2026-12-24")
    with cohort.app.uow() as s:
        assert s.scalars(select(RestDay.day)).all() == [date(2026, 12, 24)]


BAD_COHORT_SETTINGS = [
    ("timezone Nowhere/Special", "Unknown time zone"),
    ("prompt-time 9", "not a time of day"),
    ("study-days never", "not a day of the week"),
    ("reminder-day someday", "not a day of the week"),
    ("rest-day tomorrow", "not a date"),
    ("colour blue", "Unknown setting"),
    ("name " + "n" * 81, "at most 80"),
]


def test_bad_cohort_settings_are_refused(cohort) -> None:
    for line, says in BAD_COHORT_SETTINGS:
        assert says in refused(cohort, "Ana", f"/cohort settings {line}"), line


# ---- leave, forget-me ------------------------------------------------------------------------


def test_leave_keeps_the_data_and_rejoining_works(cohort) -> None:
    cohort.say("Ben", "/checkin before leaving")
    assert "You've left" in cohort.say("Ben", "/cohort leave").message.text
    assert cohort.member("Ben").status == "left"
    refused(cohort, "Ben", "/progress", NotFound)
    refused(cohort, "Ben", "/cohort leave", NotFound)
    assert cohort.say("Ben", "/cohort join").message.title == "Welcome back"
    ben = cohort.member("Ben")
    assert ben.status == "active"
    with cohort.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 2
        assert (
            s.scalar(select(func.count()).select_from(PlanWeek).where(PlanWeek.member_id == ben.id))
            == 4
        )
        assert s.scalar(select(CheckInRow.did).where(CheckInRow.member_id == ben.id)) == (
            "before leaving"
        )


def test_rejoining_keeps_the_track_and_budget_chosen_before(cohort) -> None:
    cohort.say("Ben", "/cohort leave")
    reply = cohort.say("Ben", "/checkin back at it")
    assert "track" in reply.message.text
    ben = cohort.member("Ben")
    assert (ben.status, ben.track, ben.budget) == ("active", "data_analyst", "full-time")
    cohort.say("Ben", "/cohort leave")
    cohort.say("Ben", "/cohort join")
    ben = cohort.member("Ben")
    assert (ben.track, ben.budget) == ("data_analyst", "full-time")


def _fill_in(world: Any, name: str) -> None:
    world.say(name, "/checkin did a lot | hours: 2h building")
    world.say(name, "/hours 9h learning")
    world.say(name, "/plan set 1 my goal")
    world.say(name, "/plan done 1")
    world.say(name, "/sprint goal something")
    world.say(name, "/cohort me away 2 days")
    world.app.core.handle(c.Snooze(minutes=30), world.actor(name))


MEMBER_TABLES = (
    CheckInRow,
    HourLog,
    MilestoneAward,
    PlanWeek,
    AwayPeriod,
    OutboxRow,
    Sprint,
    MemberPeriod,
)


def test_forget_me_without_confirm_only_asks(cohort) -> None:
    _fill_in(cohort, "Ben")
    before = cohort.snapshot()
    reply = cohort.say("Ben", "/cohort forget-me")
    assert [b.action_id for b in reply.message.buttons] == ["forget_me_confirm"]
    assert "/cohort forget-me confirm" in reply.message.blocks[0]
    assert cohort.snapshot() == before


def test_forget_me_deletes_every_row_of_the_member_and_nothing_else(cohort) -> None:
    _fill_in(cohort, "Ana")
    _fill_in(cohort, "Ben")
    cohort.say("Ana", "/cohort settings admin U-ben")
    ben = cohort.member("Ben")
    ana = cohort.member("Ana")
    before = cohort.snapshot()
    reply = cohort.say("Ben", "/cohort forget-me confirm")
    assert "I deleted your data" in reply.message.text
    assert "1 check-ins, 2 hour entries" in reply.message.text
    with cohort.app.uow() as s:
        assert s.get(Member, ben.id) is None
        for model in MEMBER_TABLES:
            assert not s.scalars(select(model).where(model.member_id == ben.id)).all(), model
            assert s.scalars(select(model).where(model.member_id == ana.id)).all(), model
        assert not s.scalars(
            select(SprintGoal).join(Sprint).where(Sprint.member_id == ben.id)
        ).all()
        assert s.scalars(select(SprintGoal).join(Sprint).where(Sprint.member_id == ana.id)).all()
        # No row anywhere still names Ben.
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).all():
                assert "U-ben" not in map(str, row), (table.name, row)
    after = cohort.snapshot()
    # Ana's rows are untouched.
    for table in Base.metadata.sorted_tables:
        if "member_id" in table.c:
            idx = list(table.c.keys()).index("member_id")
            assert [r for r in after[table.name] if r[idx] == ana.id] == [
                r for r in before[table.name] if r[idx] == ana.id
            ], table.name
    assert after["cohorts"] == before["cohorts"]
    # Ben can start over.
    assert cohort.say("Ben", "/cohort join").message.title == "You're in"


def test_forget_me_with_nothing_stored_is_not_found(cohort) -> None:
    refused(cohort, "Cy", "/cohort forget-me confirm", NotFound)


# ---- snooze --------------------------------------------------------------------------------


def test_snooze_sets_snoozed_until_and_queues_one_prompt(cohort, clock) -> None:
    actor = cohort.actor("Ben")
    reply = cohort.app.core.handle(c.Snooze(minutes=90), actor)
    assert reply.message.text.startswith("Snoozed for 1 h 30 min")
    cohort.app.core.handle(c.Snooze(minutes=90), actor)
    until = MONDAY + timedelta(minutes=90)
    assert cohort.member("Ben").snoozed_until == until
    with cohort.app.uow() as s:
        rows = s.scalars(select(OutboxRow)).all()
    assert len(rows) == 1
    assert (rows[0].kind, rows[0].status, rows[0].due_at) == ("snoozed_prompt", "pending", until)
    assert rows[0].member_id == cohort.member("Ben").id


def test_snooze_until_tomorrow_is_midnight_in_the_members_zone(cohort) -> None:
    cohort.say("Ben", "/cohort me timezone Asia/Tokyo")
    cohort.app.core.handle(c.Snooze(until_tomorrow=True), cohort.actor("Ben"))
    cohort.app.core.handle(c.Snooze(until_tomorrow=True), cohort.actor("Ben"))
    # Monday 19:00 in Tokyo -> Tuesday 00:00 JST = Monday 15:00 UTC.
    assert cohort.member("Ben").snoozed_until == datetime.fromisoformat("2026-11-30T15:00:00+00:00")
    with cohort.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 1


@pytest.mark.parametrize("minutes", [0, 24 * 60 + 1])
def test_snooze_out_of_range_is_refused(cohort, minutes: int) -> None:
    before = cohort.snapshot()
    with pytest.raises(UsageError):
        cohort.app.core.handle(c.Snooze(minutes=minutes), cohort.actor("Ben"))
    assert cohort.snapshot() == before
