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

from adapters.discord.syntax import DISCORD_USAGE
from bot.commands import (
    COHORT_SETTING_KEYS,
    MAX_AWAY_DAYS,
    MAX_COHORT_NAME_CHARS,
    MAX_SUMMARY_WEEKS_BACK,
    MAX_VALUE_CHARS,
    MY_SETTING_KEYS,
)
from bot.domain import commands as c
from bot.domain.amounts import parse_date
from bot.domain.errors import UsageError

if TYPE_CHECKING:
    from adapters.discord.bot import CohortBot

MAX_SUGGESTIONS = 25  # Discord's limit for choices and autocomplete results


def _key(key: str, keys: tuple[str, ...], usage: str) -> str:
    # Discord offers only these as choices; a forged payload may carry anything.
    if key not in keys:
        raise UsageError(f"Unknown setting '{key[:40]}'. Settings: {', '.join(keys)}.", usage)
    return key


def _value(value: str | None, key: str, usage: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UsageError(f"What should {key} be? Add value:<...>.", usage)
    if len(text) > MAX_VALUE_CHARS:
        raise UsageError(f"A value can be at most {MAX_VALUE_CHARS} characters.", usage)
    return text


def _name(name: str | None) -> str | None:
    text = (name or "").strip()
    if len(text) > MAX_COHORT_NAME_CHARS:
        raise UsageError(
            f"A cohort name can be at most {MAX_COHORT_NAME_CHARS} characters.",
            DISCORD_USAGE["cohort start"],
        )
    return text or None


def _id(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    if len(text) > MAX_VALUE_CHARS:
        raise UsageError("That id is too long.", DISCORD_USAGE["cohort join"])
    return text or None


def away_command(days: int | None, until: str | None, off: bool | None) -> c.SetAway:
    usage = DISCORD_USAGE["cohort me away"]
    given = [x for x in (days, until, off) if x is not None]
    if len(given) != 1:
        raise UsageError("Give one of days, until or off.", usage)
    if off is not None:
        if not off:
            raise UsageError("off:True ends your break early.", usage)
        return c.SetAway()
    if until is not None:
        return c.SetAway(until=parse_date(until[:20], usage=usage).isoformat())
    assert days is not None
    return c.SetAway(days=days)


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
        await self.bot.run_command(interaction, lambda: c.StartCohort(name=_name(name)))

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
        await self.bot.run_command(
            interaction, lambda: c.JoinCohort(track=_id(track), budget=_id(budget))
        )

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
        def build() -> c.Command:
            if key is None:
                if value is not None:
                    raise UsageError("Which setting? Pick a key.", DISCORD_USAGE["cohort me"])
                return c.ShowMySettings()
            usage = DISCORD_USAGE["cohort me"]
            return c.ChangeMySetting(
                key=_key(key, MY_SETTING_KEYS, usage), value=_value(value, key, usage)
            )

        await self.bot.run_command(interaction, build)

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
        await self.bot.run_command(interaction, lambda: away_command(days, until, off))

    @cohort.command(name="forget-me", description="Delete all your data in this cohort")
    @app_commands.describe(confirm="True: delete now (otherwise I show what would go)")
    async def forget_me(
        self, interaction: discord.Interaction[CohortBot], confirm: bool = False
    ) -> None:
        await self.bot.run_command(interaction, lambda: c.ForgetMe(confirm=confirm))

    # -- admins -----------------------------------------------------------------------------

    @admin.command(name="summary", description="Cohort progress this week, with a chart")
    @app_commands.describe(weeks_back="0 = this week, 1 = last week, ...")
    async def summary(
        self,
        interaction: discord.Interaction[CohortBot],
        weeks_back: app_commands.Range[int, 0, MAX_SUMMARY_WEEKS_BACK] = 0,
    ) -> None:
        await self.bot.run_command(
            interaction, lambda: c.ShowSummary(weeks_back=weeks_back), slow=True
        )

    @admin.command(name="export", description="CSV files of the cohort's data")
    async def export(self, interaction: discord.Interaction[CohortBot]) -> None:
        await self.bot.run_command(interaction, c.ExportCohort, slow=True)

    @admin.command(name="settings", description="Cohort settings: time zone, prompt time, days")
    @app_commands.describe(key="The setting", value="Its new value")
    @app_commands.choices(key=[Choice(name=k, value=k) for k in COHORT_SETTING_KEYS])
    async def settings(
        self,
        interaction: discord.Interaction[CohortBot],
        key: str,
        value: app_commands.Range[str, 1, 200],
    ) -> None:
        def build() -> c.Command:
            usage = DISCORD_USAGE["cohort settings"]
            return c.ChangeCohortSetting(
                key=_key(key, COHORT_SETTING_KEYS, usage), value=_value(value, key, usage)
            )

        await self.bot.run_command(interaction, build)


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(Cohorts(bot))
