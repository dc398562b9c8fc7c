"""Run ``cohortbot`` as a real subprocess, the way people run it, on a throwaway database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _environ(cwd: Path, db: str | None, env: dict[str, str]) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("CONTENT_DIR", "DATABASE_URL")}
    environ["DATABASE_URL"] = db or f"sqlite:///{cwd / 'x.db'}"
    environ.update(env)
    return environ


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=_environ(cwd, None, {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def cohortbot(
    *args: str, cwd: Path, db: str | None = None, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = _environ(cwd, db, env)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("cohortbot: ")
    return lines[0]
