"""``/plan``: the 30-day plan; set a week's goal, mark a week done or open, ship a project.

Typed UIs (Discord) have one ``/plan`` with ``week``, ``goal``, ``done`` and ``project``
options; :func:`from_options` reads them with the same rules as the text.
"""

from __future__ import annotations

from bot.commands.limits import MAX_GOAL_CHARS
from bot.commands.reading import (
    check_length,
    drop_word,
    first_word,
    no_more,
    quote,
    unknown_subcommand,
    week,
    whole_number,
)
from bot.commands.spec import Option, Spec
from bot.domain import commands as c
from bot.domain.errors import UsageError

_WEEK = Option("week", placeholder="<1-4>", required=True)

PLAN = Spec(
    "plan",
    usage="/plan  |  /plan set <week 1-4> <goal>  |  /plan done <week>  |  /plan undo <week>"
    "  |  /plan project <1-3>",
    typed_usage="/plan  |  /plan week:<1-4> goal:<text>  |  /plan week:<1-4> done:True  "
    "|  /plan week:<1-4> done:False  |  /plan project:<1-3>",
    help="Four weeks, one goal each: start a course, begin project 1, publish a post, "
    "reach out to three people. Make each one yours with /plan set.",
    typed_help="Four weeks, one goal each: start a course, begin project 1, publish a post, "
    "reach out to three people. Make each one yours with /plan week:<1-4> goal:<text>.",
)
PLAN_SET = Spec(
    "plan set",
    usage="/plan set <week 1-4> <goal>  e.g. /plan set 1 finish fast.ai lesson 1-3",
    typed_usage="/plan week:<1-4> goal:<text>  e.g. /plan week:1 goal:finish fast.ai lesson 1-3",
    options=(_WEEK, Option("goal", placeholder="<text>", required=True, rest=True)),
    typed_name="plan",
)
PLAN_DONE = Spec(
    "plan done",
    usage="/plan done <week 1-4>  e.g. /plan done 1",
    typed_usage="/plan week:<1-4> done:True  e.g. /plan week:1 done:True",
    options=(_WEEK,),
    typed_name="plan",
    flags=(("done", True),),
)
PLAN_UNDO = Spec(
    "plan undo",
    usage="/plan undo <week 1-4>  marks a week not done again",
    typed_usage="/plan week:<1-4> done:False  marks a week not done again",
    options=(_WEEK,),
    typed_name="plan",
    flags=(("done", False),),
)
PLAN_PROJECT = Spec(
    "plan project",
    usage="/plan project <1-3> [undo]  marks portfolio project 1, 2 or 3 shipped",
    typed_usage="/plan project:<1-3> [done:False]  marks portfolio project 1, 2 or 3 "
    "shipped (done:False: not yet)",
    options=(Option("project", placeholder="<1-3>", required=True),),
    typed_name="plan",
)
SPECS = (PLAN, PLAN_SET, PLAN_DONE, PLAN_UNDO, PLAN_PROJECT)
WEEKS = (1, 2, 3, 4)
PROJECTS = (1, 2, 3)


def parse(args: str) -> c.Command:
    """The text after ``/plan``: nothing shows it; ``set``, ``done``, ``undo``, ``project``."""
    if not args:
        return c.ShowPlan()
    sub, rest = first_word(args)
    sub = sub.lower()
    if sub == "set":
        usage = PLAN_SET.usage
        week_text, goal = first_word(drop_word(rest, "week"))
        number = week(week_text, usage)
        check_length(goal, MAX_GOAL_CHARS, "A plan goal", usage)
        if not goal:
            raise UsageError(f"What is your goal for week {number}?", usage=usage)
        return c.SetPlanGoal(week=number, goal=goal)
    if sub in ("done", "undo"):
        spec = PLAN_DONE if sub == "done" else PLAN_UNDO
        week_text, extra = first_word(drop_word(rest, "week"))
        number = week(week_text, spec.usage)
        no_more(extra, spec)
        return c.MarkPlanDone(week=number, done=sub == "done")
    if sub == "project":
        usage = PLAN_PROJECT.usage
        number_text, extra = first_word(drop_word(rest, "project"))
        project = whole_number(number_text)
        if project is None or project not in PROJECTS:
            raise UsageError("Which project? 1, 2 or 3.", usage=usage)
        flag = extra.strip().lower()
        if flag not in ("", "done", "undo"):
            raise UsageError(f"{quote(flag)} is not done or undo.", usage=usage)
        return c.MarkPortfolioProject(number=project, done=flag != "undo")
    raise unknown_subcommand(PLAN, sub, ("set", "done", "undo", "project"))


def from_options(
    week: int | None = None,
    goal: str | None = None,
    done: bool | None = None,
    project: int | None = None,
) -> c.Command:
    """``/plan`` shows; ``week`` + ``goal`` sets it; ``week`` + ``done`` marks it (or reopens);
    ``project`` (+ ``done``) marks a portfolio project shipped (or open again).

    Choices and ranges are the platform's, but a forged payload may carry anything, so
    the week and the project are checked here too.
    """
    usage = PLAN.typed_usage_line
    if project is not None:
        if week is not None or goal is not None:
            raise UsageError("A project or a week — one at a time.", usage)
        if project not in PROJECTS:
            raise UsageError("Which project? 1, 2 or 3.", PLAN_PROJECT.typed_usage_line)
        return c.MarkPortfolioProject(number=project, done=done is not False)
    if week is None and goal is None and done is None:
        return c.ShowPlan()
    if week is None:
        raise UsageError("Which week? Add week:1 to week:4.", usage)
    if week not in WEEKS:
        raise UsageError(f"The plan has weeks 1 to 4 (you chose {quote(str(week))}).", usage)
    if goal is not None and done is not None:
        raise UsageError("Set a goal or mark a week done — one at a time.", usage)
    if goal is not None:
        return c.SetPlanGoal(week=week, goal=typed_goal(goal, "plan goal", PLAN_SET))
    if done is not None:
        return c.MarkPlanDone(week=week, done=done)
    raise UsageError(f"What about week {week}? Add goal:<text> or done:True.", usage)


def typed_goal(text: str, what: str, spec: Spec) -> str:
    """A goal given as a typed option: trimmed, present and within the limit."""
    goal = text.strip()
    usage = spec.typed_usage_line
    if not goal:
        raise UsageError(f"What is the {what}?", usage)
    if len(goal) > MAX_GOAL_CHARS:
        raise UsageError(
            f"A {what} can be at most {MAX_GOAL_CHARS} characters; this one has {len(goal)}.",
            usage,
        )
    return goal
