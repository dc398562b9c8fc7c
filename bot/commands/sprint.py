"""``/sprint``: this week's goals and hours; add a goal, tick one off."""

from __future__ import annotations

from bot.commands.limits import MAX_GOAL_CHARS
from bot.commands.plan import typed_goal
from bot.commands.reading import (
    check_length,
    first_word,
    no_more,
    unknown_subcommand,
    whole_number,
)
from bot.commands.spec import Option, Spec
from bot.domain import commands as c
from bot.domain.errors import UsageError

SPRINT = Spec(
    "sprint",
    usage="/sprint  |  /sprint goal <text>  |  /sprint done <n>",
    typed_usage="/sprint  |  /sprint goal:<text>  |  /sprint done:<n>",
    help="One sprint per week: goals from your plan plus your own, and hour targets "
    "from your budget.",
)
SPRINT_GOAL = Spec(
    "sprint goal",
    usage="/sprint goal <text>  e.g. /sprint goal write the README for project 1",
    typed_usage="/sprint goal:<text>  e.g. /sprint goal:write the README for project 1",
    options=(Option("goal", placeholder="<text>", required=True, rest=True),),
    typed_name="sprint",
)
SPRINT_DONE = Spec(
    "sprint done",
    usage="/sprint done <n>  e.g. /sprint done 2",
    typed_usage="/sprint done:<n>  e.g. /sprint done:2",
    options=(Option("done", placeholder="<n>", required=True),),
    typed_name="sprint",
)
SPECS = (SPRINT, SPRINT_GOAL, SPRINT_DONE)


def parse(args: str) -> c.Command:
    """The text after ``/sprint``: nothing shows it; ``goal <text>``, ``done <n>``."""
    if not args:
        return c.ShowSprint()
    sub, rest = first_word(args)
    sub = sub.lower()
    if sub == "goal":
        usage = SPRINT_GOAL.usage
        check_length(rest, MAX_GOAL_CHARS, "A sprint goal", usage)
        if not rest:
            raise UsageError("What is the goal?", usage=usage)
        return c.AddSprintGoal(text=rest)
    if sub == "done":
        usage = SPRINT_DONE.usage
        number_text, extra = first_word(rest)
        number = whole_number(number_text)
        if number is None or number < 1:
            raise UsageError(
                "Which goal? Give its number from `/sprint`, e.g. `/sprint done 2`.", usage=usage
            )
        no_more(extra, SPRINT_DONE)
        return c.MarkSprintGoalDone(number=number)
    raise unknown_subcommand(SPRINT, sub, ("goal", "done"))


def from_options(goal: str | None = None, done: int | None = None) -> c.Command:
    """Typed options: ``goal`` adds one, ``done`` ticks goal number n off, neither shows."""
    usage = SPRINT.typed_usage_line
    if goal is not None and done is not None:
        raise UsageError("Add a goal or tick one off — one at a time.", usage)
    if goal is not None:
        return c.AddSprintGoal(text=typed_goal(goal, "sprint goal", SPRINT_GOAL))
    if done is not None:
        return c.MarkSprintGoalDone(number=done)
    return c.ShowSprint()
