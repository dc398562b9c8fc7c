"""/checkin, /hours, /hours-undo and /hours-log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.commands import checkin_from_options, hours_from_options
from bot.domain import commands as c
from bot.domain.amounts import CATEGORIES

if TYPE_CHECKING:
    from adapters.discord.bot import CohortBot

DAY_CHOICES = [
    Choice(name="today", value=0),
    Choice(name="yesterday", value=1),
    Choice(name="2 days ago", value=2),
    Choice(name="3 days ago", value=3),
]


class CheckIns(commands.Cog):
    """Daily check-ins and hour logs."""

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    @app_commands.command(name="checkin", description="Check in: what you did, what's next")
    @app_commands.guild_only()
    @app_commands.describe(
        text="e.g. finished lesson 4 | next: lesson 5 | mood: 4 | hours: 1h learning "
        "(leave empty for the form)",
        edit="Replace today's check-in instead of adding one",
    )
    async def checkin(
        self,
        interaction: discord.Interaction[CohortBot],
        text: app_commands.Range[str, 1, 6000] | None = None,
        edit: bool = False,
    ) -> None:
        # The shared grammar: labelled segments read exactly as on Slack and the console.
        await self.bot.run_command(interaction, lambda: checkin_from_options(text, edit))

    @app_commands.command(name="hours", description="Log focused hours: 90m, 2h, 1h30m or 1.5")
    @app_commands.guild_only()
    @app_commands.describe(
        amount="How long: 90m, 2h, 1h30m or 1.5 (hours)",
        category="What kind of work",
        note="What you did (optional)",
        day="Which day it counts for (default today)",
    )
    # Two decorators, not one: discord.py merges them, and its stub types every keyword
    # of one call with a single choice type (here str and int).
    @app_commands.choices(category=[Choice(name=cat, value=cat) for cat in CATEGORIES])
    @app_commands.choices(day=DAY_CHOICES)
    async def hours(
        self,
        interaction: discord.Interaction[CohortBot],
        amount: app_commands.Range[str, 1, 40],
        category: str,
        note: app_commands.Range[str, 1, 500] | None = None,
        day: int = 0,
    ) -> None:
        await self.bot.run_command(
            interaction, lambda: hours_from_options(amount, category, note, day)
        )

    @app_commands.command(name="hours-undo", description="Take back your last hours entry")
    @app_commands.guild_only()
    async def hours_undo(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, c.UndoHours)

    @app_commands.command(name="hours-log", description="This week's hour entries and totals")
    @app_commands.guild_only()
    async def hours_log(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, c.ShowHourLog)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(CheckIns(bot))
