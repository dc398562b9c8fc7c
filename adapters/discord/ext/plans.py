"""/plan, /sprint, /progress and /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from adapters.discord.syntax import DISCORD_USAGE
from bot.commands import COMMAND_NAMES, MAX_GOAL_CHARS
from bot.domain import commands as c
from bot.domain.errors import UsageError

if TYPE_CHECKING:
    from adapters.discord.bot import CohortBot

WEEK_CHOICES = [Choice(name=f"week {n}", value=n) for n in range(1, 5)]


def _goal(text: str, what: str, usage: str) -> str:
    goal = text.strip()
    if not goal:
        raise UsageError(f"What is the {what}?", usage)
    if len(goal) > MAX_GOAL_CHARS:
        raise UsageError(
            f"A {what} can be at most {MAX_GOAL_CHARS} characters; this one has {len(goal)}.",
            usage,
        )
    return goal


def plan_command(
    week: int | None, goal: str | None, done: bool | None, project: int | None = None
) -> c.Command:
    """``/plan`` shows; ``week`` + ``goal`` sets it; ``week`` + ``done`` marks it (or reopens);
    ``project`` (+ ``done``) marks a portfolio project shipped (or open again)."""
    usage = DISCORD_USAGE["plan"]
    if project is not None:
        if week is not None or goal is not None:
            raise UsageError("A project or a week — one at a time.", usage)
        return c.MarkPortfolioProject(number=project, done=done is not False)
    if week is None and goal is None and done is None:
        return c.ShowPlan()
    if week is None:
        raise UsageError("Which week? Add week:1 to week:4.", usage)
    if goal is not None and done is not None:
        raise UsageError("Set a goal or mark a week done — one at a time.", usage)
    if goal is not None:
        return c.SetPlanGoal(week=week, goal=_goal(goal, "plan goal", DISCORD_USAGE["plan set"]))
    if done is not None:
        return c.MarkPlanDone(week=week, done=done)
    raise UsageError(f"What about week {week}? Add goal:<text> or done:True.", usage)


def sprint_command(goal: str | None, done: int | None) -> c.Command:
    usage = DISCORD_USAGE["sprint"]
    if goal is not None and done is not None:
        raise UsageError("Add a goal or tick one off — one at a time.", usage)
    if goal is not None:
        return c.AddSprintGoal(text=_goal(goal, "sprint goal", DISCORD_USAGE["sprint goal"]))
    if done is not None:
        return c.MarkSprintGoalDone(number=done)
    return c.ShowSprint()


class Plans(commands.Cog):
    """The 30-day plan, weekly sprints, progress and help."""

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    @app_commands.command(name="plan", description="Your 30-day plan; set or finish a week")
    @app_commands.guild_only()
    @app_commands.describe(
        week="The plan week to change",
        goal="Make the week's goal specific, e.g. finish fast.ai lessons 1-3",
        done="True: mark the week (or project) done; False: open it again",
        project="A portfolio project you shipped: 1 domain bridge, 2 depth, 3 production",
    )
    @app_commands.choices(week=WEEK_CHOICES)
    async def plan(
        self,
        interaction: discord.Interaction[CohortBot],
        week: int | None = None,
        goal: app_commands.Range[str, 1, 300] | None = None,
        done: bool | None = None,
        project: app_commands.Range[int, 1, 3] | None = None,
    ) -> None:
        await self.bot.run_command(interaction, lambda: plan_command(week, goal, done, project))

    @app_commands.command(name="sprint", description="This week's sprint: goals and hours")
    @app_commands.guild_only()
    @app_commands.describe(
        goal="Add a goal to this week's sprint", done="Tick off goal number n (see /sprint)"
    )
    async def sprint(
        self,
        interaction: discord.Interaction[CohortBot],
        goal: app_commands.Range[str, 1, 300] | None = None,
        done: app_commands.Range[int, 1, 10] | None = None,
    ) -> None:
        await self.bot.run_command(interaction, lambda: sprint_command(goal, done))

    @app_commands.command(name="progress", description="Your streak, hours, plan and milestones")
    @app_commands.guild_only()
    async def progress(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, c.ShowProgress)

    @app_commands.command(name="help", description="What cohortbot can do")
    @app_commands.describe(topic="One command to explain")
    @app_commands.choices(topic=[Choice(name=name, value=name) for name in COMMAND_NAMES])
    async def help(
        self, interaction: discord.Interaction[CohortBot], topic: str | None = None
    ) -> None:
        # Help needs no cohort, so it works in DMs too: answer it without the core's lookup.
        await self.bot.run_command(interaction, lambda: c.Help(topic=topic), needs_cohort=False)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(Plans(bot))
