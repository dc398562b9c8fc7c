"""/cohort (start, join, leave, me, away, forget-me) and the admins' /cohort-admin.

Discord applies ``default_permissions`` to a whole top-level command, never to one
subcommand, so the admin commands are their own group: hidden by default from members
without Manage Server (a server can grant it to a cohort's admin role in Server
Settings → Integrations), and checked again by the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from adapters.discord.bot import IN_A_FORUM
from bot.commands import (
    COHORT_SETTING_KEYS,
    MAX_AWAY_DAYS,
    MAX_SUMMARY_WEEKS_BACK,
    MY_SETTING_KEYS,
    away_from_options,
    forget_me_from_options,
    join_from_options,
    me_from_options,
    settings_from_options,
    start_from_options,
    summary_from_options,
)
from bot.domain import commands as c

if TYPE_CHECKING:
    from adapters.discord.bot import CohortBot

MAX_SUGGESTIONS = 25  # Discord's limit for choices and autocomplete results


def _suggest(options: dict[str, str], current: str) -> list[Choice[str]]:
    word = current.strip().lower()
    hits = [
        Choice(name=f"{label} ({key})"[:100], value=key)
        for key, label in options.items()
        if word in key.lower() or word in label.lower()
    ]
    return hits[:MAX_SUGGESTIONS]


class Cohorts(commands.Cog):
    """Membership and settings for everyone; summaries, exports and settings for admins."""

    cohort = app_commands.Group(
        name="cohort",
        description="Start, join or leave this channel's cohort; your settings",
        guild_only=True,
    )
    admin = app_commands.Group(
        name="cohort-admin",
        description="Cohort admins: summary, export, settings",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: CohortBot) -> None:
        self.bot = bot

    # -- everyone ---------------------------------------------------------------------------

    @cohort.command(name="start", description="Start this channel's cohort; you become its admin")
    @app_commands.describe(name="A name, e.g. Spring ML switchers")
    async def start(
        self,
        interaction: discord.Interaction[CohortBot],
        name: app_commands.Range[str, 1, 80] | None = None,
    ) -> None:
        if await self.bot.in_a_forum(interaction):
            await self.bot.answer_error(interaction, IN_A_FORUM)
            return
        await self.bot.run_command(interaction, lambda: start_from_options(name))

    @cohort.command(name="join", description="Join this channel's cohort")
    @app_commands.describe(
        track="Your background (sets your plan and tips)",
        budget="Hours a week: full-time 40, part-time 15, minimal 5-8",
    )
    async def join(
        self,
        interaction: discord.Interaction[CohortBot],
        track: str | None = None,
        budget: str | None = None,
    ) -> None:
        await self.bot.run_command(interaction, lambda: join_from_options(track, budget))

    @join.autocomplete("track")
    async def track_suggestions(
        self, interaction: discord.Interaction[CohortBot], current: str
    ) -> list[Choice[str]]:
        tracks = self.bot.core.content.tracks
        return _suggest({key: t.name for key, t in tracks.items()}, current)

    @join.autocomplete("budget")
    async def budget_suggestions(
        self, interaction: discord.Interaction[CohortBot], current: str
    ) -> list[Choice[str]]:
        budgets = self.bot.core.content.budgets
        return _suggest({key: b.name for key, b in budgets.items()}, current)

    @cohort.command(name="leave", description="Leave this cohort (your entries are kept)")
    async def leave(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, c.LeaveCohort)

    @cohort.command(name="me", description="See your settings, or change one")
    @app_commands.describe(
        key="The setting to change (leave empty to see them all)",
        value="Its new value, e.g. Europe/Berlin, 18:30, mon-fri, dm, on",
    )
    @app_commands.choices(key=[Choice(name=k, value=k) for k in MY_SETTING_KEYS])
    async def me(
        self,
        interaction: discord.Interaction[CohortBot],
        key: str | None = None,
        value: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        await self.bot.run_command(interaction, lambda: me_from_options(key, value))

    @cohort.command(name="away", description="Take a break: no prompts, streak frozen")
    @app_commands.describe(
        days="Away for this many days from today",
        until="Away until this date (YYYY-MM-DD)",
        off="True: you're back early",
    )
    async def away(
        self,
        interaction: discord.Interaction[CohortBot],
        days: app_commands.Range[int, 1, MAX_AWAY_DAYS] | None = None,
        until: app_commands.Range[str, 8, 20] | None = None,
        off: bool | None = None,
    ) -> None:
        await self.bot.run_command(interaction, lambda: away_from_options(days, until, off))

    @cohort.command(name="forget-me", description="Delete all your data in this cohort")
    @app_commands.describe(confirm="True: delete now (otherwise I show what would go)")
    async def forget_me(
        self, interaction: discord.Interaction[CohortBot], confirm: bool = False
    ) -> None:
        await self.bot.run_command(interaction, lambda: forget_me_from_options(confirm))

    # -- admins -----------------------------------------------------------------------------

    @admin.command(name="summary", description="Cohort progress this week, with a chart")
    @app_commands.describe(weeks_back="0 = this week, 1 = last week, ...")
    async def summary(
        self,
        interaction: discord.Interaction[CohortBot],
        weeks_back: app_commands.Range[int, 0, MAX_SUMMARY_WEEKS_BACK] = 0,
    ) -> None:
        await self.bot.run_command(interaction, lambda: summary_from_options(weeks_back))

    @admin.command(name="export", description="CSV files of the cohort's data")
    async def export(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, c.ExportCohort)

    @admin.command(name="settings", description="Cohort settings: time zone, prompt time, days")
    @app_commands.describe(key="The setting", value="Its new value")
    @app_commands.choices(key=[Choice(name=k, value=k) for k in COHORT_SETTING_KEYS])
    async def settings(
        self,
        interaction: discord.Interaction[CohortBot],
        key: str,
        value: app_commands.Range[str, 1, 200],
    ) -> None:
        await self.bot.run_command(interaction, lambda: settings_from_options(key, value))


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(Cohorts(bot))
