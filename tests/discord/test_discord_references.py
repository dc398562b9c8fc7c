"""Every command reference in the core's texts and the content reaches Discord members as a
Discord command that exists, with options it has; usage lines as the typed usage."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from discord import app_commands

from adapters.discord import render as r
from adapters.discord.ext.checkins import CheckIns
from adapters.discord.ext.cohorts import Cohorts
from adapters.discord.ext.plans import Plans
from adapters.discord.syntax import discord_command, discord_text
from bot.commands import SPECS, USAGE, help_text, references, resolve_reference
from bot.domain.errors import UsageError
from bot.messages import Field, Message

ROOT = Path(__file__).resolve().parents[2]


def _walk(commands: Any) -> Iterator[tuple[str, set[str]]]:
    for command in commands:
        if isinstance(command, app_commands.Group):
            yield from _walk(command.commands)
        else:
            yield command.qualified_name, {p.name for p in command.parameters}


TREE = dict(item for cog in (CheckIns, Plans, Cohorts) for item in _walk(cog.__cog_app_commands__))


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _constants(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def all_references() -> list[str]:
    texts = [
        s
        for p in sorted((ROOT / "content").glob("*.yaml"))
        for s in _strings(yaml.safe_load(p.read_text()))
    ]
    texts += [s for p in sorted((ROOT / "bot").rglob("*.py")) for s in _constants(p)]
    return sorted({span for text in texts for span in references(text)})


def test_the_scan_finds_the_references_it_must_know():
    assert {"/checkin edit <text>", "/plan set <week> <goal>", "/sprint goal"} <= set(
        all_references()
    )


@pytest.mark.parametrize("span", all_references())
def test_every_reference_renders_to_an_existing_discord_command(span):
    ref = resolve_reference(span)
    assert ref.spec.typed_path in TREE, discord_command(ref)
    assert {v.name for v in ref.values} <= TREE[ref.spec.typed_path], discord_command(ref)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.path != "cohort"], ids=lambda s: s.path)
def test_every_spec_names_a_discord_command_and_its_options(spec):
    assert spec.typed_path in TREE
    assert {o.name for o in spec.options} | {n for n, _ in spec.flags} <= TREE[spec.typed_path]


@pytest.mark.parametrize(
    ("core", "discord"),
    [
        (
            "To change it: `/checkin edit <text>`.",
            "To change it: `/checkin text:<text> edit:True`.",
        ),
        ("Mark it with `/plan done 3`.", "Mark it with `/plan week:3 done:True`."),
        ("`/cohort me away 7 days` pauses", "`/cohort away days:7` pauses"),
        ("Try `/frobnicate now` or `/checkin`.", "Try `/frobnicate now` or `/checkin`."),
        (
            "no commands here, a/b, /plan done 3 and `code`",
            "no commands here, a/b, /plan done 3 and `code`",
        ),
        ("", ""),
    ],
)
def test_discord_text_renders_references_and_leaves_the_rest(core, discord):
    assert discord_text(core) == discord


def test_an_errors_usage_line_becomes_the_typed_usage():
    shown = r.render_error(str(UsageError("Which week?", USAGE["plan set"])))
    assert shown == [
        "Which week?\nUsage: /plan week:<1-4> goal:<text>  "
        "e.g. /plan week:1 goal:finish fast.ai lesson 1-3"
    ]


@pytest.mark.parametrize(
    ("usage", "typed"),
    [
        (
            "`/cohort me quiet-hours 22:00-07:00 (or off)`",
            "`/cohort me key:quiet-hours value:22:00-07:00 (or value:off)`",
        ),
        (
            "`/cohort settings rest-day YYYY-MM-DD`",
            "`/cohort-admin settings key:rest-day value:YYYY-MM-DD`",
        ),
        (
            "`/cohort me reminders [inactivity|mix_drift] on|off`",
            "`/cohort me key:reminders value:[inactivity|mix_drift] on|off`",
        ),
    ],
)
def test_a_usage_line_that_is_a_reference_is_rendered_from_the_spec(usage, typed):
    assert r.render_error(str(UsageError("Not a date.", usage))) == [f"Not a date.\nUsage: {typed}"]


@pytest.mark.parametrize("asked", ["", "hours", "amounts", "cohort"])
def test_a_help_reply_shows_the_typed_help_from_the_specs(world, asked):
    reply = world.say("Ana", f"/help {asked}".strip()).message
    assert reply.help is not None and reply.text == help_text(asked or None)
    description = r.render(reply).embeds[0].description or ""
    # The typed help from the specs, then what the content adds (the tracks and budgets).
    assert description.startswith(help_text(asked or None, typed=True))
    assert all(block in description for block in reply.blocks)
    assert ("Tracks: software_engineer" in description) == (asked == "cohort")


def test_a_text_that_merely_equals_the_help_is_not_swapped_for_it():
    assert r.render(Message(help_text("hours"))).embeds[0].description == help_text("hours")


def test_render_rewrites_text_and_blocks_but_not_what_members_wrote():
    message = Message(
        "To change it: `/checkin edit <text>`.",
        blocks=("Or type `/cohort forget-me confirm`.",),
        fields=(Field("Did", "`/cohort me away off` works now"),),
    )
    embed = r.render(message).embeds[0]
    assert embed.description == (
        "To change it: `/checkin text:<text> edit:True`.\n\n"
        "Or type `/cohort forget-me confirm:True`."
    )
    assert embed.fields[0].value == "`/cohort me away off` works now"
