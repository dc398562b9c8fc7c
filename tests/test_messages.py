"""The one way hours are shown: whole minutes, so parts always add up to the total."""

from __future__ import annotations

import pytest

from bot.messages import hours_text


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (0, "0 h"),
        (1, "1 min"),
        (15, "15 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (225, "3 h 45 min"),
        (120, "2 h"),
        (2400, "40 h"),
        (450.0, "7 h 30 min"),
        (-45, "-45 min"),
    ],
)
def test_hours_are_shown_in_hours_and_minutes(minutes: float, shown: str) -> None:
    assert hours_text(minutes) == shown


def test_shown_parts_add_up_to_the_shown_total() -> None:
    # 3.5 h + 0.25 h: rounded decimal hours would show 3.5 + 0.2 beside a total of 3.8.
    parts = [210, 15]
    assert [hours_text(p) for p in parts] == ["3 h 30 min", "15 min"]
    assert hours_text(sum(parts)) == "3 h 45 min"
