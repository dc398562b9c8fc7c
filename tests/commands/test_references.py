"""Texts name commands by reference (```/sprint goal <text>```), checked against the specs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import UnknownReference, check_references, resolve_reference
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
