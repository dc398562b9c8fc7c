"""Load and validate the YAML content in ``content/``: tracks, budgets, plan, nudges and the rest.

Code selects; content speaks. Every file is checked by a pydantic model, then
across files, and every problem is reported with the file and the path inside it.
"""

from __future__ import annotations

import math
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.commands import check_references
from bot.content_model import (
    _BROADCAST,
    _FILLED,
    _KINDS_WITH_THRESHOLD,
    _LOWERCASE_START,
    CATEGORIES,
    DEFAULT_TRACK,
    MILESTONE_KINDS,
    PLAN_ONLY_PLACEHOLDERS,
    REQUIRED_BUDGETS,
    TRIGGERS,
    Budget,
    Exercise,
    Milestone,
    Nudge,
    Plan,
    PlanWeek,
    Portfolio,
    Prompts,
    Track,
    _Model,
)
from bot.content_model import (  # the models and names, re-exported
    PLACEHOLDERS as PLACEHOLDERS,
)
from bot.content_model import (
    CheckinQuestions as CheckinQuestions,
)
from bot.content_model import (
    LearningStage as LearningStage,
)
from bot.content_model import (
    PortfolioProject as PortfolioProject,
)


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with the content, located by file and path inside it."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised by ``load_content`` when the content has problems; lists all of them."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Content:
    """Everything in ``content/``, validated and indexed for the bot."""

    tracks: dict[str, Track]
    budgets: dict[str, Budget]
    plan: Plan
    portfolio: Portfolio
    exercises: list[Exercise]
    prompts: Prompts
    nudges: list[Nudge]
    milestones: list[Milestone]

    def plan_weeks_for(self, budget: str | None) -> list[PlanWeek]:
        """The plan's four weeks for a budget mode: building-first when it has no learning."""
        mode = self.budgets.get(budget or "")
        if mode is None or mode.split.get("learning", 0) > 0 or not self.plan.building_first:
            return self.plan.weeks
        instead = {week.week: week for week in self.plan.building_first}
        return [instead.get(week.week, week) for week in self.plan.weeks]

    def nudges_for(
        self,
        trigger: str,
        track: str | None,
        category: str | None = None,
        *,
        plan_over: bool = False,
    ) -> list[Nudge]:
        """Nudges for a trigger: the track's own plus the general ones, in file order.

        With a category (mix drift: the neglected one), nudges about another
        category are left out; nudges about no category in particular stay. Once
        the member's 30-day plan is over, nudges about its day, week or goal are
        left out too: "Day 30 of 30" on day 37 is not true.
        """
        return [
            nudge
            for nudge in self.nudges
            if nudge.trigger == trigger
            and (nudge.tracks is None or (track is not None and track in nudge.tracks))
            and (category is None or nudge.category in (None, category))
            and not (plan_over and placeholders_in(nudge.text) & PLAN_ONLY_PLACEHOLDERS)
        ]


def budget_line(budget: Budget) -> str:
    """``full-time: 40 h a week (20 learning, 15 building, 5 networking)``."""
    split = ", ".join(f"{budget.split[c]:g} {c}" for c in CATEGORIES if budget.split[c])
    hours = f"{budget.hours_per_week:g}"
    if budget.min_hours is not None and budget.max_hours is not None:
        hours = f"{budget.min_hours:g}-{budget.max_hours:g}"
    return f"{budget.id}: {hours} h a week ({split})"


def tracks_line(content: Content) -> str:
    """Every track id with its name, as `/cohort join` takes them."""
    return "; ".join(f"{t.id} ({t.name})" for t in content.tracks.values())


def describe(content: Content) -> list[str]:
    """What the content holds, for `cohortbot content validate`: tracks, budgets, counts."""
    per_trigger = Counter(n.trigger for n in content.nudges)
    return [
        f"Tracks ({len(content.tracks)}): {tracks_line(content)}",
        f"Budgets ({len(content.budgets)}): "
        + "; ".join(budget_line(b) for b in content.budgets.values()),
        f"Plan: {content.plan.days} days in {len(content.plan.weeks)} weeks",
        f"Portfolio projects: {len(content.portfolio.projects)}",
        f"Exercises: {len(content.exercises)}",
        f"Nudges ({len(content.nudges)}): "
        + ", ".join(f"{per_trigger[t]} {t.replace('_', '-')}" for t in TRIGGERS),
        f"Milestones: {len(content.milestones)}",
    ]


