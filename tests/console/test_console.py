"""The console adapter in-process: a script through ``run``, the form on a terminal, files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.console.render import ConsolePlatform, one_line, render
from adapters.console.repl import ConsoleSession, run, slug
from bot.messages import Attachment, Field, Message
from bot.ports import Destination
from bot.storage.orm import CheckInRow, Cohort, HourLog
from bot.usecases import APOLOGY
from tests.support.db import count


def script(app, text: str, **kw) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    code = run(
        app.core, user="Ana Lima", cohort="Spring ML", stdin=io.StringIO(text), stdout=out, **kw
    )
    return code, out.getvalue()


def test_a_piped_script_runs_line_by_line(app) -> None:
    code, out = script(app, "# a comment\n\n/cohort start Spring\n/checkin hello\n/progress\n")
    assert code == 0
    assert "> /cohort start Spring" in out and "Cohort started" in out
    assert "[posted in #spring-ml]" in out
    with app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        assert (cohort.platform, cohort.workspace_id, cohort.channel_id) == (
            "console",
            "local",
            "spring-ml",
        )
        assert s.scalars(select(CheckInRow.did)).all() == ["hello"]


def test_one_failing_line_makes_the_exit_code_1_but_the_rest_still_runs(app) -> None:
    code, out = script(app, "/cohort start S\n/hours 0m building\n/checkin still runs\n")
    assert code == 1
    assert "⚠" in out
    assert "Checked in for today" in out


def test_a_bare_checkin_in_a_pipe_explains_the_form_is_unavailable(app) -> None:
    code, out = script(app, "/cohort start S\n/checkin\n")
    assert code == 0
    assert "no form in a pipe" in out


def test_the_form_asks_its_questions_on_a_terminal(app, monkeypatch) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.core, "Ana", "c", out)
    assert session.run_line("/cohort start C")
    answers = iter(["read chapter 2", "chapter 3", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert session.run_line("/checkin", ask=True)
    with app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.blockers) == ("read chapter 2", "chapter 3", None)
    # Editing prefills: an empty answer keeps what was there.
    answers = iter(["read chapter 2 and 3", "", "none"])
    assert session.run_line("/checkin edit", ask=True)
    with app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.blockers) == ("read chapter 2 and 3", "chapter 3", "none")


def test_an_edit_clears_what_is_given_empty_and_the_form_keeps_the_mood(app, monkeypatch) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.core, "Ana", "c", out)
    session.run_line("/cohort start C")
    session.run_line("/checkin draft | next: lesson 5 | blockers: GPU quota | mood: 3")
    assert session.run_line("/checkin edit watched lessons 1 and 2 | blockers:")
    with app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.next, row.blockers, row.mood) == ("lesson 5", None, 3)
    # The console's form does not ask the mood: an edit through it keeps the mood.
    answers = iter(["final words", "-", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert session.run_line("/checkin edit", ask=True)
    with app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.blockers, row.mood) == ("final words", None, None, 3)


def test_undo_takes_back_milestones_and_undoing_nothing_says_so(app) -> None:
    code, out = script(
        app,
        "/cohort start Spring\n/cohort join\n/plan undo 3\n/plan done 1\n/plan undo 1\n"
        "/plan project 2 undo\n/progress\n",
    )
    assert code == 0
    assert "Week 3 isn't marked done, so there's nothing to undo." in out
    assert "Week 1 is open again. Taken back: Plan week 1 done." in out
    assert "isn't marked shipped" in out
    assert "Milestones reached: 0" in out


def test_an_empty_form_saves_nothing(app, monkeypatch) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.core, "Ana", "c", out)
    session.run_line("/cohort start C")
    monkeypatch.setattr("builtins.input", lambda prompt="": "")
    assert session.run_line("/checkin", ask=True)
    assert "Nothing saved." in out.getvalue()


def test_summary_charts_and_exports_are_saved_as_files(app, tmp_path: Path) -> None:
    code, out = script(
        app, "/cohort start S\n/checkin hi\n/cohort summary\n/cohort export\n", files_dir=tmp_path
    )
    assert code == 0, out
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert "checkins.csv" in saved and "hours.csv" in saved
    assert any(name.endswith(".png") for name in saved)
    assert f"(saved {tmp_path}" in out


def test_a_bug_is_answered_politely_and_the_session_goes_on(app, faults, caplog) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.core, "Ana", "c", out)
    faults.refuse_inserts("cohort_admins")  # the database fails in a way the bot cannot expect
    assert session.run_line("/cohort start Broken") is False
    assert f"⚠ {APOLOGY}" in out.getvalue()
    assert "injected fault" not in out.getvalue()
    assert "StartCohort failed on console" in caplog.text
    faults.clear()
    assert session.run_line("/cohort start Working") is True
    assert "Working is open" in out.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Spring ML 2026!", "spring-ml-2026"), ("***", "cohort"), ("Ana Lima", "ana-lima")],
)
def test_slugs(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_the_console_platform_prints_and_saves(tmp_path: Path) -> None:
    out = io.StringIO()
    platform = ConsolePlatform(out, files_dir=tmp_path, names={"u1": "Ana"})
    message = Message(
        "Body",
        title="Title",
        fields=(Field("A", "1"),),
        image=Attachment("c.png", b"\x89PNG...", "image/png"),
    )
    first = platform.send(Destination("console", "w", "chan", "u1"), message)
    second = platform.send(Destination("console", "w", "chan"), Message("hi"), key="k1")
    assert first != second
    printed = out.getvalue()
    assert "[bot → DM to Ana]" in printed and "[bot → #chan]" in printed
    assert (tmp_path / "c.png").read_bytes() == b"\x89PNG..."
    assert platform.find_sent(Destination("console", "w", "chan"), "k1") == second
    assert render(message, indent="") == "*Title*\nBody\nA: 1\n(chart: c.png)"
    assert one_line(Message("x" * 200), width=20).endswith("…")


def test_a_quarter_hour_is_answered_in_minutes(app) -> None:
    code, out = script(app, "/cohort start S\n/hours 0.25 b\n")
    assert code == 0
    assert "Logged 15 min of building for today." in out and "0.2 h" not in out


def test_tomorrow_is_answered_not_yet_and_nothing_is_written(app) -> None:
    code, out = script(app, "/cohort start S\n/hours 1h learning tomorrow\n/checkin tomorrow: x\n")
    assert code == 1
    assert out.count("Not yet: tomorrow hasn't come where you are") == 2
    assert count(app, HourLog) == 0 and count(app, CheckInRow) == 0


def test_a_minimal_budget_plan_starts_by_building(app) -> None:
    code, out = script(app, "/cohort start S\n/cohort join other minimal\n/plan\n/checkin hi\n")
    assert code == 0
    assert "Pick one small project" in out and "course" not in out
