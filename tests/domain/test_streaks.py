"""Streaks: consecutive study days with a check-in, counted in the member's own dates."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.streaks import FREEZE_EVERY, MAX_FREEZES, Streak, compute_streak, missed_study_days

MON_FRI = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
MON = date(2026, 1, 5)  # a Monday; the streak window starts here


def day(n: int) -> date:
    """The n-th day after MON (0 is that Monday, 5 the Saturday, 7 the next Monday)."""
    return MON + timedelta(days=n)


def days(*offsets: int) -> set[date]:
    return {day(n) for n in offsets}


def span(first: int, last: int) -> set[date]:
    return {day(n) for n in range(first, last + 1)}


def weekdays(first: int, last: int) -> set[date]:
    return {d for d in span(first, last) if d.weekday() < 5}


def streak(
    checkins: Iterable[date],
    *,
    today: date,
    study_days: Collection[int] = MON_FRI,
    away: Collection[date] = (),
    since: date = MON,
) -> Streak:
    return compute_streak(
        list(checkins), study_days=study_days, today=today, since=since, away=away
    )


# ---- weekends, misses, away and rest days ---------------------------------------------------


def test_a_missed_saturday_never_breaks_a_weekday_streak() -> None:
    s = streak(weekdays(0, 4) | days(7), today=day(7))
    assert s.current == 6


def test_a_weekend_off_carries_a_streak_across_several_weeks() -> None:
    s = streak(weekdays(0, 18), today=day(18))  # Mon of week 1 to Fri of week 3
    assert s.current == 15
    assert s.longest == 15


def test_a_missed_study_day_breaks_the_streak() -> None:
    s = streak(days(0, 1, 3, 4), today=day(4))  # Wednesday missed
    assert s.current == 2
    assert s.longest == 2


def test_a_streak_that_broke_starts_again_from_the_next_checkin() -> None:
    s = streak(days(0, 1, 2, 4), today=day(7))  # Thursday missed; Monday of week 2 not yet
    assert s.current == 1


def test_away_days_never_break_a_streak() -> None:
    s = streak(days(0, 4), today=day(4), away=days(1, 2, 3))
    assert s.current == 2
    assert s.frozen_days == ()


def test_a_cohort_rest_day_never_breaks_a_streak() -> None:
    # Callers pass the member's away days and the cohort's rest days together.
    rest_day = day(2)
    s = streak(days(0, 1, 3, 4), today=day(4), away={rest_day})
    assert s.current == 4


def test_a_checkin_on_an_away_day_still_counts() -> None:
    s = streak(days(0, 1, 2), today=day(2), away=days(1))
    assert s.current == 3


def test_today_without_a_checkin_does_not_break_the_streak() -> None:
    s = streak(days(0, 1, 2, 3), today=day(4))
    assert s.current == 4
    assert s.at_risk


def test_a_streak_is_not_at_risk_once_today_is_checked_in() -> None:
    s = streak(days(0, 1, 2, 3, 4), today=day(4))
    assert s.current == 5
    assert not s.at_risk


def test_a_non_study_day_or_an_away_day_is_never_at_risk() -> None:
    assert not streak(days(0, 1, 2, 3, 4), today=day(5)).at_risk  # Saturday
    assert not streak(days(0, 1, 2, 3), today=day(4), away=days(4)).at_risk


def test_checkins_on_non_study_days_count() -> None:
    s = streak(days(4, 5, 6, 7), today=day(7))  # Fri, Sat, Sun, Mon
    assert s.current == 4
    assert s.checkin_days == 4


def test_a_weekend_checkin_cannot_cover_a_missed_monday() -> None:
    s = streak(days(3, 4, 5, 8), today=day(8))  # Thu, Fri, Sat; Monday missed; Tuesday
    assert s.current == 1


def test_the_longest_streak_is_kept_after_a_break() -> None:
    s = streak(days(0, 1, 2, 3, 4, 8, 9), today=day(9))  # Mon-Fri, missed Mon, then Tue-Wed
    assert s.current == 2
    assert s.longest == 5


def test_a_member_with_no_checkins_has_no_streak() -> None:
    s = streak((), today=day(3))
    assert s == Streak(current=0, longest=0, freezes=0, frozen_days=(), at_risk=True)


def test_checkin_days_ignore_dates_after_today() -> None:
    s = streak(days(0, 1, 9), today=day(1))
    assert s.checkin_days == 2
    assert s.current == 2


# ---- freezes --------------------------------------------------------------------------------


def test_a_freeze_is_earned_every_seven_checkin_days() -> None:
    assert streak(span(0, 5), today=day(5), study_days=EVERY_DAY).freezes == 0
    assert streak(span(0, 6), today=day(6), study_days=EVERY_DAY).freezes == 1
    assert streak(span(0, 13), today=day(13), study_days=EVERY_DAY).freezes == 2


def test_a_member_holds_at_most_two_freezes() -> None:
    s = streak(span(0, 34), today=day(34), study_days=EVERY_DAY)
    assert s.freezes == MAX_FREEZES == 2
    assert s.current == 35


def test_a_freeze_covers_a_missed_study_day_automatically() -> None:
    s = streak(span(0, 6) | days(8), today=day(8), study_days=EVERY_DAY)
    assert s.current == 8
    assert s.frozen_days == (day(7),)
    assert s.freezes == 0


def test_one_freeze_covers_one_day_and_the_second_miss_breaks_the_streak() -> None:
    s = streak(span(0, 6) | days(9), today=day(9), study_days=EVERY_DAY)
    assert s.current == 1
    assert s.longest == 7
    assert s.frozen_days == (day(7),)


def test_two_freezes_cover_two_missed_days() -> None:
    s = streak(span(0, 13) | days(16), today=day(16), study_days=EVERY_DAY)
    assert s.current == 15
    assert s.frozen_days == (day(14), day(15))
    assert s.freezes == 0


def test_a_freeze_on_a_missed_friday_carries_the_streak_over_the_weekend_off() -> None:
    # Mon-Fri of week 1 and Mon-Thu of week 2: the 7th check-in (Tuesday) earns a freeze.
    checked = weekdays(0, 4) | days(7, 8, 9, 10)
    s = streak(checked | days(14), today=day(14))  # Friday day 11 missed; Monday day 14
    assert s.current == 10
    assert s.frozen_days == (day(11),)
    assert s.freezes == 0


def test_no_freeze_is_spent_on_today() -> None:
    s = streak(span(0, 6), today=day(7), study_days=EVERY_DAY)
    assert s.frozen_days == ()
    assert s.freezes == 1
    assert s.at_risk


def test_a_freeze_is_earned_again_after_seven_more_checkins() -> None:
    # Earned on day 6, spent on day 7, earned again by the 7 check-ins on days 8-14.
    s = streak(span(0, 6) | span(8, 14), today=day(14), study_days=EVERY_DAY)
    assert s.frozen_days == (day(7),)
    assert s.freezes == 1


def test_progress_toward_a_freeze_pauses_while_two_are_held() -> None:
    # Two held after 14 days; days 14-17 bank nothing more; one is spent on day 18;
    # getting it back takes seven fresh check-ins, not the rest of a 7-day cycle.
    base = span(0, 17)
    six_more = streak(base | span(19, 24), today=day(24), study_days=EVERY_DAY)
    assert six_more.frozen_days == (day(18),)
    assert six_more.freezes == 1
    seven_more = streak(base | span(19, 25), today=day(25), study_days=EVERY_DAY)
    assert seven_more.freezes == 2


def test_an_extra_weekend_checkin_never_costs_the_streak_later() -> None:
    # Saturdays off. Freezes used to be earned on every 7th day of a run and dropped at
    # the cap of two, so this Saturday check-in moved an earning day onto one where two
    # were already held; a freeze was lost and the streak broke on day 27.
    sun_to_fri = frozenset({0, 1, 2, 3, 4, 6})
    every_study_day = {d for d in span(0, 24) if d.weekday() != 5} - days(23)
    without = every_study_day | days(28)
    with_saturday = without | days(5)
    before = streak(without, today=day(28), study_days=sun_to_fri)
    after = streak(with_saturday, today=day(28), study_days=sun_to_fri)
    assert after.current >= before.current


# ---- late entries ---------------------------------------------------------------------------


def test_a_late_entry_for_yesterday_repairs_a_broken_streak() -> None:
    before = streak(days(0, 1, 3), today=day(3))
    assert before.current == 1
    after = streak(days(0, 1, 2, 3), today=day(3))
    assert after.current == 4
    assert after.longest == 4


def test_a_late_entry_three_days_back_repairs_a_streak_across_a_weekend() -> None:
    # Thu missed; on Monday the member adds Thursday back.
    assert streak(days(0, 1, 2, 4, 7), today=day(7)).current == 2
    assert streak(days(0, 1, 2, 3, 4, 7), today=day(7)).current == 6


# ---- missed study days (for inactivity) -----------------------------------------------------


def test_missed_study_days_count_study_days_since_the_last_checkin() -> None:
    assert missed_study_days(day(0), since=MON, today=day(4), study_days=MON_FRI) == 3


def test_missed_study_days_skip_weekends_away_days_and_today() -> None:
    assert missed_study_days(day(4), since=MON, today=day(8), study_days=MON_FRI) == 1
    assert missed_study_days(day(0), since=MON, today=day(4), study_days=MON_FRI, away=days(2)) == 2


def test_missed_study_days_count_from_the_start_without_any_checkin() -> None:
    assert missed_study_days(None, since=MON, today=day(3), study_days=MON_FRI) == 3


def test_nothing_is_missed_when_the_last_checkin_is_today_or_yesterday() -> None:
    assert missed_study_days(day(3), since=MON, today=day(3), study_days=MON_FRI) == 0
    assert missed_study_days(day(2), since=MON, today=day(3), study_days=MON_FRI) == 0


# ---- properties -----------------------------------------------------------------------------

HORIZON = 70

study_day_sets = st.frozensets(st.integers(0, 6))
offsets = st.sets(st.integers(-5, HORIZON + 3), max_size=HORIZON // 2)
# Long runs with a few gaps are where freezes are earned and spent; random sets rarely
# make them, so half of the check-in sets are "every day but a few".
mostly_every_day = st.sets(st.integers(-5, HORIZON + 3), max_size=10).map(
    lambda missed: set(range(-5, HORIZON + 4)) - missed
)
checkin_offsets = st.one_of(offsets, mostly_every_day)
todays = st.integers(0, HORIZON)
props = settings(max_examples=150, deadline=None)


def _dates(ns: Iterable[int]) -> set[date]:
    return {day(n) for n in ns}


@props
@given(checked=checkin_offsets, away=offsets, study=study_day_sets, today=todays)
def test_a_streak_never_exceeds_the_number_of_checkin_days(
    checked: set[int], away: set[int], study: frozenset[int], today: int
) -> None:
    s = streak(_dates(checked), today=day(today), study_days=study, away=_dates(away))
    assert 0 <= s.current <= s.longest <= s.checkin_days
    assert s.checkin_days == len([n for n in checked if n <= today])
    assert 0 <= s.freezes <= MAX_FREEZES
    assert len(s.frozen_days) * FREEZE_EVERY <= s.checkin_days


@props
@given(
    checked=checkin_offsets,
    away=offsets,
    study=study_day_sets,
    today=todays,
    extra=st.integers(-5, HORIZON),
)
def test_adding_a_checkin_never_lowers_the_current_streak(
    checked: set[int], away: set[int], study: frozenset[int], today: int, extra: int
) -> None:
    before = streak(_dates(checked), today=day(today), study_days=study, away=_dates(away))
    after = streak(_dates(checked | {extra}), today=day(today), study_days=study, away=_dates(away))
    assert after.current >= before.current
    assert after.longest >= before.longest


@props
@given(
    checked=checkin_offsets,
    away=offsets,
    study=study_day_sets,
    today=todays,
    extra=st.integers(-5, HORIZON),
)
def test_marking_any_day_away_never_lowers_the_current_streak(
    checked: set[int], away: set[int], study: frozenset[int], today: int, extra: int
) -> None:
    before = streak(_dates(checked), today=day(today), study_days=study, away=_dates(away))
    after = streak(_dates(checked), today=day(today), study_days=study, away=_dates(away | {extra}))
    assert after.current >= before.current


@props
@given(
    study=study_day_sets,
    today=todays,
    extra=st.sets(st.integers(0, HORIZON)),
    today_done=st.booleans(),
)
def test_with_every_study_day_checked_in_the_streak_is_every_checkin_day(
    study: frozenset[int], today: int, extra: set[int], today_done: bool
) -> None:
    every_study_day = {n for n in range(today) if day(n).weekday() in study}
    on_other_days = {n for n in extra if n < today}
    checked = every_study_day | on_other_days | ({today} if today_done else set())
    s = streak(_dates(checked), today=day(today), study_days=study)
    assert s.current == len(checked)
    assert s.frozen_days == ()


@props
@given(
    checked=checkin_offsets.map(sorted),
    away=offsets,
    study=study_day_sets,
    today=todays,
    data=st.data(),
)
def test_a_streak_does_not_depend_on_the_order_of_the_checkins(
    checked: list[int], away: set[int], study: frozenset[int], today: int, data: st.DataObject
) -> None:
    def of(collection: Collection[date]) -> Streak:
        return compute_streak(
            collection, study_days=study, today=day(today), since=MON, away=_dates(away)
        )

    as_given = of([day(n) for n in checked])
    shuffled = data.draw(st.permutations(checked))
    assert of([day(n) for n in shuffled]) == as_given
    assert of(tuple(day(n) for n in reversed(checked))) == as_given
    assert of(frozenset(day(n) for n in checked)) == as_given