# Each file and the model it holds; True means a list of such items.
_FILES: dict[str, tuple[type[_Model], bool]] = {
    "tracks.yaml": (Track, True),
    "budgets.yaml": (Budget, True),
    "plan.yaml": (Plan, False),
    "portfolio.yaml": (Portfolio, False),
    "exercises.yaml": (Exercise, True),
    "prompts.yaml": (Prompts, False),
    "nudges.yaml": (Nudge, True),
    "milestones.yaml": (Milestone, True),
}


def default_content_dir() -> Path:
    """The ``content/`` directory shipped next to the ``bot`` package."""
    return Path(__file__).resolve().parent.parent / "content"


def _join_loc(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _walk_strings(value: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield _join_loc(loc), value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_strings(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_strings(item, (*loc, index))


def placeholders_in(text: str) -> frozenset[str]:
    """The ``{placeholder}`` names a text uses (none for malformed braces)."""
    try:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)
    except ValueError:
        return frozenset()


def _fields(text: str) -> list[str]:
    """The placeholder names in a text; ValueError on malformed braces."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


def _text_problems(file: str, raw: Any) -> Iterator[ContentProblem]:
    """Malformed braces, placeholders in texts nothing fills, broadcast mentions and command
    references that name no command, in any string.

    Placeholders in the texts the bot fills are checked per item, against what the
    item's trigger or kind provides (``_placeholder_problems``).
    """
    filled = _FILLED.get(file)
    for path, text in _walk_strings(raw):
        try:
            fields = _fields(text)
        except ValueError as exc:
            yield ContentProblem(file, path, f"malformed placeholder braces: {exc}")
            continue
        if fields and (filled is None or not path.endswith("." + filled)):
            yield ContentProblem(
                file,
                path,
                f"{{{fields[0]}}} would be shown as written: nothing fills placeholders here",
            )
        if _BROADCAST.search(text):
            yield ContentProblem(file, path, "must not mention @everyone, @channel or @here")
        for problem in check_references(text):
            yield ContentProblem(file, path, f"unknown command reference: {problem}")


def _placeholder_problems(
    file: str, path: str, text: str, provided: frozenset[str], source: str
) -> Iterator[ContentProblem]:
    try:
        fields = _fields(text)
    except ValueError:
        return  # reported by _text_problems
    for field in dict.fromkeys(fields):
        if field not in provided:
            yield ContentProblem(
                file,
                path,
                f"unknown placeholder {{{field}}}: {source} provides "
                + ", ".join(sorted(provided)),
            )


def _read_yaml(directory: Path, file: str) -> tuple[Any, list[ContentProblem]]:
    path = directory / file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [ContentProblem(file, "", f"file is missing (looked in {directory})")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [ContentProblem(file, "", f"cannot read file: {exc}")]
    try:
        raw = yaml.safe_load(text)
    except RecursionError:
        return None, [ContentProblem(file, "", f"nested deeper than {MAX_DEPTH} levels")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [ContentProblem(file, where, f"YAML syntax error: {reason}")]
    if raw is None:
        return None, [ContentProblem(file, "", "file is empty")]
    too_big = _shape_problem(raw)
    if too_big:
        return None, [ContentProblem(file, "", too_big)]
    return raw, []


# Content is a few hundred short texts; far past these is a mistake or an alias bomb
# (anchors referring to anchors: a small file that expands to billions of strings).
MAX_DEPTH = 50
MAX_VALUES = 100_000


def _shape_problem(raw: Any) -> str | None:
    """Why ``raw`` is too deep or too large to check, walking it without recursion and
    counting every value as often as aliases repeat it, so the work stays bounded."""
    stack: list[tuple[Any, int]] = [(raw, 1)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return (
                f"more than {MAX_VALUES:,} values once YAML aliases are expanded "
                "(too large, or an alias bomb)"
            )
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


def _schema_problems(
    file: str, error: ValidationError, prefix: tuple[int | str, ...] = ()
) -> list[ContentProblem]:
    return [
        ContentProblem(
            file,
            _join_loc((*prefix, *item["loc"])),
            item["msg"].removeprefix("Value error, "),
        )
        for item in error.errors()
    ]


def _duplicates(file: str, items: list[tuple[int, Any]]) -> Iterator[ContentProblem]:
    seen: set[str] = set()
    for index, item in items:
        if item.id in seen:
            yield ContentProblem(file, f"[{index}].id", f"duplicate id {item.id!r}")
        seen.add(item.id)


@dataclass
class _Parsed:
    """What parsed: list files as (index in file, item) pairs, so paths stay true."""

    lists: dict[str, list[tuple[int, Any]]]
    single: dict[str, Any]
    complete: set[str]  # files in which every item validated


def _budget_problems(budgets: list[tuple[int, Budget]]) -> Iterator[ContentProblem]:
    for index, budget in budgets:
        total = sum(budget.split.values())
        if not math.isclose(total, budget.hours_per_week, abs_tol=1e-6):
            yield ContentProblem(
                "budgets.yaml",
                f"[{index}].split",
                f"adds up to {total:g} h but hours_per_week is {budget.hours_per_week:g}",
            )
        low = budget.min_hours if budget.min_hours is not None else budget.hours_per_week
        high = budget.max_hours if budget.max_hours is not None else budget.hours_per_week
        if not low <= budget.hours_per_week <= high:
            yield ContentProblem(
                "budgets.yaml",
                f"[{index}].hours_per_week",
                f"{budget.hours_per_week:g} is outside min_hours..max_hours ({low:g}-{high:g})",
            )


def _nudge_problems(
    nudges: list[tuple[int, Nudge]], track_ids: set[str] | None
) -> Iterator[ContentProblem]:
    for index, nudge in nudges:
        for position, track_id in enumerate(nudge.tracks or ()):
            if track_ids is not None and track_id not in track_ids:
                yield ContentProblem(
                    "nudges.yaml",
                    f"[{index}].tracks[{position}]",
                    f"unknown track {track_id!r} (not an id in tracks.yaml)",
                )
        yield from _placeholder_problems(
            "nudges.yaml",
            f"[{index}].text",
            nudge.text,
            TRIGGERS[nudge.trigger],
            f"trigger {nudge.trigger!r}",
        )
        if match := _LOWERCASE_START.search(nudge.text):
            yield ContentProblem(
                "nudges.yaml",
                f"[{index}].text",
                f"a sentence starts with {{{match[1]}}}, which is filled in lowercase",
            )
        if nudge.trigger == "mix_drift" and nudge.category is None:
            yield ContentProblem(
                "nudges.yaml", f"[{index}].category", "mix_drift nudges need a category"
            )


def _milestone_problems(milestones: list[tuple[int, Milestone]]) -> Iterator[ContentProblem]:
    seen: set[tuple[str, int | None]] = set()
    for index, milestone in milestones:
        key = (milestone.kind, milestone.threshold)
        path = f"[{index}].message"
        yield from _placeholder_problems(
            "milestones.yaml",
            path,
            milestone.message,
            MILESTONE_KINDS[milestone.kind],
            f"kind {milestone.kind!r}",
        )
        if "{name}" not in milestone.message:
            # Posted in the channel on its own: it must say whose milestone it is.
            yield ContentProblem(
                "milestones.yaml", path, "a celebration names the member: use {name}"
            )
        if milestone.kind in _KINDS_WITH_THRESHOLD and milestone.threshold is None:
            yield ContentProblem(
                "milestones.yaml",
                f"[{index}].threshold",
                f"milestones of kind {milestone.kind!r} need a threshold",
            )
        elif key in seen:
            yield ContentProblem(
                "milestones.yaml",
                f"[{index}]",
                f"another milestone already has kind {key[0]!r} and threshold {key[1]}",
            )
        seen.add(key)


def _cross_problems(parsed: _Parsed) -> Iterator[ContentProblem]:
    """Checks that span items or files, on whatever parsed.

    "Must exist" checks run only on files that validated completely: an item
    with a schema error is already reported and must not also look absent.
    """
    lists, complete = parsed.lists, parsed.complete
    for file, items in lists.items():
        yield from _duplicates(file, items)
    yield from _budget_problems(lists.get("budgets.yaml", []))
    yield from _milestone_problems(lists.get("milestones.yaml", []))
    track_ids = {track.id for _, track in lists.get("tracks.yaml", [])}
    yield from _nudge_problems(
        lists.get("nudges.yaml", []), track_ids if "tracks.yaml" in complete else None
    )

    if "tracks.yaml" in complete and DEFAULT_TRACK not in track_ids:
        yield ContentProblem("tracks.yaml", "", f"the default track {DEFAULT_TRACK!r} is missing")
    if "budgets.yaml" in complete:
        budget_ids = {budget.id for _, budget in lists["budgets.yaml"]}
        for required in REQUIRED_BUDGETS:
            if required not in budget_ids:
                yield ContentProblem("budgets.yaml", "", f"budget {required!r} is missing")
    if "nudges.yaml" in complete:
        counts = Counter(nudge.trigger for _, nudge in lists["nudges.yaml"])
        for trigger in TRIGGERS:
            if not counts[trigger]:
                yield ContentProblem("nudges.yaml", "", f"no nudge for trigger {trigger!r}")

    plan: Plan | None = parsed.single.get("plan.yaml")
    if plan is not None and sorted(week.week for week in plan.weeks) != [1, 2, 3, 4]:
        found = [week.week for week in plan.weeks]
        yield ContentProblem(
            "plan.yaml", "weeks", f"needs weeks 1, 2, 3 and 4 once each, found {found}"
        )
    if plan is not None:
        found = [week.week for week in plan.building_first]
        if len(set(found)) != len(found) or not set(found) <= {1, 2, 3, 4}:
            yield ContentProblem(
                "plan.yaml", "building_first", f"weeks 1 to 4 at most once each, found {found}"
            )
    portfolio: Portfolio | None = parsed.single.get("portfolio.yaml")
    if portfolio is not None:
        numbers = [project.number for project in portfolio.projects]
        for index, number in enumerate(numbers):
            if number in numbers[:index]:
                yield ContentProblem(
                    "portfolio.yaml", f"projects[{index}].number", f"duplicate number {number}"
                )


def _check(directory: Path) -> tuple[_Parsed, list[ContentProblem]]:
    parsed = _Parsed(lists={}, single={}, complete=set())
    problems: list[ContentProblem] = []
    for file, (model, many) in _FILES.items():
        raw, read_problems = _read_yaml(directory, file)
        problems.extend(read_problems)
        if raw is None:
            continue
        problems.extend(_text_problems(file, raw))
        if not many:
            try:
                parsed.single[file] = model.model_validate(raw)
                parsed.complete.add(file)
            except ValidationError as exc:
                problems.extend(_schema_problems(file, exc))
            continue
        if not isinstance(raw, list):
            problems.append(ContentProblem(file, "", "expected a list of items at the top level"))
            continue
        items: list[tuple[int, Any]] = []
        for index, item in enumerate(raw):
            try:
                items.append((index, model.model_validate(item)))
            except ValidationError as exc:
                problems.extend(_schema_problems(file, exc, (index,)))
        parsed.lists[file] = items
        if len(items) == len(raw):
            parsed.complete.add(file)
    problems.extend(_cross_problems(parsed))
    return parsed, problems


def validate_content(directory: Path) -> list[ContentProblem]:
    """Every problem in the content directory; an empty list means it is good to load."""
    return _check(Path(directory))[1]


def load_content(directory: Path | None = None) -> Content:
    """Load and validate the content, raising ``ContentError`` listing every problem."""
    parsed, problems = _check(Path(directory) if directory is not None else default_content_dir())
    if problems:
        raise ContentError(problems)

    def items(file: str) -> list[Any]:
        return [item for _, item in parsed.lists[file]]

    return Content(
        tracks={track.id: track for track in items("tracks.yaml")},
        budgets={budget.id: budget for budget in items("budgets.yaml")},
        plan=parsed.single["plan.yaml"],
        portfolio=parsed.single["portfolio.yaml"],
        exercises=items("exercises.yaml"),
        prompts=parsed.single["prompts.yaml"],
        nudges=items("nudges.yaml"),
        milestones=items("milestones.yaml"),
    )
