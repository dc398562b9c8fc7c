"""Exports: four streamed CSV files with stable columns, formula-safe cells, date ranges,
and a member's own data as JSON (private words included: they are theirs)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.read import export
from bot.read.export import EXPORT_COLUMNS, cell, neutralise
from bot.storage.orm import Cohort
from tests.support.cli import cohortbot, one_line_error
from tests.support.world import MONDAY


def read_dir(folder: Path) -> dict[str, list[list[str]]]:
    out = {}
    for name in EXPORT_COLUMNS:
        with (folder / name).open(encoding="utf-8", newline="") as f:
            out[name] = list(csv.reader(f))
    return out


def as_dicts(rows: list[list[str]], name: str) -> list[dict[str, str]]:
    assert rows[0] == EXPORT_COLUMNS[name]
    return [dict(zip(EXPORT_COLUMNS[name], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 call me", "'+1 call me"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rcarriage", "'\rcarriage"),
        ("fixed =SUM(A1) later", "fixed =SUM(A1) later"),
        ("plain words", "plain words"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_a_quote(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_cells_are_typed_predictably() -> None:
    assert cell(None) == ""
    assert cell(True) == "yes" and cell(False) == "no"
    assert cell(90) == 90  # numbers stay numbers: -5 minutes cannot happen, moods are 1-5
    assert cell(date(2026, 11, 30)) == "2026-11-30"
    assert cell(datetime(2026, 11, 30, 11, 0, tzinfo=UTC)) == "2026-11-30T11:00:00Z"


def _cohort_with_hostile_text(world: Any, clock: Any) -> None:
    clock.set(MONDAY - timedelta(days=7))
    world.say("Org", "/cohort start Export")
    world.say("=cmd|' /C calc'!A0", "/cohort join")
    world.say("=cmd|' /C calc'!A0", "/checkin @SUM(1+1) | next: -2+3 | blockers: +1 help")
    world.say("=cmd|' /C calc'!A0", '/hours 90m building =HYPERLINK("http://evil")')
    world.say("=cmd|' /C calc'!A0", "/plan set 1 =1+1")
    world.say("Ana", "/cohort join")
    clock.set(MONDAY)
    world.say("Ana", "/checkin this week | hours: 1h learning")
    world.say("Ana", "/hours 2h networking yesterday coffee chats")


def test_a_hostile_cohort_exports_inert_cells(world, clock, tmp_path: Path) -> None:
    _cohort_with_hostile_text(world, clock)
    with world.app.uow() as s:
        counts = export.write_cohort_csvs(s, s.scalars(select(Cohort)).one(), tmp_path)
    files = read_dir(tmp_path)
    assert counts == {name: len(rows) - 1 for name, rows in files.items()}
    for rows in files.values():
        for row in rows[1:]:
            assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), row
    [bad] = [r for r in as_dicts(files["checkins.csv"], "checkins.csv") if r["user_id"] != "U-ana"]
    assert bad["member"] == "'=cmd|' /C calc'!A0"
    assert (bad["did"], bad["next"], bad["blockers"]) == ("'@SUM(1+1)", "'-2+3", "'+1 help")
    hours = as_dicts(files["hours.csv"], "hours.csv")
    assert hours[0]["note"] == '\'=HYPERLINK("http://evil")'
    plan = as_dicts(files["plan.csv"], "plan.csv")
    assert {r["goal"] for r in plan if r["week"] == "1" and r["user_id"] != "U-ana"} == {"'=1+1"}


def test_the_cli_files_and_the_chat_export_are_the_same_bytes(world, clock, tmp_path) -> None:
    _cohort_with_hostile_text(world, clock)
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        export.write_cohort_csvs(s, cohort, tmp_path)
        attachments = export.export_files(s, cohort)
    for a in attachments:
        assert a.mime == "text/csv"
        assert (tmp_path / a.filename).read_bytes() == a.content


def test_a_date_range_filters_entries_but_not_the_plan(world, clock, tmp_path) -> None:
    _cohort_with_hostile_text(world, clock)
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        export.write_cohort_csvs(s, cohort, tmp_path, since=date(2026, 11, 29), until=MONDAY.date())
    files = read_dir(tmp_path)
    checkins = as_dicts(files["checkins.csv"], "checkins.csv")
    assert [(r["user_id"], r["local_date"]) for r in checkins] == [("U-ana", "2026-11-30")]
    hours = as_dicts(files["hours.csv"], "hours.csv")
    assert [(r["local_date"], r["category"], r["minutes"]) for r in hours] == [
        ("2026-11-29", "networking", "120"),
        ("2026-11-30", "learning", "60"),
    ]
    milestones = as_dicts(files["milestones.csv"], "milestones.csv")
    assert [(r["user_id"], r["milestone"]) for r in milestones] == [("U-ana", "first_checkin")]
    assert milestones[0]["awarded_at"] == "2026-11-30T10:00:00Z"
    assert len(files["plan.csv"]) == 1 + 8  # the plan as it stands: 4 weeks x 2 members


def test_rows_are_streamed_in_batches(world, clock, engine) -> None:
    """Every export query asks for batches (a server-side cursor on PostgreSQL)."""
    _cohort_with_hostile_text(world, clock)
    seen: list[dict[str, Any]] = []

    def listen(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "members" in statement:
            seen.append(dict(context.execution_options))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        with world.app.uow() as s:
            cohort = s.scalars(select(Cohort)).one()
            rows = export.cohort_rows(s, cohort, "hours.csv")
            assert iter(rows) is rows  # a generator: nothing is read until it is consumed
            assert seen == []
            assert len(list(rows)) == 3
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert [o.get("yield_per") for o in seen] == [export.BATCH]
    if engine.dialect.name == "postgresql":
        assert seen[0].get("stream_results") is True


def test_a_member_gets_all_their_own_data_private_words_included(world, clock) -> None:
    clock.set(MONDAY)
    world.say("Org", "/cohort start Mine")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/cohort me checkins private")
    world.say("Ana", "/checkin my secret words | next: secret plans | mood: 4")
    world.say("Ana", "/hours 1h30m building notes to self")
    world.say("Ana", "/plan set 2 a repo for churn")
    world.say("Ana", "/sprint goal finish lesson 3")
    world.say("Ana", "/cohort me away 2 days")
    world.say("Ben", "/checkin Ben's words")
    with world.app.uow() as s:
        data = export.member_data(s, s.scalars(select(Cohort)).one(), "U-ana")
    assert data is not None
    text = json.dumps(data)  # JSON-safe as it is
    assert data["member"]["user_id"] == "U-ana"
    assert data["member"]["checkins_public"] is False
    assert data["checkins"] == [
        {
            "local_date": "2026-11-30",
            "did": "my secret words",
            "next": "secret plans",
            "blockers": None,
            "mood": 4,
            "public": False,
            "created_at": "2026-11-30T10:00:00Z",
            "updated_at": "2026-11-30T10:00:00Z",
        }
    ]
    assert [(h["category"], h["minutes"], h["note"]) for h in data["hours"]] == [
        ("building", 90, "notes to self")
    ]
    assert [p["goal"] for p in data["plan"]] == [None, "a repo for churn", None, None]
    assert any(g["text"] == "finish lesson 3" for sp in data["sprints"] for g in sp["goals"])
    assert [m["milestone"] for m in data["milestones"]] == ["first_checkin"]
    assert data["away"] == [{"start_date": "2026-11-30", "end_date": "2026-12-01"}]
    assert "Ben" not in text


# -- the command line ------------------------------------------------------------------

SCRIPT = """\
/cohort start Export Cohort
/cohort join software_engineer part-time
/cohort me checkins private
/checkin private words | next: more private words
/hours 2h building =HYPERLINK("x")
/plan set 1 =1+1
"""


@pytest.fixture(scope="module")
def console_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("export-cli")
    result = cohortbot("console", "--user", "Ana", "--cohort", "c", cwd=where, stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    return where


def test_cohortbot_export_writes_the_four_files(console_db: Path) -> None:
    out = console_db / "out"
    today = datetime.now(UTC).date()
    result = cohortbot(
        "export", "export cohort", "--from", str(today - timedelta(days=3)),
        "--to", str(today + timedelta(days=1)), "--out", str(out), cwd=console_db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{out / 'checkins.csv'}: 1 row",
        f"{out / 'hours.csv'}: 1 row",
        f"{out / 'plan.csv'}: 4 rows",
        f"{out / 'milestones.csv'}: 1 row",
    ]
    files = read_dir(out)
    [checkin] = as_dicts(files["checkins.csv"], "checkins.csv")
    assert (checkin["did"], checkin["next"], checkin["public"]) == ("(private)", "(private)", "no")
    assert as_dicts(files["hours.csv"], "hours.csv")[0]["note"] == '\'=HYPERLINK("x")'


def test_cohortbot_export_member_prints_their_json(console_db: Path) -> None:
    result = cohortbot("export-member", "1", "ana", cwd=console_db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["checkins"][0]["did"] == "private words"
    assert data["plan"][0]["goal"] == "=1+1"  # JSON is not a spreadsheet: kept as typed


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("export", "nope"), "no cohort named 'nope'"),
        (("export", "1", "--from", "30/11/2026"), "--from '30/11/2026' is not a date"),
        (("export", "1", "--from", "2026-12-02", "--to", "2026-12-01"), "is after --to"),
        (("export-member", "1", "U-nobody"), "no member 'U-nobody' in cohort"),
    ],
)
def test_export_mistakes_are_one_line(console_db: Path, args: tuple[str, ...], error: str) -> None:
    assert error in one_line_error(cohortbot(*args, cwd=console_db))
