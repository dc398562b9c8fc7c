"""When quiet hours end: always the next real moment after now, across every DST change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain.calendar import zone
from bot.domain.schedule import occurrences, quiet_hours_end


@pytest.mark.parametrize(
    ("now", "tz", "start", "end", "expected"),
    [
        # Second pass of Berlin's repeated hour: the first 02:30 (CEST) has gone by.
        (
            datetime(2027, 10, 31, 1, 10, tzinfo=UTC),
            "Europe/Berlin",
            "22:00",
            "02:30",
            (10, 31, 1, 30),
        ),
        # First pass: the first 02:30 is still ahead.
        (
            datetime(2027, 10, 30, 23, 10, tzinfo=UTC),
            "Europe/Berlin",
            "22:00",
            "02:30",
            (10, 31, 0, 30),
        ),
        (
            datetime(2027, 11, 7, 6, 10, tzinfo=UTC),
            "America/New_York",
            "22:00",
            "01:30",
            (11, 7, 6, 30),
        ),
        # Spring forward skips 02:30 in Berlin: quiet hours end at the jump's other side.
        (
            datetime(2027, 3, 28, 0, 10, tzinfo=UTC),
            "Europe/Berlin",
            "22:00",
            "02:30",
            (3, 28, 1, 30),
        ),
    ],
)
def test_quiet_hours_end_at_the_next_real_moment_after_now(
    now: datetime, tz: str, start: str, end: str, expected: tuple[int, int, int, int]
) -> None:
    ends = quiet_hours_end(now, tz, time.fromisoformat(start), time.fromisoformat(end))
    assert ends == datetime(2027, *expected, tzinfo=UTC)
    assert ends > now


def test_outside_quiet_hours_there_is_nothing_to_wait_for() -> None:
    noon = datetime(2027, 10, 31, 11, 0, tzinfo=UTC)
    assert quiet_hours_end(noon, "Europe/Berlin", time(22), time(2, 30)) is None


def test_a_repeated_wall_time_has_two_moments_a_skipped_one_stands_in_once() -> None:
    berlin = zone("Europe/Berlin")
    assert occurrences(date(2027, 10, 31), time(2, 30), berlin) == [
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    ]
    assert occurrences(date(2027, 3, 28), time(2, 30), berlin) == [
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    ]
    assert occurrences(date(2027, 6, 1), time(9, 0), berlin) == [
        datetime(2027, 6, 1, 7, 0, tzinfo=UTC)
    ]
