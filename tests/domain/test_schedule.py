"""What is due, when: prompts, weekly messages and digests in each member's own time zone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedule import (
    CHECKIN_PROMPT,
    DEFAULT_GRACE,
    DIGEST,
    INACTIVITY,
    MIDWEEK_REMINDER,
    SPRINT_KICKOFF,
    WEEKLY_REVIEW,
    CohortSchedule,
    Due,
    MemberSchedule,
    due_messages,
    in_quiet_hours,
    member_kind,
)

MON_FRI = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
NY = "America/New_York"

# A week in January 2026 (no DST anywhere north of the equator).
MON = date(2026, 1, 12)
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=n) for n in range(1, 7))


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def local(day: date, hh: int, mm: int, tz: str) -> datetime:
    return datetime.combine(day, time(hh, mm), ZoneInfo(tz))


def member(**changes: object) -> MemberSchedule:
    """A member in New York, prompted at 09:00 Mon-Fri, who checked in recently."""
    base = MemberSchedule(
        member_id=1,
        cohort_id=7,
        timezone=NY,
        prompt_time=time(9, 0),
        study_days=MON_FRI,
        joined_on=date(2025, 12, 1),
        last_checkin=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def checked_in_before(m: MemberSchedule, day: date) -> MemberSchedule:
    """The member, having checked in the day before ``day`` (so no inactivity note)."""
    return replace(m, last_checkin=day - timedelta(days=1))


def due(now: datetime, *members: MemberSchedule, **kw: object) -> list[Due]:
    return due_messages(now, members, **kw)  # type: ignore[arg-type]


def one(now: datetime, m: MemberSchedule, **kw: object) -> Due:
    found = due(now, m, **kw)
    assert len(found) == 1, found
    return found[0]


def prompt_on(day: date, **changes: object) -> Due | None:
    """What the member gets at 09:00 New York time on ``day`` (None: nothing)."""
    m = checked_in_before(member(**changes), day)
    found = due(local(day, 9, 0, str(changes.get("timezone", NY))), m)
    return found[0] if found else None


# ---- time zones -----------------------------------------------------------------------------


def test_a_new_york_prompt_at_nine_is_at_fourteen_utc_in_winter() -> None:
    d = one(utc(2026, 1, 15, 14, 0), checked_in_before(member(), THU))
    assert d == Due(
        key="checkin_prompt:m1:2026-01-15",
        kind=CHECKIN_PROMPT,
        cohort_id=7,
        member_id=1,
        local_date=THU,
        due_at=utc(2026, 1, 15, 14, 0),
        expires_at=utc(2026, 1, 15, 16, 0),
    )


def test_a_new_york_prompt_at_nine_is_at_thirteen_utc_in_summer() -> None:
    summer_thursday = date(2026, 7, 16)
    d = one(utc(2026, 7, 16, 13, 0), checked_in_before(member(), summer_thursday))
    assert d.key == "checkin_prompt:m1:2026-07-16"
    assert d.due_at == utc(2026, 7, 16, 13, 0)
    assert d.due_at.utcoffset() == timedelta(0)
    assert due(utc(2026, 7, 16, 12, 59), checked_in_before(member(), summer_thursday)) == []


def test_a_half_hour_offset_zone_gets_its_prompt_on_the_half_hour() -> None:
    m = checked_in_before(member(timezone="Asia/Kolkata"), THU)
    d = one(utc(2026, 1, 15, 3, 30), m)  # 09:00 IST is 03:30 UTC
    assert (d.kind, d.local_date, d.due_at) == (CHECKIN_PROMPT, THU, utc(2026, 1, 15, 3, 30))
    assert due(utc(2026, 1, 15, 3, 29), m) == []


def test_a_quarter_hour_offset_zone_gets_its_prompt_on_the_quarter_hour() -> None:
    m = checked_in_before(member(timezone="Asia/Kathmandu"), THU)
    assert one(utc(2026, 1, 15, 3, 15), m).due_at == utc(2026, 1, 15, 3, 15)  # +05:45


def test_kiritimati_gets_its_monday_kickoff_while_it_is_still_sunday_in_utc() -> None:
    m = checked_in_before(member(timezone="Pacific/Kiritimati"), MON)  # UTC+14
    d = one(utc(2026, 1, 11, 19, 0), m)  # Sunday 19:00 UTC is Monday 09:00 there
    assert d.kind == SPRINT_KICKOFF
    assert d.local_date == MON
    assert d.key == "sprint_kickoff:m1:2026-W03"


def test_honolulu_still_has_friday_when_auckland_has_saturday() -> None:
    # Friday 19:00 UTC: 09:00 Friday in Honolulu (UTC-10), 08:00 Saturday in Auckland (UTC+13).
    now = utc(2026, 1, 16, 19, 0)
    honolulu = checked_in_before(member(member_id=1, timezone="Pacific/Honolulu"), FRI)
    auckland = checked_in_before(
        member(member_id=2, timezone="Pacific/Auckland", prompt_time=time(8, 0)), FRI
    )
    [d] = due(now, honolulu, auckland)
    assert (d.member_id, d.kind, d.local_date) == (1, WEEKLY_REVIEW, FRI)
    studies_saturdays = replace(auckland, study_days=EVERY_DAY)
    found = {x.member_id: x for x in due(now, honolulu, studies_saturdays)}
    assert found[2].kind == CHECKIN_PROMPT
    assert found[2].local_date == SAT
    assert found[2].key == "checkin_prompt:m2:2026-01-17"


def test_each_member_is_timed_in_their_own_zone() -> None:
    berlin = checked_in_before(member(member_id=2, timezone="Europe/Berlin"), THU)
    new_york = checked_in_before(member(member_id=1), THU)
    assert [d.member_id for d in due(utc(2026, 1, 15, 8, 0), berlin, new_york)] == [2]
    assert [d.member_id for d in due(utc(2026, 1, 15, 14, 0), berlin, new_york)] == [1]


# ---- DST transition days --------------------------------------------------------------------

# (zone, transition day, prompt, due_at in UTC on the day before, due_at on the day itself)
DST_DAYS = [
    # New York springs forward 02:00 -> 03:00: 02:30 does not exist and fires at 03:30 EDT.
    (NY, date(2026, 3, 8), time(2, 30), utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30)),
    (NY, date(2026, 3, 8), time(9, 0), utc(2026, 3, 7, 14, 0), utc(2026, 3, 8, 13, 0)),
    # New York falls back 02:00 -> 01:00: 01:30 happens twice and fires at the first (EDT).
    (NY, date(2026, 11, 1), time(1, 30), utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30)),
    (NY, date(2026, 11, 1), time(9, 0), utc(2026, 10, 31, 13, 0), utc(2026, 11, 1, 14, 0)),
    # Berlin: 02:00 -> 03:00 on 29 March, 03:00 -> 02:00 on 25 October.
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 28, 1, 30),
     utc(2026, 3, 29, 1, 30)),
    ("Europe/Berlin", date(2026, 3, 29), time(9, 0), utc(2026, 3, 28, 8, 0),
     utc(2026, 3, 29, 7, 0)),
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 24, 0, 30),
     utc(2026, 10, 25, 0, 30)),
    ("Europe/Berlin", date(2026, 10, 25), time(9, 0), utc(2026, 10, 24, 7, 0),
     utc(2026, 10, 25, 8, 0)),
    # Sydney falls back 03:00 -> 02:00 on 5 April and springs forward 02:00 -> 03:00 on 4 October.
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 3, 15, 30),
     utc(2026, 4, 4, 15, 30)),
    ("Australia/Sydney", date(2026, 4, 5), time(9, 0), utc(2026, 4, 3, 22, 0),
     utc(2026, 4, 4, 23, 0)),
    ("Australia/Sydney", date(2026, 10, 4), time(2, 30), utc(2026, 10, 2, 16, 30),
     utc(2026, 10, 3, 16, 30)),
    ("Australia/Sydney", date(2026, 10, 4), time(9, 0), utc(2026, 10, 2, 23, 0),
     utc(2026, 10, 3, 22, 0)),
]  # fmt: skip


@pytest.mark.parametrize(("tz", "day", "prompt", "before", "on_the_day"), DST_DAYS)
def test_every_minute_of_two_days_around_a_dst_change_yields_each_prompt_once(
    tz: str, day: date, prompt: time, before: datetime, on_the_day: datetime
) -> None:
    z = ZoneInfo(tz)
    # The transition really is on this day: the offset differs from the day before's.
    assert (
        local(day, 12, 0, tz).utcoffset() != local(day - timedelta(days=1), 12, 0, tz).utcoffset()
    )
    eve = day - timedelta(days=1)
    # Checked in two days before: no inactivity note, and no check-in yet on either day.
    m = member(
        timezone=tz, prompt_time=prompt, study_days=EVERY_DAY, last_checkin=eve - timedelta(days=1)
    )
    start = datetime.combine(eve, time(0, 0), z).astimezone(UTC)
    seen: dict[str, set[tuple[str, date, datetime, datetime]]] = defaultdict(set)
    for minute in range(48 * 60):
        for d in due(start + timedelta(minutes=minute), m):
            seen[d.key].add((d.kind, d.local_date, d.due_at, d.expires_at))
    assert seen == {
        f"checkin_prompt:m1:{eve.isoformat()}": {
            (CHECKIN_PROMPT, eve, before, before + DEFAULT_GRACE)
        },
        f"checkin_prompt:m1:{day.isoformat()}": {
            (CHECKIN_PROMPT, day, on_the_day, on_the_day + DEFAULT_GRACE)
        },
    }


def test_a_member_who_already_checked_in_today_gets_no_prompt_but_still_the_kickoff() -> None:
    tue = member(last_checkin=TUE)
    assert due(local(TUE, 9, 0, NY).astimezone(UTC), tue) == []
    monday = member(last_checkin=MON)
    assert [d.kind for d in due(local(MON, 9, 0, NY).astimezone(UTC), monday)] == [SPRINT_KICKOFF]


def test_inactivity_notes_come_twice_then_stop() -> None:
    m = member(last_checkin=date(2026, 1, 2))  # a Friday; then silence
    kinds = {}
    for n in range(15):
        day = date(2026, 1, 5) + timedelta(days=n)
        found = due(local(day, 9, 0, NY).astimezone(UTC), m)
        kinds[day] = found[0].kind if found else None
    notes = [d for d, k in kinds.items() if k == "inactivity"]
    # 3 and 6 missed study days: Thu 8 Jan and Tue 13 Jan; never again after that.
    assert notes == [date(2026, 1, 8), date(2026, 1, 13)]


def test_a_prompt_in_the_skipped_hour_fires_once_at_half_past_three_local() -> None:
    m = member(prompt_time=time(2, 30), study_days=EVERY_DAY, last_checkin=date(2026, 3, 7))
    d = one(utc(2026, 3, 8, 7, 30), m)
    assert d.due_at.astimezone(ZoneInfo(NY)).time() == time(3, 30)
    assert due(utc(2026, 3, 8, 7, 29), m) == []


def test_a_prompt_in_the_repeated_hour_fires_at_its_first_occurrence_only() -> None:
    m = member(prompt_time=time(1, 30), study_days=EVERY_DAY, last_checkin=date(2026, 10, 31))
    first = utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    second = utc(2026, 11, 1, 6, 30)  # 01:30 EST, an hour later
    assert due(first - timedelta(minutes=1), m) == []
    assert one(first, m).due_at == first
    assert one(second, m).due_at == first  # the same message, not a second one
    assert one(second, m).key == one(first, m).key


def test_the_grace_window_is_two_real_hours_across_a_dst_change() -> None:
    # 01:30 EDT + 2 h is 02:30 EST by the clock but 03:30 by wall-clock arithmetic;
    # the window used to be an hour longer on fall-back days (and shorter in spring).
    m = member(prompt_time=time(1, 30), study_days=EVERY_DAY, last_checkin=date(2026, 10, 31))
    first = utc(2026, 11, 1, 5, 30)
    assert one(first + timedelta(minutes=119), m).expires_at == first + DEFAULT_GRACE
    assert due(first + DEFAULT_GRACE, m) == []
    spring = member(prompt_time=time(1, 30), study_days=EVERY_DAY, last_checkin=date(2026, 3, 7))
    start = utc(2026, 3, 8, 6, 30)  # 01:30 EST, half an hour before the clocks jump
    assert one(start + timedelta(minutes=119), spring).due_at == start
    assert due(start + DEFAULT_GRACE, spring) == []


# ---- a sweep across many members ------------------------------------------------------------


def test_every_minute_of_two_days_yields_each_members_messages_once() -> None:
    zones = [
        NY,
        "Europe/Berlin",
        "Asia/Kolkata",
        "Pacific/Auckland",
        "Pacific/Honolulu",
        "Pacific/Kiritimati",
    ]
    members = [member(member_id=i, timezone=tz) for i, tz in enumerate(zones, start=1)]
    start, end = utc(2026, 1, 12, 16, 0), utc(2026, 1, 14, 16, 0)  # 48 hours
    keys: dict[str, set[datetime]] = defaultdict(set)
    now = start
    while now < end:
        # Everyone checked in two days ago: no inactivity note, and no check-in yet on the
        # days being prompted (a member who already checked in gets no prompt).
        recent = now.date() - timedelta(days=2)
        for d in due_messages(now, [replace(m, last_checkin=recent) for m in members]):
            keys[d.key].add(d.due_at)
        now += timedelta(minutes=1)
    # Each member's 09:00 whose grace window overlaps 16:00 Mon to 16:00 Wed UTC:
    assert keys == {
        # New York 09:00 = 14:00 UTC: Tue; Wed is the mid-week reminder.
        "checkin_prompt:m1:2026-01-13": {utc(2026, 1, 13, 14)},
        "midweek_reminder:m1:2026-01-14": {utc(2026, 1, 14, 14)},
        # Berlin 09:00 = 08:00 UTC: Tue, Wed.
        "checkin_prompt:m2:2026-01-13": {utc(2026, 1, 13, 8)},
        "midweek_reminder:m2:2026-01-14": {utc(2026, 1, 14, 8)},
        # Kolkata 09:00 = 03:30 UTC: Tue, Wed.
        "checkin_prompt:m3:2026-01-13": {utc(2026, 1, 13, 3, 30)},
        "midweek_reminder:m3:2026-01-14": {utc(2026, 1, 14, 3, 30)},
        # Auckland 09:00 NZDT = 20:00 UTC the day before: Tue (Mon 20:00), Wed (Tue 20:00).
        "checkin_prompt:m4:2026-01-13": {utc(2026, 1, 12, 20)},
        "midweek_reminder:m4:2026-01-14": {utc(2026, 1, 13, 20)},
        # Honolulu 09:00 = 19:00 UTC: Mon, Tue.
        "sprint_kickoff:m5:2026-W03": {utc(2026, 1, 12, 19)},
        "checkin_prompt:m5:2026-01-13": {utc(2026, 1, 13, 19)},
        # Kiritimati 09:00 = 19:00 UTC the day before: Tue (Mon 19:00), Wed (Tue 19:00).
        "checkin_prompt:m6:2026-01-13": {utc(2026, 1, 12, 19)},
        "midweek_reminder:m6:2026-01-14": {utc(2026, 1, 13, 19)},
    }


# ---- the grace window -----------------------------------------------------------------------


def test_nothing_is_due_a_minute_before_the_prompt() -> None:
    assert due(utc(2026, 1, 15, 13, 59), checked_in_before(member(), THU)) == []


def test_a_prompt_is_due_at_its_moment_and_until_the_grace_window_closes() -> None:
    m = checked_in_before(member(), THU)
    assert one(utc(2026, 1, 15, 14, 0), m).key == "checkin_prompt:m1:2026-01-15"
    last_minute = utc(2026, 1, 15, 14, 0) + DEFAULT_GRACE - timedelta(minutes=1)
    assert one(last_minute, m).key == "checkin_prompt:m1:2026-01-15"
    assert due(utc(2026, 1, 15, 14, 0) + DEFAULT_GRACE, m) == []


def test_a_shorter_grace_window_drops_a_late_prompt_sooner() -> None:
    m = checked_in_before(member(), THU)
    grace = timedelta(minutes=30)
    assert one(utc(2026, 1, 15, 14, 29), m, grace=grace).expires_at == utc(2026, 1, 15, 14, 30)
    assert due(utc(2026, 1, 15, 14, 30), m, grace=grace) == []


def test_a_late_evening_prompt_is_still_due_after_local_midnight() -> None:
    m = checked_in_before(member(prompt_time=time(23, 30)), THU)
    d = one(local(FRI, 0, 30, NY), m)
    assert (d.kind, d.local_date) == (CHECKIN_PROMPT, THU)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_messages(datetime(2026, 1, 15, 14, 0), [member()])


# ---- quiet hours ----------------------------------------------------------------------------


def test_a_prompt_inside_quiet_hours_waits_for_them_to_end() -> None:
    m = checked_in_before(
        member(prompt_time=time(13, 0), quiet_start=time(12, 0), quiet_end=time(14, 0)), THU
    )
    assert due(local(THU, 13, 0, NY), m) == []
    d = one(local(THU, 14, 0, NY), m)
    assert (d.local_date, d.due_at) == (THU, utc(2026, 1, 15, 19, 0))


def test_a_morning_prompt_in_overnight_quiet_hours_moves_to_their_end() -> None:
    m = checked_in_before(
        member(prompt_time=time(6, 30), quiet_start=time(22, 0), quiet_end=time(7, 0)), THU
    )
    assert due(local(THU, 6, 30, NY), m) == []
    d = one(local(THU, 7, 0, NY), m)
    assert (d.kind, d.local_date, d.due_at) == (CHECKIN_PROMPT, THU, utc(2026, 1, 15, 12, 0))


def test_a_late_prompt_in_overnight_quiet_hours_moves_to_the_next_morning() -> None:
    m = checked_in_before(
        member(prompt_time=time(23, 0), quiet_start=time(22, 0), quiet_end=time(7, 0)), THU
    )
    assert due(local(THU, 23, 0, NY), m) == []
    d = one(local(FRI, 7, 0, NY), m)
    # Still Thursday's prompt (its key and kind), delivered Friday morning.
    assert (d.key, d.local_date) == ("checkin_prompt:m1:2026-01-15", THU)
    assert d.due_at == utc(2026, 1, 16, 12, 0)
    # Friday's own 23:00 prompt is the weekly review, a different key, not due yet.
    assert all(x.local_date == THU for x in due(local(FRI, 8, 0, NY), m))


def test_a_prompt_outside_quiet_hours_is_untouched() -> None:
    m = checked_in_before(
        member(prompt_time=time(9, 0), quiet_start=time(22, 0), quiet_end=time(7, 0)), THU
    )
    assert one(local(THU, 9, 0, NY), m).due_at == utc(2026, 1, 15, 14, 0)


@pytest.mark.parametrize(
    ("clock", "start", "end", "quiet"),
    [
        (time(23, 0), time(22, 0), time(7, 0), True),
        (time(6, 59), time(22, 0), time(7, 0), True),
        (time(7, 0), time(22, 0), time(7, 0), False),
        (time(21, 59), time(22, 0), time(7, 0), False),
        (time(12, 0), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(12, 0), time(12, 0), time(12, 0), False),  # an empty window
        (time(12, 0), None, time(14, 0), False),
    ],
)
def test_quiet_hours_include_their_start_and_exclude_their_end(
    clock: time, start: time | None, end: time | None, quiet: bool
) -> None:
    assert in_quiet_hours(clock, start, end) is quiet


# ---- who gets nothing -----------------------------------------------------------------------


def test_a_member_away_today_gets_nothing() -> None:
    m = checked_in_before(member(away=frozenset({THU})), THU)
    assert due(local(THU, 9, 0, NY), m) == []


def test_a_member_who_is_not_active_gets_nothing() -> None:
    m = checked_in_before(member(active=False), THU)
    assert due(local(THU, 9, 0, NY), m) == []


def test_a_member_gets_nothing_for_days_before_joining() -> None:
    m = member(joined_on=FRI)
    assert due(local(THU, 9, 0, NY), m) == []
    assert one(local(FRI, 9, 0, NY), m).local_date == FRI


def test_a_snooze_suppresses_prompts_until_it_ends() -> None:
    m = checked_in_before(member(snoozed_until=utc(2026, 1, 15, 15, 0)), THU)
    assert due(utc(2026, 1, 15, 14, 0), m) == []
    assert due(utc(2026, 1, 15, 14, 59), m) == []
    # The snooze ended inside the grace window: the day's prompt still goes out.
    assert one(utc(2026, 1, 15, 15, 0), m).kind == CHECKIN_PROMPT


# ---- which kind on which day ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "key"),
    [
        (MON, SPRINT_KICKOFF, "sprint_kickoff:m1:2026-W03"),
        (TUE, CHECKIN_PROMPT, "checkin_prompt:m1:2026-01-13"),
        (WED, MIDWEEK_REMINDER, "midweek_reminder:m1:2026-01-14"),
        (THU, CHECKIN_PROMPT, "checkin_prompt:m1:2026-01-15"),
        (FRI, WEEKLY_REVIEW, "weekly_review:m1:2026-W03"),
    ],
)
def test_each_study_day_gets_its_one_scheduled_message(day: date, kind: str, key: str) -> None:
    d = prompt_on(day)
    assert d is not None
    assert (d.kind, d.key, d.local_date) == (kind, key, day)


def test_weekends_off_get_nothing() -> None:
    assert prompt_on(SAT) is None
    assert prompt_on(SUN) is None


def test_a_weekend_study_day_gets_a_checkin_prompt() -> None:
    d = prompt_on(SAT, study_days=frozenset({5, 6}))
    assert d is not None
    assert d.kind == CHECKIN_PROMPT


def test_the_sprint_kickoff_goes_out_on_monday_even_when_it_is_not_a_study_day() -> None:
    weekends = frozenset({5, 6})
    d = prompt_on(MON, study_days=weekends)
    assert d is not None
    assert (d.kind, d.key) == (SPRINT_KICKOFF, "sprint_kickoff:m1:2026-W03")
    assert prompt_on(TUE, study_days=weekends) is None
    assert prompt_on(WED, study_days=weekends) is None  # no mid-week reminder off study days


def test_the_weekly_review_goes_out_on_the_review_day_even_when_it_is_not_a_study_day() -> None:
    # Design choice: the review closes the week's sprint (keyed by ISO week), so it is
    # sent on the cohort's review day whatever the member's study days are.
    d = prompt_on(FRI, study_days=frozenset({0, 2}))
    assert d is not None
    assert (d.kind, d.key) == (WEEKLY_REVIEW, "weekly_review:m1:2026-W03")


def test_reminder_and_review_days_follow_the_cohort_settings() -> None:
    d = prompt_on(TUE, reminder_day=1, review_day=3)
    assert d is not None
    assert d.kind == MIDWEEK_REMINDER
    d = prompt_on(THU, reminder_day=1, review_day=3)
    assert d is not None
    assert d.kind == WEEKLY_REVIEW


def test_weekly_messages_are_keyed_by_iso_week_and_the_rest_by_date() -> None:
    week = [prompt_on(MON + timedelta(days=n)) for n in range(5)]
    assert [d.key for d in week if d] == [
        "sprint_kickoff:m1:2026-W03",
        "checkin_prompt:m1:2026-01-13",
        "midweek_reminder:m1:2026-01-14",
        "checkin_prompt:m1:2026-01-15",
        "weekly_review:m1:2026-W03",
    ]


@pytest.mark.parametrize(
    ("day", "off", "kind"),
    [
        (MON, {SPRINT_KICKOFF}, CHECKIN_PROMPT),
        (WED, {MIDWEEK_REMINDER}, CHECKIN_PROMPT),
        (FRI, {WEEKLY_REVIEW}, CHECKIN_PROMPT),
        (THU, {CHECKIN_PROMPT}, None),
        (MON, {SPRINT_KICKOFF, CHECKIN_PROMPT}, None),
    ],
)
def test_a_kind_turned_off_falls_back_to_the_next_one(
    day: date, off: set[str], kind: str | None
) -> None:
    d = prompt_on(day, reminders_off=frozenset(off))
    assert (d.kind if d else None) == kind


def test_a_monday_kickoff_turned_off_on_a_non_study_monday_leaves_nothing() -> None:
    assert (
        prompt_on(MON, study_days=frozenset({5, 6}), reminders_off=frozenset({SPRINT_KICKOFF}))
        is None
    )


# ---- inactivity -----------------------------------------------------------------------------


def test_inactivity_replaces_the_prompt_after_three_missed_study_days() -> None:
    m = member(last_checkin=MON)  # Tue, Wed, Thu missed by Friday
    assert member_kind(m, THU) == CHECKIN_PROMPT  # two missed
    d = one(local(FRI, 9, 0, NY), m)
    assert (d.kind, d.key) == (INACTIVITY, "inactivity:m1:2026-01-16")


def test_inactivity_comes_again_every_three_missed_study_days_not_daily() -> None:
    m = member(last_checkin=MON)
    kinds = [member_kind(m, MON + timedelta(days=n)) for n in range(1, 12)]
    assert kinds == [
        CHECKIN_PROMPT,  # Tue: 0 missed
        MIDWEEK_REMINDER,  # Wed: 1
        CHECKIN_PROMPT,  # Thu: 2
        INACTIVITY,  # Fri: 3
        None,  # Sat
        None,  # Sun
        SPRINT_KICKOFF,  # Mon: 4
        CHECKIN_PROMPT,  # Tue: 5
        INACTIVITY,  # Wed: 6
        CHECKIN_PROMPT,  # Thu: 7
        WEEKLY_REVIEW,  # Fri: 8
    ]


def test_away_days_do_not_count_toward_inactivity() -> None:
    m = member(last_checkin=MON, away=frozenset({WED}))
    assert member_kind(m, FRI) == WEEKLY_REVIEW  # Tue and Thu missed: two


def test_the_first_day_back_from_time_away_brings_the_usual_prompt_not_we_miss_you() -> None:
    # Checked in Thu 8 Jan; missed Fri, Mon, Tue; away Wed to Sun (5 days); back Mon 19.
    back = MON + timedelta(weeks=1)
    away = frozenset(WED + timedelta(days=n) for n in range(5))
    m = member(last_checkin=date(2026, 1, 8), away=away, own_away=away)
    assert member_kind(m, back) == SPRINT_KICKOFF
    assert member_kind(m, back + timedelta(days=1)) == CHECKIN_PROMPT
    # The count starts again after the break: three study days missed since, then a note.
    assert member_kind(m, back + timedelta(days=3)) == INACTIVITY


def test_a_rest_day_does_not_count_but_does_not_restart_the_count() -> None:
    # A cohort rest day is not the member's own break: it is skipped, not a fresh start,
    # so a member who has gone quiet still gets only the two notes.
    m = member(last_checkin=date(2026, 1, 8), away=frozenset({TUE}))
    assert member_kind(m, WED) == MIDWEEK_REMINDER  # Fri, Mon: two
    assert member_kind(m, THU) == INACTIVITY  # Fri, Mon, Wed: three


def test_inactivity_counts_from_joining_when_there_is_no_checkin() -> None:
    m = member(joined_on=MON, last_checkin=None)
    assert member_kind(m, WED) == MIDWEEK_REMINDER  # Mon, Tue missed
    assert member_kind(m, THU) == INACTIVITY


def test_inactivity_never_comes_on_a_non_study_day() -> None:
    m = member(last_checkin=date(2026, 1, 6))  # the Tuesday before: 8 missed by Sat
    assert member_kind(m, SAT) is None


def test_inactivity_turned_off_leaves_the_usual_prompt() -> None:
    m = member(last_checkin=MON, reminders_off=frozenset({INACTIVITY}))
    assert member_kind(m, FRI) == WEEKLY_REVIEW


def test_inactivity_follows_the_cohorts_threshold() -> None:
    m = member(last_checkin=MON, inactivity_days=2)
    assert member_kind(m, THU) == INACTIVITY


# ---- cohort digests -------------------------------------------------------------------------


def cohort(**changes: object) -> CohortSchedule:
    base = CohortSchedule(
        cohort_id=7, timezone="Europe/Berlin", digest_day=4, digest_time=time(17, 0)
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_cohort_digest_goes_out_on_digest_day_keyed_by_iso_week() -> None:
    [d] = due_messages(utc(2026, 1, 16, 16, 0), [], [cohort()])
    assert d == Due(
        key="digest:c7:2026-W03",
        kind=DIGEST,
        cohort_id=7,
        member_id=None,
        local_date=FRI,
        due_at=utc(2026, 1, 16, 16, 0),
        expires_at=utc(2026, 1, 16, 18, 0),
    )
    assert due_messages(utc(2026, 1, 16, 15, 59), [], [cohort()]) == []
    assert due_messages(utc(2026, 1, 16, 18, 0), [], [cohort()]) == []


def test_no_digest_on_other_days() -> None:
    for n in range(4):
        assert (
            due_messages(local(MON + timedelta(days=n), 17, 0, "Europe/Berlin"), [], [cohort()])
            == []
        )


def test_a_paused_cohort_gets_no_digest() -> None:
    assert due_messages(utc(2026, 1, 16, 16, 0), [], [cohort(paused=True)]) == []


def test_members_come_first_then_cohort_digests() -> None:
    m = checked_in_before(member(timezone="Europe/Berlin", prompt_time=time(17, 0)), FRI)
    found = due_messages(utc(2026, 1, 16, 16, 0), [m], [cohort()])
    assert [d.kind for d in found] == [WEEKLY_REVIEW, DIGEST]


# ---- property: every answer is inside its own window ---------------------------------------

ZONES = [
    "UTC",
    NY,
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Santiago",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Honolulu",
    "Pacific/Kiritimati",
]
YEAR_START = utc(2026, 1, 1)
clocks = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 29, 30, 45, 59]))


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    prompt=clocks,
    quiet=st.one_of(st.none(), st.tuples(clocks, clocks)),
    study=st.frozensets(st.integers(0, 6)),
    minute=st.integers(0, 365 * 24 * 60 - 1),
    grace_minutes=st.sampled_from([1, 30, 120, 360]),
    last=st.one_of(st.none(), st.integers(-20, 0)),
)
def test_every_due_message_is_inside_its_window_and_dated_in_the_members_zone(
    tz: str,
    prompt: time,
    quiet: tuple[time, time] | None,
    study: frozenset[int],
    minute: int,
    grace_minutes: int,
    last: int | None,
) -> None:
    now = YEAR_START + timedelta(minutes=minute)
    today = now.astimezone(ZoneInfo(tz)).date()
    m = member(
        timezone=tz,
        prompt_time=prompt,
        study_days=study,
        joined_on=date(2025, 12, 1),
        quiet_start=quiet[0] if quiet else None,
        quiet_end=quiet[1] if quiet else None,
        last_checkin=today + timedelta(days=last) if last is not None else None,
    )
    grace = timedelta(minutes=grace_minutes)
    for d in due_messages(now, [m], grace=grace):
        assert d.due_at <= now < d.expires_at
        assert d.expires_at - d.due_at == grace
        assert d.due_at.utcoffset() == timedelta(0)
        delivered_on = d.due_at.astimezone(ZoneInfo(tz)).date()
        pushed_past_midnight = quiet is not None and delivered_on == d.local_date + timedelta(1)
        assert delivered_on == d.local_date or pushed_past_midnight
        assert d.kind == member_kind(m, d.local_date)
        assert d.local_date.isoformat() in d.key or d.kind in (SPRINT_KICKOFF, WEEKLY_REVIEW)
