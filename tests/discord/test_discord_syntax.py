"""Command references reach Discord users in Discord's syntax, never in Slack's.

The core writes ``/checkin edit <text>``, ``/plan set <week> <goal>``, ``/cohort summary``;
on Discord those are ``/checkin text:<text> edit:True``, ``/plan week:<1-4> goal:<text>``,
``/cohort-admin summary``. The scans below fail when the core or the content gains a
command the Discord adapter does not know how to write.
"""

from __future__ import annotations

import ast
import asyncio
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from discord_fake_api import COHORT_CHANNEL_ID, GUILD_ID
from discord_harness import BO, Harness, embed_text, is_ephemeral, run_with_bot

from adapters.discord import render as r
from adapters.discord.ext.cohorts import away_command
from adapters.discord.ext.plans import plan_command, sprint_command
from adapters.discord.platform import DiscordPlatform
from adapters.discord.syntax import (
    BARE_PHRASES,
    DISCORD_HELP,
    DISCORD_HELP_TOPICS,
    DISCORD_SUMMARY,
    DISCORD_USAGE,
    PHRASES,
    discord_text,
)
from bot.commands import HELP_TOPICS, USAGE, help_text, parse_command
from bot.domain.errors import UsageError, UserError
from bot.messages import Field, Message
from bot.ports import Destination
from bot.text import fill

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
CONTENT = ROOT / "content"
BACKTICKED = re.compile(r"`(/[a-z][^`]*)`")

# Forms that exist only in the shared (Slack and console) grammar: on Discord each is an
# option (``edit:True``, ``goal:<text>``, ``key:<key>``), another command (``/hours-undo``,
# ``/cohort away``) or under ``/cohort-admin``.
SLACK_ONLY = re.compile(
    r"/cohort (?:summary|settings|export)\b"
    r"|/hours undo\b"
    r"|/checkin (?:edit|yesterday|today|[0-9<])"
    r"|/plan (?:set|done|undo|project)\b(?!:)"
    r"|/sprint (?:goal|done)\b(?!:)"
    r"|/cohort me away\b"
    r"|/cohort me (?!\[?key:)[a-z<\[]"
    r"|/cohort start (?!\[?name:)[a-z<\[]"
    r"|/cohort join (?!\[?(?:track|budget):)[a-z<\[]"
    r"|/cohort forget-me confirm\b(?!:)"
    r"|/help (?!\[?topic:)[a-z<\[]"
    r"|/hours [0-9<\[]"
)


def slack_only(text: str) -> list[str]:
    return [m.group(0) for m in SLACK_ONLY.finditer(text)]


def core_files() -> list[Path]:
    return sorted(BOT.rglob("*.py")) + sorted(p for p in CONTENT.rglob("*") if p.is_file())


def yaml_strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in yaml_strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in yaml_strings(value)]
    return []


