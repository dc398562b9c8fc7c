"""Golden transcripts: what the bot says, byte for byte, through the console, Slack and Discord.

Each test records one transcript (see ``golden_recorder``) and compares it with its file in
``data/``; a difference fails with a unified diff. ``COHORTBOT_RECORD_GOLDEN=1`` rewrites
the files instead (see README.md).
"""

from __future__ import annotations

import difflib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.golden import golden_recorder as recorder

DATA = Path(__file__).resolve().parent / "data"
RECORD = os.environ.get("COHORTBOT_RECORD_GOLDEN") == "1"
MAX_DIFF_LINES = 400
DEMO_TEST = "test_the_demo_prints_what_it_printed"


def check(name: str, actual: str) -> None:
    path = DATA / f"{name}.txt"
    if RECORD:
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(
            f"{path} is missing: record it with COHORTBOT_RECORD_GOLDEN=1 pytest tests/golden",
            pytrace=False,
        )
    expected = path.read_bytes().decode("utf-8")
    if actual == expected:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"tests/golden/data/{name}.txt (recorded)",
            tofile=f"{name} (now)",
        )
    )
    shown = "".join(line if line.endswith("\n") else line + "\n" for line in diff[:MAX_DIFF_LINES])
    more = (
        f"... {len(diff) - MAX_DIFF_LINES} more diff lines\n" if len(diff) > MAX_DIFF_LINES else ""
    )
    pytest.fail(
        f"What the bot says changed ({name}). If that is intended, re-record with "
        f"COHORTBOT_RECORD_GOLDEN=1 and review the diff of tests/golden/data/.\n{shown}{more}",
        pytrace=False,
    )


@pytest.fixture(scope="module", autouse=True)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[subprocess.Popen[bytes], Path] | None]:
    """The demo is a separate process: started first, so it runs while the others record."""
    if not any(item.name == DEMO_TEST for item in request.session.items):
        yield None
        return
    workdir = tmp_path_factory.mktemp("demo")
    proc = recorder.start_demo(workdir)
    try:
        yield proc, workdir
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("golden", recorder.TRANSCRIPTS, ids=lambda g: g.name)
def test_the_bot_says_what_it_said(golden: recorder.Golden, tmp_path: Path) -> None:
    check(golden.name, golden.record(tmp_path))


def test_the_demo_prints_what_it_printed(
    demo: tuple[subprocess.Popen[bytes], Path] | None,
) -> None:
    assert demo is not None
    proc, workdir = demo
    check("demo", recorder.finish_demo(proc, workdir))
