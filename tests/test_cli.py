"""The ``cohortbot`` command line, run as a real subprocess the way people run it.

Every bad configuration ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.content import default_content_dir
from tests.support.cli import cohortbot, one_line_error, start

SCRIPT = """\
/cohort start T
/cohort join software_engineer part-time
/checkin hello | next: lesson 2
/hours 2h building
/progress
/hours 0m building
"""


@pytest.fixture(scope="module")
def scripted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A cohort 'T' made through the console, with one failing line at the end."""
    where = tmp_path_factory.mktemp("scripted")
    result = cohortbot("console", "--user", "Ana", "--cohort", "test", cwd=where, stdin=SCRIPT)
    return where, result


# ---- console -------------------------------------------------------------------------------


def test_console_prints_each_reply_and_exits_1_when_a_line_failed(scripted) -> None:
    _, result = scripted
    assert result.returncode == 1, result.stderr
    out = result.stdout
    for line in SCRIPT.splitlines():
        assert f"> {line}" in out
    assert "Cohort started" in out
    assert "Checked in for today. Streak: 1 day." in out
    assert "[posted in #test]" in out and "Ana checked in" in out
    assert "Logged 2 h of building for today." in out
    assert "*Progress*" in out and "Ana's progress" in out
    failed = out[out.index("> /hours 0m building") :]
    assert "⚠" in failed and "Usage: /hours" in failed
    assert "Traceback" not in result.stderr


def test_console_exits_0_when_every_line_succeeds(tmp_path: Path) -> None:
    lines = "/cohort start T\n/checkin hello\n/hours 2h building\n/progress\n/help hours\n"
    result = cohortbot("console", "--user", "Ana", "--cohort", "test", cwd=tmp_path, stdin=lines)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "I've added you" in result.stdout  # checked in before joining
    assert "⚠" not in result.stdout


# ---- content -------------------------------------------------------------------------------


