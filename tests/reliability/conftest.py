"""Reliability tests reuse the adapters' own test rigs: the fake Slack Web API and signed
driver, the fake Discord and its harness, the scheduler's fake platform."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
for sub in ("slack", "discord", "scheduler"):
    path = str(TESTS / sub)
    if path not in sys.path:
        sys.path.append(path)

from slack_fake_api import FakeSlackAPI  # noqa: E402
from slack_rig import SlackRig, serving  # noqa: E402

from bot.bootstrap import App  # noqa: E402


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI().start()
    fake.user("U1", tz="UTC", name="Ada")
    fake.user("UADMIN", tz="UTC", admin=True, name="Wanda")
    yield fake
    fake.stop()


@pytest.fixture
def slack(app: App, fake_slack: FakeSlackAPI) -> Iterator[SlackRig]:
    with serving(app, fake_slack) as rig:
        yield rig
