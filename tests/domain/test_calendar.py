"""Study days, clock times, time zones and plan days as members type and live them."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import (
    at_local,
    days_between,
    expand_periods,
    format_study_days,
    iso_week,
    local_today,
    parse_clock,
    parse_study_days,
    plan_day,
    plan_week,
    week_start,
    weekday_number,
    zone,
)
from bot.domain.errors import UsageError

# ---- study days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("mon - fri", {0, 1, 2, 3, 4}),
        ("mon–fri", {0, 1, 2, 3, 4}),
        ("fri-mon", {4, 5, 6, 0}),
        ("sat-sun", {5, 6}),
        ("sun-sun", {6}),
        ("mon,wed,sat", {0, 2, 5}),
        ("mon, wed, sat", {0, 2, 5}),
        ("mon wed sat", {0, 2, 5}),
        ("mon-wed,fri", {0, 1, 2, 4}),
        ("monday,wednesday", {0, 2}),
        ("tues,thurs", {1, 3}),
        ("mondays, weds", {0, 2}),
        ("every day", set(range(7))),
        ("Every Day", set(range(7))),
        ("daily", set(range(7))),
        ("mon-sun", set(range(7))),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekends", {5, 6}),
        ("weekend", {5, 6}),
        ("  tue  ", {1}),
    ],
)
def test_study_days_people_type_become_weekday_numbers(text: str, days: set[int]) -> None:
    assert parse_study_days(text) == frozenset(days)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        ",",
        "funday",
        "monkey",  # starts like "mon", but is not a day
        "satisfied",
        "mo",
        "mon-",
        "-fri",
        "mon-fri-sun",
        "mon,blursday",
        "1,2,3",
    ],
)
def test_words_that_are_not_days_are_refused(text: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_study_days(text)
    assert refused.value.usage


def test_study_days_format_back_to_what_they_parse_from() -> None:
    assert format_study_days({4, 0, 2}) == "mon,wed,fri"
    for text in ("mon-fri", "fri-mon", "sat,sun", "every day", "tue"):
        days = parse_study_days(text)
        assert parse_study_days(format_study_days(days)) == days


@pytest.mark.parametrize(
    ("word", "number"),
    [("mon", 0), ("Tuesday", 1), ("wed", 2), ("THU", 3), ("fri", 4), ("sat", 5), ("sunday", 6)],
)
def test_a_single_day_names_its_weekday(word: str, number: int) -> None:
    assert weekday_number(word) == number


def test_a_single_word_that_is_not_a_day_is_refused() -> None:
    with pytest.raises(UsageError, match="'someday' is not a day of the week"):
        weekday_number("someday")


# ---- clock times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("19:00", time(19, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 08:05 ", time(8, 5)),
    ],
)
def test_clock_times_people_type_become_times(text: str, clock: time) -> None:
    assert parse_clock(text) == clock


@pytest.mark.parametrize(
    "text",
    [
        "",
        "7",
        "730",
        "7:3",
        "7:300",
        "24:00",
        "12:60",
        "-1:00",
        "7:30am",
        "7.30",
        "ab:cd",
        "007:30",
        "²:30",  # a superscript digit; str.isdigit() says yes, int() says no
        "٠٧:٣٠",  # Arabic-Indic digits
        "０７:３０",  # full-width digits
    ],
)
def test_anything_else_is_not_a_time_of_day(text: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_clock(text)
    assert refused.value.usage == "HH:MM, 24-hour, e.g. 08:30"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=8))
def test_any_text_is_a_time_or_a_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_clock(text)


# ---- time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "UTC"]
)
def test_an_iana_name_is_a_zone(name: str) -> None:
    assert zone(name) == ZoneInfo(name)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("asia/kolkata", "Asia/Kolkata"),
    ],
)
def test_a_zone_in_the_wrong_case_is_fixed_up(typed: str, name: str) -> None:
    assert zone(typed).key == name


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("Kolkata", "Asia/Kolkata"),
    ],
)
def test_an_unknown_zone_suggests_a_close_match(typed: str, suggestion: str) -> None:
    with pytest.raises(UsageError, match=f"Did you mean .*{suggestion}") as refused:
        zone(typed)
    assert refused.value.usage


def test_a_zone_with_no_close_match_is_refused_without_a_suggestion() -> None:
    with pytest.raises(UsageError) as refused:
        zone("Atlantis/Lost_City")
    assert "Did you mean" not in refused.value.message


@pytest.mark.parametrize(
    "name",
    [
        "",
        " Europe/Berlin",
        "Europe/Berlin ",
        "../../etc/passwd",
        "Europe/../Europe/Berlin",
        "/etc/localtime",
        "/usr/share/zoneinfo/UTC",
        "Europe/Berlin/",
        "Europe\\Berlin",
        "zone.tab",
        "UTC\x00",
    ],
)
def test_names_that_look_like_paths_or_junk_are_refused(name: str) -> None:
    with pytest.raises(UsageError):
        zone(name)


# ---- local dates and moments ----------------------------------------------------------------


def test_today_is_the_members_own_date() -> None:
    now = datetime(2026, 1, 4, 19, 0, tzinfo=UTC)  # Sunday evening in UTC
    assert local_today(now, "Pacific/Kiritimati") == date(2026, 1, 5)
    assert local_today(now, ZoneInfo("Pacific/Honolulu")) == date(2026, 1, 4)


def test_at_local_is_the_wall_clock_moment_on_that_day() -> None:
    moment = at_local(date(2026, 1, 15), time(9, 0), ZoneInfo("Asia/Kolkata"))
    assert moment == datetime(2026, 1, 15, 3, 30, tzinfo=UTC)


NY, BERLIN, SYDNEY = "America/New_York", "Europe/Berlin", "Australia/Sydney"


@pytest.mark.parametrize(
    ("tz", "day", "clock", "utc_moment", "wall"),
    [
        # Skipped hours resolve to the hour after the jump.
        (NY, date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 30), time(3, 30)),
        (BERLIN, date(2026, 3, 29), time(2, 0), datetime(2026, 3, 29, 1, 0), time(3, 0)),
        (SYDNEY, date(2026, 10, 4), time(2, 59), datetime(2026, 10, 3, 16, 59), time(3, 59)),
        # Repeated hours resolve to their first occurrence (summer time).
        (NY, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30), time(1, 30)),
        (BERLIN, date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30), time(2, 30)),
        (SYDNEY, date(2026, 4, 5), time(2, 30), datetime(2026, 4, 4, 15, 30), time(2, 30)),
        # Just outside the change, nothing moves.
        (NY, date(2026, 3, 8), time(1, 59), datetime(2026, 3, 8, 6, 59), time(1, 59)),
        (NY, date(2026, 3, 8), time(3, 0), datetime(2026, 3, 8, 7, 0), time(3, 0)),
    ],
)
def test_at_local_across_dst_changes(
    tz: str, day: date, clock: time, utc_moment: datetime, wall: time
) -> None:
    moment = at_local(day, clock, ZoneInfo(tz))
    # Compared in UTC: Python never finds a repeated (ambiguous) local time equal to a
    # moment in another zone (PEP 495), even when it is the same instant.
    assert moment.astimezone(UTC) == utc_moment.replace(tzinfo=UTC)
    assert moment.date() == day
    assert moment.time() == wall


# ---- the 30-day plan ------------------------------------------------------------------------


def test_the_plan_starts_on_day_one() -> None:
    start = date(2026, 1, 12)
    assert plan_day(start, start) == 1
    assert plan_day(start, start + timedelta(days=29)) == 30
    assert plan_day(start, start + timedelta(days=40)) == 41  # over, still counted
    assert plan_day(start, start - timedelta(days=1)) == 0


@pytest.mark.parametrize(
    ("days", "week"),
    [
        (range(1, 8), 1),
        (range(8, 15), 2),
        (range(15, 22), 3),
        (range(22, 31), 4),  # the last week runs nine days
        (range(31, 60), 4),
        (range(-3, 1), 1),
    ],
)
def test_plan_weeks_are_days_1_to_7_then_8_to_14_15_to_21_and_22_to_30(
    days: range, week: int
) -> None:
    assert {plan_week(d) for d in days} == {week}


def test_iso_weeks_and_their_mondays() -> None:
    assert iso_week(date(2026, 1, 12)) == "2026-W03"
    assert iso_week(date(2026, 1, 1)) == "2026-W01"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"  # a Friday in 2026's last ISO week
    assert week_start(date(2026, 1, 15)) == date(2026, 1, 12)
    assert week_start(date(2026, 1, 12)) == date(2026, 1, 12)


def test_periods_expand_to_every_day_inclusive() -> None:
    assert list(days_between(date(2026, 1, 30), date(2026, 2, 2))) == [
        date(2026, 1, 30),
        date(2026, 1, 31),
        date(2026, 2, 1),
        date(2026, 2, 2),
    ]
    assert list(days_between(date(2026, 1, 2), date(2026, 1, 1))) == []
    assert expand_periods(
        [(date(2026, 1, 1), date(2026, 1, 2)), (date(2026, 1, 2), date(2026, 1, 3))]
    ) == {date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)}
