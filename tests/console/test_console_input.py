"""What the console accepts: who you are, your zone, the form's questions, piped check-ins."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.console.repl import ConsoleSession, run
from bot.storage.orm import CheckInRow, Member
from tests.support.cli import cohortbot, one_line_error


def test_an_unknown_timezone_is_an_error_not_utc(tmp_path: Path) -> None:
    result = cohortbot("console", "--timezone", "Mars/X", cwd=tmp_path, stdin="/cohort start T\n")
    line = one_line_error(result)
    assert "--timezone" in line and "Mars/X" in line
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_user_name_is_refused(tmp_path: Path, name: str) -> None:
    line = one_line_error(cohortbot("console", "--user", name, cwd=tmp_path, stdin="/help\n"))
    assert "--user" in line
    assert not (tmp_path / "x.db").exists()


def test_a_non_ascii_name_gets_a_stable_id_that_keeps_its_letters(tmp_path: Path) -> None:
    for line in ("/cohort start T", "/checkin first day"):
        result = cohortbot(
            "console", "--user", "Élif 🚀", "--cohort", "t", cwd=tmp_path, stdin=line
        )
        assert result.returncode == 0, result.stdout + result.stderr
    exported = cohortbot("export-member", "t", "élif", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert "first day" in json.dumps(data, ensure_ascii=False)
    assert "Élif 🚀" in json.dumps(data, ensure_ascii=False)


def test_names_of_symbols_only_still_get_distinct_ids(app) -> None:
    ids = {ConsoleSession(app.core, n, "c", io.StringIO()).actor.user_id for n in ("🚀", "🌱")}
    assert len(ids) == 2 and all(ids)


def test_the_form_stops_asking_after_an_empty_did(app, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.core, "Ana", "c", out)
    assert session.run_line("/cohort start C")
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or "")
    assert session.run_line("/checkin", ask=True)
    assert len(asked) == 1
    assert "Nothing saved." in out.getvalue()


def test_a_piped_check_in_may_continue_on_labelled_lines(app) -> None:
    script = (
        "/cohort start S\n"
        "/checkin finished lesson 4\n"
        "next: lesson 5\n"
        "blockers: the GPU quota\n"
        "  still waiting on support\n"
        "/progress\n"
    )
    out = io.StringIO()
    code = run(app.core, user="Ana", cohort="S", stdin=io.StringIO(script), stdout=out)
    assert code == 0, out.getvalue()
    assert "Unknown command" not in out.getvalue()
    assert "> /progress" in out.getvalue()
    with app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next) == ("finished lesson 4", "lesson 5")
        assert row.blockers == "the GPU quota\n  still waiting on support"
        assert s.scalars(select(Member.user_id)).all() == ["ana"]
