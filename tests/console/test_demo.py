"""``cohortbot demo`` as people run it: where it writes, what it summarises, what it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.cli import cohortbot, one_line_error


def test_the_demo_refuses_a_folder_holding_files_it_did_not_write(tmp_path: Path) -> None:
    notes = tmp_path / "out" / "important" / "notes.txt"
    notes.parent.mkdir(parents=True)
    notes.write_text("notes\n")
    line = one_line_error(cohortbot("demo", "--out", "out", "--days", "1", cwd=tmp_path))
    assert "did not write" in line and "important" in line
    assert notes.read_text() == "notes\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["important"]


def test_the_demo_never_wipes_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "thesis.tex").write_text("years of work\n")
    one_line_error(cohortbot("demo", "--out", ".", "--days", "1", cwd=tmp_path))
    assert (tmp_path / "thesis.tex").read_text() == "years of work\n"
    assert not (tmp_path / "demo.db").exists()


def test_the_demo_runs_again_in_its_own_folder(tmp_path: Path) -> None:
    for _ in range(2):
        result = cohortbot("demo", "--out", "out", "--days", "1", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cohort-2026-W10.png",
        "demo.db",
    ]


@pytest.mark.parametrize("days", ["1", "3"])
def test_a_short_demo_summarises_the_cohorts_first_week_and_writes_the_chart_it_names(
    tmp_path: Path, days: str
) -> None:
    result = cohortbot("demo", "--out", "out", "--days", days, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "week 2026-W10" in result.stdout and "Members: 12" in result.stdout
    named = re.findall(r"\(chart: (\S+)\)", result.stdout)
    assert named == ["cohort-2026-W10.png"]
    assert (tmp_path / "out" / named[0]).read_bytes().startswith(b"\x89PNG")
    assert f"Chart: out/{named[0]}" in result.stdout
    span = "1 day " if days == "1" else f"{days} days "
    assert f"delivered over {span}" in result.stdout


@pytest.mark.parametrize("days", ["-5", "0"])
def test_the_demo_refuses_fewer_than_one_day(tmp_path: Path, days: str) -> None:
    line = one_line_error(cohortbot("demo", "--out", "out", "--days", days, cwd=tmp_path))
    assert "--days" in line and days in line
    assert not (tmp_path / "out").exists()
