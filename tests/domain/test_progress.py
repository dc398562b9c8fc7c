"""Milestones reached, nudges chosen without repeats, and the mix-drift (balance) rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Milestone, load_content
from bot.domain.progress import Achievements, Drift, choose, mix_drift, reached


@pytest.fixture(scope="module")
def rules() -> list[Milestone]:
    return load_content().milestones


def ids(rules: Sequence[Milestone], a: Achievements) -> set[str]:
    return set(reached(rules, a))


# ---- milestones from the shipped content ----------------------------------------------------


def test_nothing_is_reached_before_anything_is_done(rules: list[Milestone]) -> None:
    assert reached(rules, Achievements()) == []


def test_the_first_checkin_is_a_milestone(rules: list[Milestone]) -> None:
    assert ids(rules, Achievements(checkins=1)) == {"first_checkin"}


@pytest.mark.parametrize(
    ("streak", "expected"),
    [
        (2, set()),
        (3, {"streak_3"}),
        (6, {"streak_3"}),
        (7, {"streak_3", "streak_7"}),
        (14, {"streak_3", "streak_7", "streak_14"}),
        (29, {"streak_3", "streak_7", "streak_14"}),
        (30, {"streak_3", "streak_7", "streak_14", "streak_30"}),
    ],
)
def test_streak_milestones_come_at_3_7_14_and_30_days(
    rules: list[Milestone], streak: int, expected: set[str]
) -> None:
    assert ids(rules, Achievements(checkins=1, streak=streak)) - {"first_checkin"} == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (9 * 60 + 59, set()),
        (10 * 60, {"hours_10"}),
        (25 * 60, {"hours_10", "hours_25"}),
        (50 * 60 - 1, {"hours_10", "hours_25"}),
        (50 * 60, {"hours_10", "hours_25", "hours_50"}),
        (100 * 60, {"hours_10", "hours_25", "hours_50", "hours_100"}),
    ],
)
def test_hour_milestones_come_at_10_25_50_and_100_hours(
    rules: list[Milestone], minutes: int, expected: set[str]
) -> None:
    assert ids(rules, Achievements(total_minutes=minutes)) == expected


def test_meeting_a_weeks_budget_is_a_milestone(rules: list[Milestone]) -> None:
    assert ids(rules, Achievements(budget_weeks_met=0)) == set()
    assert ids(rules, Achievements(budget_weeks_met=1)) == {"budget_week"}
    assert ids(rules, Achievements(budget_weeks_met=3)) == {"budget_week"}


def test_each_plan_week_done_is_its_own_milestone(rules: list[Milestone]) -> None:
    assert ids(rules, Achievements(plan_weeks_done=frozenset({2}))) == {"plan_week_2"}
    assert ids(rules, Achievements(plan_weeks_done=frozenset({1, 3}))) == {
        "plan_week_1",
        "plan_week_3",
    }


def test_the_plan_is_complete_only_with_all_four_weeks_done(rules: list[Milestone]) -> None:
    three = ids(rules, Achievements(plan_weeks_done=frozenset({1, 2, 3})))
    assert "plan_complete" not in three
    four = ids(rules, Achievements(plan_weeks_done=frozenset({1, 2, 3, 4})))
    assert four == {"plan_week_1", "plan_week_2", "plan_week_3", "plan_week_4", "plan_complete"}


@pytest.mark.parametrize(
    ("projects", "expected"),
    [
        (0, set()),
        (1, {"portfolio_1"}),
        (2, {"portfolio_1", "portfolio_2"}),
        (3, {"portfolio_1", "portfolio_2", "portfolio_3"}),
    ],
)
def test_portfolio_milestones_follow_the_projects_done(
    rules: list[Milestone], projects: int, expected: set[str]
) -> None:
    assert ids(rules, Achievements(portfolio_projects=projects)) == expected


def test_every_shipped_milestone_can_be_reached(rules: list[Milestone]) -> None:
    everything = Achievements(
        checkins=100,
        streak=100,
        total_minutes=1000 * 60,
        budget_weeks_met=10,
        plan_weeks_done=frozenset({1, 2, 3, 4}),
        portfolio_projects=3,
    )
    assert reached(rules, everything) == [r.id for r in rules]


def test_a_rule_of_an_unknown_kind_is_never_reached() -> None:
    odd = Milestone(id="odd", kind="streak", threshold=1, title="t", message="m")
    unknown = odd.model_copy(update={"kind": "moon_landing"})
    assert reached([unknown], Achievements(checkins=99, streak=99)) == []


# ---- choosing a nudge -----------------------------------------------------------------------

CANDIDATES = ["a", "b", "c", "d"]


def test_no_candidates_means_no_choice() -> None:
    assert choose([], last=None, seed="x") is None


def test_a_lone_candidate_is_chosen_even_when_it_was_the_last() -> None:
    assert choose(["a"], last="a", seed="x") == "a"


def test_the_choice_is_the_same_for_the_same_seed() -> None:
    picks = {choose(CANDIDATES, last=None, seed="checkin_prompt:m1:2026-01-15") for _ in range(5)}
    assert len(picks) == 1


@pytest.mark.parametrize("last", [None, *CANDIDATES])
def test_every_candidate_is_picked_across_200_seeds(last: str | None) -> None:
    picks = Counter(choose(CANDIDATES, last=last, seed=f"seed-{n}") for n in range(200))
    assert set(picks) == set(CANDIDATES) - {last}


@settings(max_examples=200, deadline=None)
@given(
    candidates=st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6),
    last=st.one_of(st.none(), st.sampled_from("abcdefg")),
    seed=st.text(max_size=30),
)
def test_the_last_nudge_is_never_repeated_when_there_is_another(
    candidates: list[str], last: str | None, seed: str
) -> None:
    picked = choose(candidates, last=last, seed=seed)
    assert picked in candidates
    if any(c != last for c in candidates):
        assert picked != last
    assert choose(candidates, last=last, seed=seed) == picked


# ---- mix drift ------------------------------------------------------------------------------

PART_TIME = {"learning": 300, "building": 480, "networking": 120}  # minutes: 5 h / 8 h / 2 h
MINIMAL = {"learning": 0, "building": 360, "networking": 0}


def test_nine_hours_of_learning_and_no_building_is_drift() -> None:
    drift = mix_drift({"learning": 540, "building": 0, "networking": 0}, PART_TIME)
    assert drift == Drift(ahead="learning", behind="building", ahead_minutes=540, behind_minutes=0)


def test_a_balanced_week_is_not_drift() -> None:
    assert mix_drift({"learning": 300, "building": 480, "networking": 120}, PART_TIME) is None
    assert mix_drift({"learning": 150, "building": 240, "networking": 60}, PART_TIME) is None


def test_less_than_three_hours_in_all_is_too_early_to_call_drift() -> None:
    assert mix_drift({"learning": 179, "building": 0, "networking": 0}, PART_TIME) is None
    assert mix_drift({"learning": 180, "building": 0, "networking": 0}, PART_TIME) is not None


def test_a_small_amount_of_building_still_counts_as_near_zero() -> None:
    drift = mix_drift({"learning": 540, "building": 40, "networking": 60}, PART_TIME)
    assert drift is not None
    assert (drift.ahead, drift.behind, drift.behind_minutes) == ("learning", "building", 40)


def test_nothing_behind_means_no_drift_even_when_one_category_runs_ahead() -> None:
    assert mix_drift({"learning": 900, "building": 100, "networking": 20}, PART_TIME) is None


def test_the_minimal_budget_drifts_when_learning_replaces_building() -> None:
    drift = mix_drift({"learning": 240, "building": 0, "networking": 0}, MINIMAL)
    assert drift == Drift(ahead="learning", behind="building", ahead_minutes=240, behind_minutes=0)


def test_the_minimal_budget_never_asks_for_learning_or_networking() -> None:
    assert mix_drift({"learning": 0, "building": 300, "networking": 0}, MINIMAL) is None


def test_no_hours_at_all_is_not_drift() -> None:
    assert mix_drift({}, PART_TIME) is None
