"""`cohortbot run slack --http` as a real process: it serves commands and its scheduler prompts.

The whole product path: a subprocess started from the CLI, signed requests over
loopback, the embedded scheduler ticking on the real clock, and the prompt
arriving at the fake Slack Web API as a direct message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_harness import SECRET, SlackDriver, free_port, wait_until_listening


def test_run_slack_http_serves_commands_and_its_scheduler_sends_the_prompt(
    tmp_path: Path, fake_slack: FakeSlackAPI
) -> None:
    fake_slack.user("U1", tz="UTC", name="Ada")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "slack",
            "--http",
            "--tick-seconds",
            "0.5",
            "--delivery-seconds",
            "0.2",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_listening(port, proc)
        slack = SlackDriver("127.0.0.1", port, fake_slack.root)
        assert slack.command("/cohort", "start Run test", user="U1").status == 200
        # Prompts at this very minute, every day, so the scheduler has something due now.
        moment = datetime.now(UTC) - timedelta(minutes=1)
        for text in (
            "settings study-days every day",
            f"settings prompt-time {moment:%H:%M}",
            "join software_engineer part-time",
        ):
            assert slack.command("/cohort", text, user="U1").status == 200
        posted = fake_slack.wait_for("chat.postMessage", timeout=20)
        assert any(
            "Check" in str(call.body) or "sprint" in str(call.body).lower() for call in posted
        ), posted
        assert fake_slack.calls_to("conversations.open"), "prompts go by DM by default"
    finally:
        proc.send_signal(signal.SIGTERM)  # how platforms stop a process
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # A clean stop: the server closed and the scheduler shut down, not killed mid-send.
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