def test_content_validate_accepts_the_shipped_content(tmp_path: Path) -> None:
    result = cohortbot("content", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "is valid" in result.stdout


def test_content_validate_lists_the_tracks_budgets_and_counts(tmp_path: Path) -> None:
    out = cohortbot("content", "validate", cwd=tmp_path).stdout
    assert re.search(r"Tracks \(12\): software_engineer \(Software engineer", out), out
    assert "full-time: 40 h a week (20 learning, 15 building, 5 networking)" in out
    assert "minimal: 5-8 h a week (6 building)" in out
    assert re.search(r"Nudges \(\d+\): \d+ checkin-prompt, ", out)
    assert re.search(r"Milestones: \d+", out) and "Exercises: 5" in out


def test_help_reads_cleanly(tmp_path: Path) -> None:
    out = cohortbot("--help", cwd=tmp_path).stdout
    assert "``" not in out and ".py" not in out, out
    assert "four CSV files: check-ins, hours, plan and milestones" in " ".join(out.split())


def test_content_validate_counts_one_problem_in_the_singular(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(default_content_dir(), broken)
    budgets = broken / "budgets.yaml"
    budgets.write_text(
        budgets.read_text(encoding="utf-8").replace("hours_per_week: 40", "hours_per_week: lots"),
        encoding="utf-8",
    )
    result = cohortbot("content", "validate", str(broken), cwd=tmp_path)
    assert "1 problem in" in result.stderr and "(s)" not in result.stderr


def test_content_validate_names_the_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(default_content_dir(), broken)
    budgets = broken / "budgets.yaml"
    budgets.write_text(
        budgets.read_text(encoding="utf-8").replace("hours_per_week: 40", "hours_per_week: lots"),
        encoding="utf-8",
    )
    result = cohortbot("content", "validate", str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert "budgets.yaml" in result.stdout
    assert "hours_per_week" in result.stdout
    # The same folder given as CONTENT_DIR is refused by every command, in one line.
    bad = cohortbot("report", "T", cwd=tmp_path, CONTENT_DIR=str(broken))
    assert "invalid content" in one_line_error(bad)


# ---- database configuration ------------------------------------------------------------------


def test_db_upgrade_on_sqlite(tmp_path: Path) -> None:
    result = cohortbot("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"database is at revision \w+", result.stdout)


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = cohortbot("db", "upgrade", cwd=tmp_path, db="postgresql://nobody@127.0.0.1:1/x")
    line = one_line_error(result)
    assert "cannot reach the database" in line
    assert "127.0.0.1:1" in line


def test_the_password_never_appears(tmp_path: Path) -> None:
    result = cohortbot("db", "upgrade", cwd=tmp_path, db="postgresql://u:s3cret@127.0.0.1:1/x")
    one_line_error(result)
    assert "s3cret" not in result.stderr + result.stdout


def test_a_malformed_database_url_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(cohortbot("db", "upgrade", cwd=tmp_path, db="notaurl"))
    assert "not a valid database URL" in line


# ---- tick and report ------------------------------------------------------------------------

TICK_LINE = re.compile(
    r"tick at 2026-11-30 18:00 UTC: \d+ due, \d+ queued; console: \d+ sent, \d+ skipped"
)


def copy_of(scripted, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A private copy of the scripted cohort's database, for commands that write to it."""
    where, _ = scripted
    for f in where.glob("x.db*"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def test_tick_at_a_moment_prints_what_it_queued_and_sent(scripted, tmp_path: Path) -> None:
    where = copy_of(scripted, tmp_path)
    result = cohortbot("tick", "--at", "2026-11-30T18:00:00+00:00", cwd=where)
    assert result.returncode == 0, result.stderr
    assert TICK_LINE.search(result.stdout), result.stdout


def test_tick_at_the_next_prompt_sends_it(scripted, tmp_path: Path) -> None:
    where = copy_of(scripted, tmp_path)
    # The console ran on the real clock; the next weekday's 09:05 UTC is prompt time.
    day = datetime.now(UTC).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    moment = f"{day.isoformat()}T09:05:00+00:00"
    result = cohortbot("tick", "--at", moment, cwd=where)
    assert result.returncode == 0, result.stderr
    counts = re.search(r"(\d+) due, (\d+) queued; console: (\d+) sent", result.stdout)
    assert counts, result.stdout
    assert int(counts.group(2)) >= 1 and int(counts.group(3)) >= 1, result.stdout
    assert "DM to" in result.stdout or "[bot →" in result.stdout
    again = cohortbot("tick", "--at", moment, cwd=where)
    assert re.search(r"\d+ due, 0 queued; console: 0 sent", again.stdout), again.stdout


def test_with_zero_grace_the_on_time_tick_still_sends_and_a_late_one_does_not(
    scripted, tmp_path: Path
) -> None:
    where = copy_of(scripted, tmp_path)
    day = datetime.now(UTC).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    late = cohortbot("tick", "--at", f"{day.isoformat()}T09:05:00Z", cwd=where, GRACE_MINUTES="0")
    assert re.search(r"0 due, 0 queued; console: 0 sent", late.stdout), late.stdout
    on_time = cohortbot(
        "tick", "--at", f"{day.isoformat()}T09:00:20Z", cwd=where, GRACE_MINUTES="0"
    )
    assert on_time.returncode == 0, on_time.stderr
    assert re.search(r"1 due, 1 queued; console: 1 sent", on_time.stdout), on_time.stdout


def test_tick_with_a_bad_moment_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(cohortbot("tick", "--at", "not-a-time", cwd=tmp_path))
    assert "not-a-time" in line and "ISO-8601" in line
    line = one_line_error(cohortbot("tick", "--at", "2026-11-30T18:00", cwd=tmp_path))
    assert "UTC offset" in line


def test_report_prints_the_summary_and_writes_the_chart(scripted) -> None:
    where, _ = scripted
    chart = where / "chart.png"
    result = cohortbot("report", "t", "--chart", str(chart), cwd=where)
    assert result.returncode == 0, result.stderr
    assert "*Cohort summary*" in result.stdout
    assert "Members: 1" in result.stdout
    assert f"chart written to {chart}" in result.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_report_on_a_week_outside_the_cohort_says_there_is_no_such_week(scripted) -> None:
    where, _ = scripted  # the cohort was started today
    future = cohortbot("report", "t", "--week", "-1", cwd=where)
    assert future.returncode == 2 and future.stdout == ""
    assert "yet: it hasn't started" in one_line_error(future)
    before = cohortbot("report", "t", "--week", "1", cwd=where)
    assert before.returncode == 2 and before.stdout == ""
    assert "for T: it started on" in one_line_error(before)
    assert not list(where.glob("cohort-*.png"))


def test_report_into_a_pipe_closed_early_ends_quietly(scripted, tmp_path: Path) -> None:
    """`cohortbot report t --week 0 | head -5`, with the reader gone before the first line:
    no BrokenPipeError traceback, and the exit status of a command ended by SIGPIPE."""
    where = copy_of(scripted, tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # head has read its lines and left
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "report", "t", "--week", "0"],
            cwd=where,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{where / 'x.db'}"},
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == 141


def test_report_on_an_unknown_cohort_is_one_line(scripted) -> None:
    where, _ = scripted
    line = one_line_error(cohortbot("report", "nope", cwd=where))
    assert "no cohort named 'nope'" in line and "T" in line


# ---- demo ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """The demo takes a few seconds: start it first, let the other CLI tests run meanwhile."""
    where = tmp_path_factory.mktemp("demo")
    proc = start("demo", "--out", str(where / "demo"), "--days", "8", cwd=where)
    yield where / "demo", proc
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


@pytest.fixture(scope="module", autouse=True)
def _start_the_demo_early(demo: tuple[Path, subprocess.Popen[str]]) -> None:
    return None


def test_demo_prints_the_days_a_summary_and_writes_a_chart(demo) -> None:
    out, proc = demo
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert stderr == ""
    days = re.findall(r"^— Day (\d+) · ", stdout, flags=re.MULTILINE)
    assert days == [str(n) for n in range(1, 9)]
    assert "*Cohort summary*" in stdout
    assert "Check-in rate:" in stdout and "Members: 12" in stdout
    assert "checked in" in stdout
    assert "⚠" not in stdout  # the simulated members make no mistakes the bot must refuse
    named = re.findall(r"\(chart: (\S+)\)", stdout)
    assert named == ["cohort-2026-W10.png"]
    chart = out / named[0]
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert (out / "demo.db").exists()


# ---- operator errors: one line, exit 2 (#14 item 18) -----------------------------------------


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    import socket

    from tests.slack.slack_fake_api import FakeSlackAPI
    from tests.slack.slack_harness import SECRET

    taken = socket.socket()
    taken.bind(("0.0.0.0", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    fake = FakeSlackAPI().start()
    try:
        result = cohortbot(
            "run",
            "slack",
            "--http",
            "--no-scheduler",
            cwd=tmp_path,
            SLACK_BOT_TOKEN="xoxb-test-token",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.url,
            PORT=str(port),
            LOG_LEVEL="ERROR",  # Bolt's start-up warning about `client` is another line
        )
    finally:
        fake.stop()
        taken.close()
    line = one_line_error(result)
    assert f"cannot listen on PORT {port}" in line and "in use" in line


def test_a_non_numeric_port_in_the_database_url_is_one_line(tmp_path: Path) -> None:
    result = cohortbot("db", "upgrade", cwd=tmp_path, db="postgresql://u:pw@127.0.0.1:abc/x")
    line = one_line_error(result)
    assert "port must be a number" in line and "pw" not in line


def _content_with(tmp_path: Path, file: str, text: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    (folder / file).write_text(text, encoding="utf-8")
    return folder


def test_a_20000_deep_yaml_is_one_line(tmp_path: Path) -> None:
    folder = _content_with(tmp_path, "nudges.yaml", "a: " + "[" * 20_000 + "]" * 20_000 + "\n")
    line = one_line_error(cohortbot("report", "T", cwd=tmp_path, CONTENT_DIR=str(folder)))
    assert "nudges.yaml" in line and "nested deeper" in line
    result = cohortbot("content", "validate", str(folder), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "nested deeper" in result.stdout


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    folder = _content_with(tmp_path, "nudges.yaml", "\n".join(lines) + "\n")
    started = datetime.now(UTC)
    result = cohortbot("content", "validate", str(folder), cwd=tmp_path)
    assert result.returncode == 1 and "alias bomb" in result.stdout
    line = one_line_error(cohortbot("report", "T", cwd=tmp_path, CONTENT_DIR=str(folder)))
    assert "alias bomb" in line
    assert datetime.now(UTC) - started < timedelta(seconds=30)


def test_a_wrong_database_password_says_authentication_failed(tmp_path: Path) -> None:
    """A server that refuses the password (PostgreSQL's own error, SQLSTATE 28P01): the
    shared test server trusts everyone, so a minimal one answers the startup here."""
    import socket
    import struct
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def refuse() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                while True:
                    head = conn.recv(8)
                    if len(head) < 8:
                        break
                    size, code = struct.unpack("!ii", head)
                    conn.recv(size - 8)
                    if code in (80877103, 80877104):  # SSL / GSS encryption request: no
                        conn.sendall(b"N")
                        continue
                    fields = b"".join(
                        k + v.encode() + b"\0"
                        for k, v in (
                            (b"S", "FATAL"),
                            (b"V", "FATAL"),
                            (b"C", "28P01"),
                            (b"M", 'password authentication failed for user "bot"'),
                        )
                    )
                    conn.sendall(b"E" + struct.pack("!i", len(fields) + 5) + fields + b"\0")
                    break

    threading.Thread(target=refuse, daemon=True).start()
    port = listener.getsockname()[1]
    try:
        result = cohortbot(
            "db", "upgrade", cwd=tmp_path, db=f"postgresql://bot:wrong@127.0.0.1:{port}/x"
        )
    finally:
        listener.close()
    line = one_line_error(result)
    assert "authentication failed" in line and "cannot reach" not in line
    assert "wrong" not in result.stderr
