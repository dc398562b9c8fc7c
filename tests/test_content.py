"""Specifications for the shipped content and for how broken content is reported."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.content import (
    CATEGORIES,
    PLACEHOLDERS,
    TRIGGERS,
    Content,
    ContentError,
    ContentProblem,
    default_content_dir,
    load_content,
    validate_content,
)

REQUIRED_TRACKS = {
    "software_engineer",
    "junior_software_engineer",
    "data_analyst",
    "finance",
    "devops",
    "product_manager",
    "academic_researcher",
    "physics_math",
    "electrical_engineer",
    "ux_researcher",
    "cs_graduate",
    "other",
}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped content, for a test to damage."""
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def find(problems: list[ContentProblem], file: str, path: str) -> ContentProblem:
    matches = [p for p in problems if p.file == file and p.path == path]
    assert matches, f"no problem at {file}: {path}; got {[str(p) for p in problems]}"
    return matches[0]


# --- the shipped content -----------------------------------------------------


def test_shipped_content_has_no_problems() -> None:
    assert validate_content(default_content_dir()) == []


def test_every_background_has_a_track_and_other_is_there_for_everyone_else(
    content: Content,
) -> None:
    assert len(content.tracks) >= 10
    assert set(content.tracks) >= REQUIRED_TRACKS


def test_tracks_carry_the_seed_timelines(content: Content) -> None:
    swe = content.tracks["software_engineer"]
    assert swe.target_role == "ML Engineer"
    assert swe.time_to_first_role == "3-6 months"
    assert swe.competitive_in == "2-4 months of focused prep"
    assert content.tracks["junior_software_engineer"].time_to_first_role == "4-8 months"
    assert content.tracks["data_analyst"].target_role == "Data Scientist"
    assert content.tracks["finance"].competitive_in == "5-9 months of focused prep"
    assert content.tracks["devops"].target_role == "MLOps Engineer"
    assert content.tracks["other"].time_to_first_role == "12-18 months"
    assert [stage.months for stage in content.tracks["finance"].learning_path] == [
        "1-3",
        "4-6",
        "7-9",
        "10-12",
    ]


def test_budgets_are_the_three_weekly_modes_with_their_splits(content: Content) -> None:
    assert set(content.budgets) == {"full-time", "part-time", "minimal"}
    full, part, minimal = (content.budgets[k] for k in ("full-time", "part-time", "minimal"))
    assert (full.hours_per_week, full.split) == (
        40,
        {"learning": 20, "building": 15, "networking": 5},
    )
    assert (part.hours_per_week, part.split) == (
        15,
        {"learning": 5, "building": 8, "networking": 2},
    )
    assert (minimal.min_hours, minimal.max_hours) == (5, 8)
    assert minimal.split == {"learning": 0, "building": minimal.hours_per_week, "networking": 0}


def test_the_plan_is_thirty_days_in_four_weeks(content: Content) -> None:
    assert content.plan.days == 30
    assert [week.week for week in content.plan.weeks] == [1, 2, 3, 4]
    assert content.plan.review_questions


def test_portfolio_has_the_three_projects(content: Content) -> None:
    names = [(p.number, p.name) for p in content.portfolio.projects]
    assert names == [(1, "Domain Bridge"), (2, "Technical Depth"), (3, "Production Engineering")]
    assert len(content.portfolio.presentation_checklist) >= 5


def test_the_five_exercises_with_their_durations(content: Content) -> None:
    assert [e.minutes for e in content.exercises] == [30, 30, 30, 60, 15]


def test_checkin_form_has_its_four_labels(content: Content) -> None:
    questions = content.prompts.checkin_questions
    assert all([questions.did, questions.next, questions.blockers, questions.mood])


def test_there_are_plenty_of_nudges_for_every_trigger(content: Content) -> None:
    assert len(content.nudges) >= 72
    per_trigger = Counter(n.trigger for n in content.nudges)
    assert set(per_trigger) == set(TRIGGERS)
    assert min(per_trigger.values()) >= 7, per_trigger


def test_mix_drift_tips_cover_each_neglected_category(content: Content) -> None:
    drift = [n for n in content.nudges if n.trigger == "mix_drift"]
    assert all(n.category in CATEGORIES for n in drift)
    per_category = Counter(n.category for n in drift)
    assert all(per_category[c] >= 3 for c in CATEGORIES), per_category


def test_at_least_ten_nudges_speak_to_specific_tracks(content: Content) -> None:
    specific = [n for n in content.nudges if n.tracks]
    assert len(specific) >= 10
    assert len({t for n in specific for t in n.tracks or ()}) >= 5


def test_milestones_cover_every_kind_and_threshold(content: Content) -> None:
    kinds = {(m.kind, m.threshold) for m in content.milestones}
    expected = {
        ("first_checkin", None),
        ("budget_week", None),
        ("plan_complete", None),
        *(("streak", n) for n in (3, 7, 14, 30)),
        *(("total_hours", n) for n in (10, 25, 50, 100)),
        *(("plan_week", n) for n in (1, 2, 3, 4)),
        *(("portfolio_project", n) for n in (1, 2, 3)),
    }
    assert expected <= kinds


