"""Typed options (Discord) build the same commands as typed text, and refuse forged values."""

from __future__ import annotations

import pytest

from bot.commands import (
    away_from_options,
    checkin_from_options,
    hours_from_options,
    parse,
    plan_from_options,
    sprint_from_options,
    summary_from_options,
)
from bot.domain import commands as c
from bot.domain.errors import UsageError


def test_typed_options_and_typed_text_build_the_same_commands():
    assert checkin_from_options("did it | mood: 4") == parse("/checkin did it | mood: 4")
    assert checkin_from_options("better", edit=True) == parse("/checkin edit better")
    assert checkin_from_options(None, edit=True) == c.OpenCheckInForm(edit=True)
    assert hours_from_options("90m", "learning", "ch. 3", 1) == parse(
        "/hours 90m learning yesterday ch. 3"
    )
    assert plan_from_options(1, "ship it") == parse("/plan set 1 ship it")
    assert plan_from_options(2, done=False) == parse("/plan undo 2")
    assert sprint_from_options(done=2) == parse("/sprint done 2")


@pytest.mark.parametrize("week", [0, 5, -1, 99, "two"])
def test_a_plan_week_outside_1_to_4_is_a_usage_error(week):
    with pytest.raises(UsageError, match="weeks 1 to 4"):
        plan_from_options(week, done=True)  # type: ignore[arg-type]


def test_a_project_outside_1_to_3_is_a_usage_error():
    with pytest.raises(UsageError, match="1, 2 or 3"):
        plan_from_options(project=4)


@pytest.mark.parametrize("days", [0, -3, 91, 99999, "yesterday"])
def test_forged_away_days_outside_1_to_90_are_a_usage_error(days):
    with pytest.raises(UsageError, match="1 to 90 days"):
        away_from_options(days=days)  # type: ignore[arg-type]


def test_away_days_in_range_build_the_same_command_as_text():
    assert away_from_options(days=5) == parse("/cohort me away 5 days")


@pytest.mark.parametrize("weeks_back", [-1, 53, "yesterday"])
def test_forged_summary_weeks_back_is_a_usage_error(weeks_back):
    with pytest.raises(UsageError, match="weeks_back can be 0"):
        summary_from_options(weeks_back)  # type: ignore[arg-type]
    assert summary_from_options(1) == parse("/cohort summary last")