def string_constants(path: Path) -> list[tuple[int, str]]:
    """Every string literal in a module (f-string pieces too), docstrings left out."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def all_discord_texts() -> dict[str, str]:
    texts = {f"PHRASES[{k!r}]": v for k, v in PHRASES.items()}
    texts.update({f"BARE_PHRASES[{k!r}]": v for k, v in BARE_PHRASES.items()})
    texts.update({f"DISCORD_USAGE[{k!r}]": v for k, v in DISCORD_USAGE.items()})
    texts.update({f"DISCORD_HELP_TOPICS[{k!r}]": v for k, v in DISCORD_HELP_TOPICS.items()})
    texts["DISCORD_HELP"] = DISCORD_HELP
    texts["DISCORD_SUMMARY"] = DISCORD_SUMMARY
    for topic in (None, *HELP_TOPICS):
        texts[f"help_text({topic!r}) on Discord"] = discord_text(help_text(topic))
    return texts


# -- the tables are complete ----------------------------------------------------------------


def test_every_backticked_command_in_the_core_and_the_content_has_a_discord_form():
    missing = sorted(
        f"{path.relative_to(ROOT)}: `{span}`"
        for path in core_files()
        for span in BACKTICKED.findall(path.read_text(errors="replace"))
        if span not in PHRASES
    )
    assert missing == [], (
        "add these to PHRASES in adapters/discord/syntax.py, in Discord's syntax:\n"
        + "\n".join(missing)
    )


def test_the_scan_finds_the_commands_it_must_know():
    found = {span for path in core_files() for span in BACKTICKED.findall(path.read_text())}
    assert {"/checkin edit <text>", "/plan set <week> <goal>", "/cohort summary"} <= found


def test_every_usage_line_and_help_topic_has_a_discord_version():
    assert sorted(DISCORD_USAGE) == sorted(USAGE)
    assert sorted(DISCORD_HELP_TOPICS) == sorted(HELP_TOPICS)


def test_no_discord_text_uses_a_slack_only_form():
    bad = {name: slack_only(text) for name, text in all_discord_texts().items()}
    assert {name: forms for name, forms in bad.items() if forms} == {}


def test_the_slack_only_check_catches_the_shared_grammar():
    for text in (
        "/cohort summary",
        "/cohort settings <key> <value>",
        "/cohort export",
        "/hours undo",
        "/checkin edit <text>",
        "/plan set 1 <goal>",
        "/plan done 2",
        "/cohort me away 5 days",
        "/cohort me timezone Europe/Berlin",
        "/sprint goal <text>",
        "/help hours",
        "/hours 90m learning",
    ):
        assert slack_only(text), text
    for text in (
        "/cohort-admin summary",
        "/checkin text:<text> edit:True",
        "/hours-undo",
        "/plan week:1 goal:<text>",
        "/sprint goal:<text>",
        "/cohort me",
        "/cohort me key:track value:<id>",
        "/cohort away days:5",
        "/help topic:hours",
    ):
        assert not slack_only(text), text


def test_core_text_outside_the_grammar_comes_out_in_discord_syntax():
    bad = [
        f"{path.relative_to(ROOT)}:{line}: {discord_text(value)!r}"
        for path in sorted(BOT.rglob("*.py"))
        if path.name != "grammar.py"  # its usage lines and help texts are checked whole
        for line, value in string_constants(path)
        if slack_only(discord_text(value))
    ]
    assert bad == [], "\n".join(bad)


def test_content_texts_come_out_in_discord_syntax():
    bad = []
    for path in sorted(CONTENT.glob("*.yaml")):
        for text in yaml_strings(yaml.safe_load(path.read_text())):
            filled = fill(text, {"week": 2, "name": "Ada", "hours": 3, "target": 15})
            if slack_only(discord_text(filled)):
                bad.append(f"{path.name}: {discord_text(filled)!r}")
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize(
    "text",
    [
        "edit finished lesson 4 | hours: 1h learning",
        "| next: lesson 5",
        "edit did it | mood: 9",
        "did it | hours: 99h learning",
        "did it | hours: 1h dancing",
        "did it | next: a | next: b",
        "2026-02-30: did it",
    ],
)
def test_checkin_grammar_errors_come_out_in_discord_syntax(text):
    # /checkin text:... is read by the shared grammar, so its errors reach Discord users.
    with pytest.raises(UsageError) as info:
        parse_command("checkin", text)
    shown = "\n".join(r.render_error(str(info.value)))
    assert "Usage: /checkin [text:<...>]" in shown
    assert slack_only(shown) == []


def test_the_adapters_own_usage_lines_are_in_discord_syntax():
    errors: list[UserError] = []
    for call in (
        lambda: away_command(None, None, None),
        lambda: plan_command(1, " ", None),
        lambda: plan_command(None, "a goal", None),
        lambda: sprint_command(" ", None),
        lambda: sprint_command("a goal", 2),
    ):
        with pytest.raises(UserError) as info:
            call()
        errors.append(info.value)
    assert [e.usage for e in errors] == [
        DISCORD_USAGE["cohort me away"],
        DISCORD_USAGE["plan set"],
        DISCORD_USAGE["plan"],
        DISCORD_USAGE["sprint goal"],
        DISCORD_USAGE["sprint"],
    ]
    assert all(slack_only(str(e)) == [] for e in errors)


# -- discord_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("core", "discord"),
    [
        (
            "You've already checked in for today. To change it: `/checkin edit <text>`.",
            "You've already checked in for today. To change it: `/checkin text:<text> edit:True`.",
        ),
        (
            "Set a goal: `/plan set <week> <goal>` · mark it: `/plan done <week>` · "
            "a project shipped: `/plan project <1-3>`",
            "Set a goal: `/plan week:<1-4> goal:<text>` · mark it: `/plan week:<1-4> done:True` · "
            "a project shipped: `/plan project:<1-3>`",
        ),
        (
            "Bad.\nUsage: " + USAGE["cohort summary"],
            "Bad.\nUsage: " + DISCORD_USAGE["cohort summary"],
        ),
        ("Or type `/cohort forget-me confirm`.", "Or type `/cohort forget-me confirm:True`."),
        (
            "If so, mark it with /plan done 3. If not",
            "If so, mark it with /plan week:3 done:True. If not",
        ),
        (
            "If you need a break, /cohort me away 7 days pauses the prompts",
            "If you need a break, /cohort away days:7 pauses the prompts",
        ),
        ("Try `/frobnicate now` or `/checkin`.", "Try `/frobnicate now` or `/checkin`."),
        ("no commands here, a/b and `code`", "no commands here, a/b and `code`"),
        ("", ""),
    ],
)
def test_discord_text_rewrites_known_commands_and_keeps_the_rest(core, discord):
    assert discord_text(core) == discord
    assert discord_text(discord) == discord  # already Discord's: nothing more changes


def test_discord_texts_stay_as_they_are():
    for name, text in all_discord_texts().items():
        assert discord_text(text) == text, name


def test_help_texts_are_replaced_whole():
    assert discord_text(help_text()) == DISCORD_HELP
    assert discord_text(help_text("hours")) == "\n".join(
        [DISCORD_USAGE["hours"], DISCORD_USAGE["hours undo"], DISCORD_HELP_TOPICS["hours"]]
    )
    for topic in HELP_TOPICS:
        assert discord_text(help_text(topic)).endswith(DISCORD_HELP_TOPICS[topic])


def test_render_rewrites_text_blocks_and_errors_but_not_what_members_wrote():
    message = Message(
        "To change it: `/checkin edit <text>`.",
        title="Your settings",
        blocks=("Or type `/cohort forget-me confirm`.",),
        fields=(Field("Did", "`/cohort me away off` works now, and /plan done 3"),),
    )
    embed = r.render(message).embeds[0]
    assert embed.description == (
        "To change it: `/checkin text:<text> edit:True`.\n\n"
        "Or type `/cohort forget-me confirm:True`."
    )
    assert embed.fields[0].value == "`/cohort me away off` works now, and /plan done 3"
    error = str(UsageError("Which week?", USAGE["plan set"]))
    assert r.render_error(error) == ["Which week?\nUsage: " + DISCORD_USAGE["plan set"]]


# -- end to end: a real discord.py client against the fake Discord ---------------------------


def test_help_on_discord_names_the_discord_commands(app):
    async def scenario(h: Harness) -> None:
        text = embed_text(await h.slash("help"))
        assert "/cohort-admin summary" in text and "/hours-undo" in text
        assert "/cohort summary" not in text and "/plan set" not in text
        assert slack_only(text) == []
        cohort = embed_text(await h.slash("help", topic="cohort"))
        assert "/cohort-admin settings key:<key> value:<value>" in cohort
        assert "/cohort away days:<N>" in cohort
        assert slack_only(cohort) == []
        for topic in HELP_TOPICS:
            assert slack_only(embed_text(await h.slash("help", topic=topic))) == [], topic

    run_with_bot(app, scenario)


def test_a_second_checkin_answers_with_the_discord_edit_syntax(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first draft")
        twice = await h.slash("checkin", text="again")
        assert is_ephemeral(twice)
        text = embed_text(twice)
        assert "already checked in" in text
        assert "`/checkin text:<text> edit:True`" in text
        assert "Usage: " + DISCORD_USAGE["checkin"] in text
        assert "/checkin edit" not in text and slack_only(text) == []

    run_with_bot(app, scenario)


def test_option_errors_and_core_answers_use_discord_syntax(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        away = embed_text(await h.slash("cohort", "away"))
        assert "Usage: /cohort away days:<N>" in away and "/cohort me away" not in away
        negative = embed_text(await h.slash("hours", amount="-1h", category="learning"))
        assert "use /hours-undo." in negative and "/hours undo" not in negative
        joined = embed_text(await h.slash("cohort", "join"))
        assert "`/plan week:1 goal:<text>`" in joined and slack_only(joined) == []
        plan = embed_text(await h.slash("plan"))
        assert "`/plan week:<1-4> goal:<text>`" in plan and slack_only(plan) == []
        left = embed_text(await h.slash("cohort", "leave"))
        assert "`/cohort join`" in left and "`/cohort forget-me`" in left

    run_with_bot(app, scenario)


def test_scheduled_messages_are_delivered_in_discord_syntax(app):
    nudge = next(n for n in app.core.content.nudges if "/cohort me away 7 days" in n.text)
    message = Message(fill(nudge.text, {"name": "Bo"}), title="We miss you")

    async def scenario(h: Harness) -> None:
        h.fake.add_user(BO.user_payload())
        platform = DiscordPlatform(h.bot, timeout=10)
        destination = Destination("discord", GUILD_ID, COHORT_CHANNEL_ID, user_id=BO.user_id)
        await asyncio.to_thread(platform.send, destination, message)
        [post] = h.channel_posts("9" + BO.user_id[1:])
        text = embed_text(post)
        assert "/cohort away days:7" in text and "/cohort me away" not in text

    run_with_bot(app, scenario)


def test_discord_text_is_cheap():
    card = "Ada checked in: finished lesson 4, read two papers and fixed the data loader. " * 20
    started = time.perf_counter()
    for _ in range(2000):
        discord_text(card)
        discord_text(card + " /cohort summary `/cohort summary`")
    per_call = (time.perf_counter() - started) / 4000
    assert per_call < 0.001, per_call