def test_no_content_promotes_a_product_or_pings_everyone() -> None:
    for path in default_content_dir().glob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        # The guides' product name, spelled in two halves so it never sits in the repo.
        assert "interview" + "node" not in text, path.name
        for ping in ("@everyone", "@channel", "@here"):
            assert ping not in text, (path.name, ping)


def test_every_placeholder_used_in_nudges_is_a_known_one(content: Content) -> None:
    used = {m for n in content.nudges for m in re.findall(r"\{(\w+)\}", n.text)}
    assert used <= PLACEHOLDERS


# --- choosing nudges -----------------------------------------------------------


def test_nudges_for_a_track_are_its_own_plus_the_general_ones_in_file_order(
    content: Content,
) -> None:
    chosen = content.nudges_for("checkin_prompt", "finance")
    general = [n for n in chosen if n.tracks is None]
    own = [n for n in chosen if n.tracks is not None]
    assert general and own
    assert all("finance" in (n.tracks or ()) for n in own)
    assert chosen == [n for n in content.nudges if n in chosen]
    assert all(n.trigger == "checkin_prompt" for n in chosen)


def test_nudges_for_no_track_or_an_unknown_track_are_only_the_general_ones(
    content: Content,
) -> None:
    general = [n for n in content.nudges if n.trigger == "digest" and n.tracks is None]
    assert content.nudges_for("digest", None) == general
    assert [n for n in content.nudges_for("checkin_prompt", "nobody") if n.tracks] == []


def test_mix_drift_nudges_are_chosen_by_the_neglected_category(content: Content) -> None:
    chosen = content.nudges_for("mix_drift", "software_engineer", category="networking")
    assert chosen
    assert {n.category for n in chosen} == {"networking"}


# --- broken content is reported by file and path ---------------------------------


def test_a_yaml_syntax_error_names_the_file_and_line(broken_dir: Path) -> None:
    (broken_dir / "plan.yaml").write_text("days: 30\nweeks: [1, 2\n", encoding="utf-8")
    problems = validate_content(broken_dir)
    [problem] = [p for p in problems if p.file == "plan.yaml"]
    assert problem.path.startswith("line ")
    assert "YAML" in problem.message


def test_an_unknown_trigger_is_reported_with_the_expected_ones(broken_dir: Path) -> None:
    replace_in(broken_dir / "nudges.yaml", "trigger: digest", "trigger: foo")
    problems = validate_content(broken_dir)
    problem = next(p for p in problems if p.file == "nudges.yaml" and p.path.endswith(".trigger"))
    assert re.fullmatch(r"\[\d+\]\.trigger", problem.path)
    assert "unknown trigger 'foo'" in problem.message
    assert "checkin_prompt" in problem.message
    assert str(problem).startswith(f"nudges.yaml: {problem.path}: unknown trigger 'foo'")


def test_an_unknown_placeholder_is_named(broken_dir: Path) -> None:
    replace_in(broken_dir / "milestones.yaml", "That's how habits start.", "Hello {foo}.")
    problems = validate_content(broken_dir)
    problem = find(problems, "milestones.yaml", "[1].message")
    assert "{foo}" in problem.message


def test_a_placeholder_its_trigger_does_not_provide_is_reported(broken_dir: Path) -> None:
    # {count} is the digest's; a check-in prompt has no such value and would post it raw.
    replace_in(
        broken_dir / "nudges.yaml",
        "One sentence is enough today",
        "One sentence from each of the {count} of you",
    )
    problem = find(validate_content(broken_dir), "nudges.yaml", "[8].text")
    assert problem.message.startswith("unknown placeholder {count}: trigger 'checkin_prompt'")
    assert "week_goal" in problem.message


def test_a_milestone_placeholder_its_kind_does_not_provide_is_reported(broken_dir: Path) -> None:
    # Only the week's budget knows a weekly {target}; a streak celebration would post it raw.
    replace_in(broken_dir / "milestones.yaml", "That's how habits start.", "Aim: {target}.")
    problem = find(validate_content(broken_dir), "milestones.yaml", "[1].message")
    assert problem.message.startswith("unknown placeholder {target}: kind 'streak' provides")


def test_a_celebration_that_does_not_name_the_member_is_reported(broken_dir: Path) -> None:
    replace_in(broken_dir / "milestones.yaml", "Three study days in a row, {name}.", "Three days.")
    problem = find(validate_content(broken_dir), "milestones.yaml", "[1].message")
    assert "names the member" in problem.message


def test_a_placeholder_in_a_text_nothing_fills_is_reported(broken_dir: Path) -> None:
    replace_in(broken_dir / "milestones.yaml", "title: 3-day streak", "title: 3-day streak, {name}")
    replace_in(broken_dir / "prompts.yaml", "What's next?", "What's next, {name}?")
    problems = validate_content(broken_dir)
    assert "nothing fills" in find(problems, "milestones.yaml", "[1].title").message
    assert "nothing fills" in find(problems, "prompts.yaml", "checkin_questions.next").message


