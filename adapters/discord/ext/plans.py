"""/plan, /sprint, /progress and /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.commands import (
    COMMAND_NAMES,
    help_from_options,
    plan_from_options,
    progress_from_options,
    sprint_from_options,
)

if TYPE_CHECKING:
    from adapters.discord.bot import CohortBot

WEEK_CHOICES = [Choice(name=f"week {n}", value=n) for n in range(1, 5)]


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
        await self.bot.run_command(
            interaction, lambda: plan_from_options(week, goal, done, project)
        )

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
        await self.bot.run_command(interaction, lambda: sprint_from_options(goal, done))

    @app_commands.command(name="progress", description="Your streak, hours, plan and milestones")
    @app_commands.guild_only()
    async def progress(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, progress_from_options)

    @app_commands.command(name="help", description="What cohortbot can do")
    @app_commands.describe(topic="One command to explain")
    @app_commands.choices(topic=[Choice(name=name, value=name) for name in COMMAND_NAMES])
    async def help(
        self, interaction: discord.Interaction[CohortBot], topic: str | None = None
    ) -> None:
        # Help needs no cohort, so it works in DMs too: answer it without the core's lookup.
        await self.bot.run_command(
            interaction, lambda: help_from_options(topic), needs_cohort=False
        )


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(Plans(bot))
