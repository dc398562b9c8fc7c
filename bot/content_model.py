"""The shape of the content: one pydantic model per YAML file's items, and the names
its texts may use (the placeholders each nudge trigger and milestone kind fills).

``bot.content`` loads and checks the files with these models and re-exports them.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

CATEGORIES: tuple[str, ...] = ("learning", "building", "networking")
# The values a scheduled member message fills (``bot.scheduling.nudges.member_values``):
# the plan day and week ("Day 9 of 30", then "Week 6 since you joined" as ``plan_day``),
# this week's goal, the current streak, and this week's hours against the weekly target.
_MEMBER_VALUES = frozenset(
    {"name", "day", "plan_day", "week", "week_goal", "streak", "hours", "target"}
)
# What every celebration fills (``bot.usecases.milestones.celebration_values``); ``hours``
# is the all-time total.
_CELEBRATION_VALUES = frozenset({"name", "day", "week", "week_goal", "streak", "hours"})

# Each nudge trigger and the placeholder names it provides; `content validate` holds every
# nudge text to the names of its own trigger.
TRIGGERS: dict[str, frozenset[str]] = {
    "checkin_prompt": _MEMBER_VALUES,
    "sprint_kickoff": _MEMBER_VALUES,
    "midweek_reminder": _MEMBER_VALUES,
    "weekly_review": _MEMBER_VALUES,
    "inactivity": _MEMBER_VALUES,
    "milestone": _CELEBRATION_VALUES,
    # The cohort's week (``bot.read.digest.line_values``): members who checked in, and the
    # cohort's hours against its target.
    "digest": frozenset({"count", "hours", "target"}),
    # The mid-week balance tip: the category far ahead, the one near zero (also ``category``).
    "mix_drift": _MEMBER_VALUES | {"ahead", "behind", "category"},
}
# Each milestone kind and the placeholder names its message may use.
MILESTONE_KINDS: dict[str, frozenset[str]] = {
    "first_checkin": _CELEBRATION_VALUES,
    "streak": _CELEBRATION_VALUES,
    "total_hours": _CELEBRATION_VALUES,
    # ``hours`` here is the week's own, against the budget's weekly ``target``.
    "budget_week": _CELEBRATION_VALUES | {"target"},
    "plan_week": _CELEBRATION_VALUES,
    "plan_complete": _CELEBRATION_VALUES,
    "portfolio_project": _CELEBRATION_VALUES,
}
PLACEHOLDERS: frozenset[str] = frozenset().union(*TRIGGERS.values(), *MILESTONE_KINDS.values())
# Texts naming the plan's day, week or week goal are true only during the 30-day plan;
# after it they are not chosen ({plan_day} speaks of the member's week instead).
PLAN_ONLY_PLACEHOLDERS: frozenset[str] = frozenset({"day", "week", "week_goal"})
# Files whose texts the bot fills; every other text is shown exactly as written.
_FILLED = {"nudges.yaml": "text", "milestones.yaml": "message"}
REQUIRED_BUDGETS: tuple[str, ...] = ("full-time", "part-time", "minimal")
DEFAULT_TRACK = "other"

# Kinds whose milestones only make sense with a number attached.
_KINDS_WITH_THRESHOLD = frozenset({"streak", "total_hours", "plan_week", "portfolio_project"})
_BROADCAST = re.compile(r"@(everyone|channel|here)\b|<!(everyone|channel|here)>", re.IGNORECASE)
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
# Values filled in lowercase ("learning"): a sentence must not start with one.
_LOWERCASE_START = re.compile(r"(?:^|[.!?]\s+)\{(ahead|behind|category)\}")


def _one_of(value: str, options: tuple[str, ...], what: str) -> str:
    if value not in options:
        raise ValueError(f"unknown {what} {value!r} (expected one of {', '.join(options)})")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LearningStage(_Model):
    months: str = Field(min_length=1)
    focus: str = Field(min_length=1)
    items: list[str] = Field(min_length=1)


class Track(_Model):
    id: str = Field(pattern=_ID.pattern)
    name: str = Field(min_length=1)
    target_role: str = Field(min_length=1)
    time_to_first_role: str = Field(min_length=1)
    competitive_in: str = Field(min_length=1)
    transferable_skills: list[str] = Field(min_length=1)
    gaps: list[str] = Field(min_length=1)
    bridge_narrative: str = Field(min_length=1)
    learning_path: list[LearningStage] = Field(min_length=1)


class Budget(_Model):
    id: str = Field(pattern=_ID.pattern)
    name: str = Field(min_length=1)
    hours_per_week: float = Field(gt=0)
    min_hours: float | None = Field(default=None, ge=0)
    max_hours: float | None = Field(default=None, gt=0)
    split: dict[str, float]
    description: str = Field(min_length=1)

    @field_validator("split")
    @classmethod
    def _split_has_every_category(cls, split: dict[str, float]) -> dict[str, float]:
        if set(split) != set(CATEGORIES) or any(hours < 0 for hours in split.values()):
            raise ValueError(f"needs hours >= 0 for exactly {', '.join(CATEGORIES)}")
        return split


class PlanWeek(_Model):
    week: int
    title: str = Field(min_length=1)
    default_goal: str = Field(min_length=1)
    example: str = Field(min_length=1)
    hint: str = Field(min_length=1)


class Plan(_Model):
    days: int = Field(gt=0)
    weeks: list[PlanWeek]
    review_questions: list[str] = Field(min_length=1)
    # Weeks that replace the template's for budgets with no learning hours (minimal):
    # there the learning happens inside the project, so week 1 is not "start a course".
    building_first: list[PlanWeek] = Field(default_factory=list)


class PortfolioProject(_Model):
    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    purpose: str = Field(min_length=1)
    examples: list[str] = Field(min_length=1)


class Portfolio(_Model):
    projects: list[PortfolioProject] = Field(min_length=1)
    presentation_checklist: list[str] = Field(min_length=1)


class Exercise(_Model):
    id: str = Field(pattern=_ID.pattern)
    name: str = Field(min_length=1)
    minutes: int = Field(gt=0)
    steps: list[str] = Field(min_length=1)


class CheckinQuestions(_Model):
    did: str = Field(min_length=1)
    next: str = Field(min_length=1)
    blockers: str = Field(min_length=1)
    mood: str = Field(min_length=1)


class Prompts(_Model):
    checkin_questions: CheckinQuestions
    help: dict[str, str] = Field(default_factory=dict)


class Nudge(_Model):
    id: str = Field(pattern=_ID.pattern)
    trigger: str
    text: str = Field(min_length=1)
    tracks: tuple[str, ...] | None = None
    category: str | None = None

    @field_validator("trigger")
    @classmethod
    def _known_trigger(cls, trigger: str) -> str:
        return _one_of(trigger, tuple(TRIGGERS), "trigger")

    @field_validator("category")
    @classmethod
    def _known_category(cls, category: str | None) -> str | None:
        return category if category is None else _one_of(category, CATEGORIES, "category")


class Milestone(_Model):
    id: str = Field(pattern=_ID.pattern)
    kind: str
    threshold: int | None = Field(default=None, gt=0)
    title: str = Field(min_length=1)
    message: str = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        return _one_of(kind, tuple(MILESTONE_KINDS), "kind")
