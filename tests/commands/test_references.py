"""Texts name commands by reference (```/sprint goal <text>```), checked against the specs."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.commands import COMMAND_NAMES, UnknownReference, check_references, resolve_reference
from bot.content import default_content_dir, validate_content


def typed(span: str) -> tuple[str, list[tuple[str, str | bool, bool]]]:
    ref = resolve_reference(span)
    return ref.spec.typed_path, [(v.name, v.value, v.optional) for v in ref.values]


@pytest.mark.parametrize(
    ("span", "path", "values"),
    [
        ("/hours", "hours", []),
        ("/hours undo", "hours-undo", []),
        (
            "/hours 6h building yesterday",
            "hours",
            [("amount", "6h", False), ("category", "building", False), ("day", "yesterday", False)],
        ),
        (
            "/hours 90m learning read ch. 3",
            "hours",
            [
                ("amount", "90m", False),
                ("category", "learning", False),
                ("note", "read ch. 3", False),
            ],
        ),
        ("/checkin edit <text>", "checkin", [("text", "<text>", False), ("edit", True, False)]),
        ("/plan set", "plan", [("week", "<1-4>", False), ("goal", "<text>", False)]),
        ("/plan done 3", "plan", [("week", "3", False), ("done", True, False)]),
        ("/sprint goal", "sprint", [("goal", "<text>", False)]),
        ("/cohort start [name]", "cohort start", [("name", "<name>", True)]),
        ("/cohort me away 7 days", "cohort away", [("days", "7", False)]),
        ("/cohort me away off", "cohort away", [("off", True, False)]),
        ("/cohort summary", "cohort-admin summary", []),
        (
            "/cohort settings paused off",
            "cohort-admin settings",
            [("key", "paused", False), ("value", "off", False)],
        ),
        (
            "/cohort settings rest-day YYYY-MM-DD",
            "cohort-admin settings",
            [("key", "rest-day", False), ("value", "YYYY-MM-DD", False)],
        ),
        (
            "/cohort me reminders [inactivity|mix_drift] on|off",
            "cohort me",
            [("key", "reminders", False), ("value", "[inactivity|mix_drift] on|off", False)],
        ),
        (
            "/cohort me budget <full-time|part-time|minimal>",
            "cohort me",
            [("key", "budget", False), ("value", "<full-time|part-time|minimal>", False)],
        ),
        (
            "/cohort join [track] [budget]",
            "cohort join",
            [("track", "<track>", True), ("budget", "<budget>", True)],
        ),
    ],
)
def test_a_reference_names_a_spec_and_the_typed_options_it_fills(span, path, values):
    assert typed(span) == (path, values)


def test_a_value_that_offers_another_keeps_it_apart():
    (key, value) = resolve_reference("/cohort me quiet-hours 22:00-07:00 (or off)").values
    assert (key.name, key.value, key.alternative) == ("key", "quiet-hours", None)
    assert (value.name, value.value, value.alternative) == ("value", "22:00-07:00", "off")


def test_parenthesised_words_that_offer_nothing_stay_in_the_value():
    (_, value) = resolve_reference("/cohort me timezone Europe/Berlin (your city)").values
    assert (value.value, value.alternative) == ("Europe/Berlin (your city)", None)


@pytest.mark.parametrize(
    "span", ["/frobnicate", "/sprint goals", "/cohort frobnicate", "/plan someday", "/progress 3"]
)
def test_a_reference_to_an_unknown_command_or_subcommand_is_refused(span):
    with pytest.raises(UnknownReference):
        resolve_reference(span)
    assert len(check_references(f"Try `{span}` now.")) == 1


def test_text_without_backticks_or_slashes_has_no_references():
    assert check_references("Use /frobnicate, `code` and a/b.") == []


def test_content_validate_refuses_a_reference_to_an_unknown_subcommand(tmp_path: Path):
    broken = tmp_path / "content"
    shutil.copytree(default_content_dir(), broken)
    nudges = broken / "nudges.yaml"
    text = nudges.read_text(encoding="utf-8")
    assert "`/sprint goal`" in text
    nudges.write_text(text.replace("`/sprint goal`", "`/sprint goals`", 1), encoding="utf-8")

    problems = validate_content(broken)
    assert [p.file for p in problems] == ["nudges.yaml"]
    assert "/sprint goals" in str(problems[0]) and "reference" in str(problems[0])
    cli = subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "validate", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert cli.returncode == 1 and "/sprint goals" in cli.stdout


def test_the_shipped_content_references_only_known_commands():
    assert validate_content(default_content_dir()) == []


# ---- no command named outside a reference ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# ``/plan`` not inside backticks, and not part of a path or a word (``a/plan``, ``x/help``).
_BARE = re.compile(r"(?<![\w/`.-])/(?:" + "|".join(COMMAND_NAMES) + r")(?!\w)")
_SPAN = re.compile(r"`[^`\n]*`")
_LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}
# The allow-list: the specs' own syntax. Each Spec's usage and help, and the command list,
# are written once per way of typing (``usage`` and ``typed_usage``, ``HELP_TEXT`` and
# ``TYPED_HELP_TEXT``), so they are already in the platform's syntax and never rendered.
_SPEC_KEYWORDS = {"usage", "typed_usage", "help", "typed_help"}
_SPEC_TEXTS = {"HELP_TEXT", "TYPED_HELP_TEXT", "COMMANDS_SUMMARY", "TYPED_SUMMARY"}


def bare_mentions(text: str) -> list[str]:
    """The ``/command`` mentions in ``text`` that are not inside a backticked reference."""
    return _BARE.findall(_SPAN.sub("", text))


def _skipped(tree: ast.Module) -> set[int]:
    """Ids of the nodes whose strings are not shown to members as command syntax."""
    skip: list[ast.AST] = []
    for node in ast.walk(tree):
        match node:
            case ast.Module(body=[ast.Expr(value=ast.Constant() as doc), *_]):
                skip.append(doc)
            case ast.ClassDef(body=[ast.Expr(value=ast.Constant() as doc), *_]):
                skip.append(doc)
            case ast.FunctionDef(body=[ast.Expr(value=ast.Constant() as doc), *_]):
                skip.append(doc)
            case ast.Call(func=ast.Attribute(attr=level)) if level in _LOG_CALLS:
                skip += node.args  # log.warning("... /cohort ...")
            case ast.Call(func=ast.Name(id="Spec")):
                skip += [k.value for k in node.keywords if k.arg in _SPEC_KEYWORDS]
            case ast.Assign(targets=[ast.Name(id=name)]) if name in _SPEC_TEXTS:
                skip.append(node.value)
    return {id(inner) for node in skip for inner in ast.walk(node)}


def _code_texts() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _skipped(tree)
        inside_fstrings = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if id(node) in skipped or id(node) in inside_fstrings:
                continue
            if isinstance(node, ast.JoinedStr):  # an f-string, its values as {}
                text = "".join(
                    v.value if isinstance(v, ast.Constant) else "{}" for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            yield f"{path.relative_to(ROOT)}:{node.lineno}", text


def _yaml_strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _yaml_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _yaml_strings(value)


def _content_texts() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "content").glob("*.yaml")):
        for text in _yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield str(path.relative_to(ROOT)), text


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Add one with `/sprint goal <text>`.", []),
        ("Usage: `/cohort me reminders [", []),  # a reference built with +
        ("Add one with /sprint goal <text>.", ["/sprint"]),
        ("`/plan` has it; /help hours says more", ["/help"]),
        ("Discord's /hours-undo", ["/hours"]),
        ("see https://example.com/help and a/plan, /planet", []),
    ],
)
def test_a_bare_mention_is_a_command_name_outside_backticks(text, bare):
    assert bare_mentions(text) == bare


def test_the_scan_reads_code_fstrings_and_content():
    texts = dict(_code_texts())
    assert any("in {} yet. Join with `/cohort join [track] [budget]`" in t for t in texts.values())
    assert any("`/sprint goal`" in t for _, t in _content_texts())
    assert not any(t.startswith("Here's what I can do:") for t in texts.values())  # allowed


def test_no_text_in_the_core_or_the_content_names_a_command_outside_a_reference():
    """Discord renders only references: a bare ``/plan set 1 x`` would reach its members in
    Slack's syntax. Name the command in backticks (``cohortbot content validate`` checks it)."""
    bare = [
        f"{where}: {text[:80]!r}"
        for where, text in (*_code_texts(), *_content_texts())
        if bare_mentions(text)
    ]
    assert bare == []