def test_a_sentence_that_starts_with_a_lowercase_value_is_reported(broken_dir: Path) -> None:
    # "learning is racing ahead while building waits."
    replace_in(broken_dir / "nudges.yaml", '"Your {ahead} hours are racing', '"{ahead} is racing')
    problems = [p for p in validate_content(broken_dir) if "lowercase" in p.message]
    assert len(problems) == 1 and problems[0].file == "nudges.yaml"
    assert "{ahead}" in problems[0].message


def test_a_budget_split_that_does_not_add_up_is_reported(broken_dir: Path) -> None:
    replace_in(broken_dir / "budgets.yaml", "learning: 5,", "learning: 6,")
    problems = validate_content(broken_dir)
    problem = find(problems, "budgets.yaml", "[1].split")
    assert "16" in problem.message and "15" in problem.message


def test_a_budget_split_must_name_every_category(broken_dir: Path) -> None:
    replace_in(broken_dir / "budgets.yaml", "networking: 5}", "social: 5}")
    problems = validate_content(broken_dir)
    assert "learning, building, networking" in find(problems, "budgets.yaml", "[0].split").message


def test_a_nudge_for_a_track_that_does_not_exist_is_reported(broken_dir: Path) -> None:
    replace_in(broken_dir / "nudges.yaml", "tracks: [finance]", "tracks: [astronaut]")
    problems = validate_content(broken_dir)
    problem = next(p for p in problems if p.file == "nudges.yaml" and "astronaut" in p.message)
    assert re.fullmatch(r"\[\d+\]\.tracks\[0\]", problem.path)


def test_a_missing_file_is_reported(broken_dir: Path) -> None:
    (broken_dir / "milestones.yaml").unlink()
    problems = validate_content(broken_dir)
    assert [p for p in problems if p.file == "milestones.yaml"] == [
        ContentProblem("milestones.yaml", "", f"file is missing (looked in {broken_dir})")
    ]


def test_schema_errors_give_the_path_inside_the_file(broken_dir: Path) -> None:
    replace_in(broken_dir / "budgets.yaml", "learning: 20,", "learning: lots,")
    problems = validate_content(broken_dir)
    assert find(problems, "budgets.yaml", "[0].split.learning")


def test_a_mix_drift_nudge_without_a_category_is_reported(broken_dir: Path) -> None:
    replace_in(
        broken_dir / "nudges.yaml",
        "  category: building\n",
        "",
    )
    problems = validate_content(broken_dir)
    problem = next(p for p in problems if p.path.endswith(".category"))
    assert problem.file == "nudges.yaml"
    assert "category" in problem.message


def test_duplicate_ids_and_the_default_track_are_checked(broken_dir: Path) -> None:
    replace_in(broken_dir / "tracks.yaml", "- id: other", "- id: finance")
    messages = [str(p) for p in validate_content(broken_dir)]
    assert any("duplicate id 'finance'" in m for m in messages)
    assert any("default track 'other' is missing" in m for m in messages)


def test_the_plan_needs_weeks_one_to_four(broken_dir: Path) -> None:
    replace_in(broken_dir / "plan.yaml", "  - week: 4", "  - week: 5")
    problems = validate_content(broken_dir)
    assert "5" in find(problems, "plan.yaml", "weeks").message


def test_loading_broken_content_raises_with_every_problem_listed(broken_dir: Path) -> None:
    (broken_dir / "exercises.yaml").unlink()
    replace_in(broken_dir / "nudges.yaml", "trigger: digest", "trigger: foo")
    with pytest.raises(ContentError) as caught:
        load_content(broken_dir)
    assert len(caught.value.problems) >= 2
    lines = str(caught.value).splitlines()
    assert any(line.startswith("exercises.yaml: file is missing") for line in lines)
    assert any(line.startswith("nudges.yaml: [") for line in lines)


def test_one_broken_item_does_not_hide_problems_elsewhere_in_the_file(broken_dir: Path) -> None:
    replace_in(broken_dir / "nudges.yaml", "trigger: digest", "trigger: foo")
    replace_in(broken_dir / "nudges.yaml", "tracks: [finance]", "tracks: [astronaut]")
    messages = [p.message for p in validate_content(broken_dir) if p.file == "nudges.yaml"]
    assert any("unknown trigger 'foo'" in m for m in messages)
    assert any("unknown track 'astronaut'" in m for m in messages)


def test_a_problem_reads_as_file_path_and_message() -> None:
    problem = ContentProblem("nudges.yaml", "[12].trigger", "unknown trigger 'foo'")
    assert str(problem) == "nudges.yaml: [12].trigger: unknown trigger 'foo'"
    assert str(ContentProblem("milestones.yaml", "", "file is missing")) == (
        "milestones.yaml: file is missing"
    )


def test_a_budget_without_learning_hours_gets_a_plan_without_a_course(content) -> None:
    for budget in content.budgets.values():
        weeks = content.plan_weeks_for(budget.id)
        assert [w.week for w in weeks] == [1, 2, 3, 4]
        shown = " ".join(f"{w.title} {w.default_goal} {w.example} {w.hint}" for w in weeks)
        if budget.split["learning"] == 0:
            assert "course" not in shown.lower(), budget.id
        else:
            assert weeks == content.plan.weeks, budget.id
