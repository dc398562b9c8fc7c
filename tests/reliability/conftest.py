"""Reliability tests reuse the adapters' own test rigs: the fake Slack Web API and signed
driver, the fake Discord and its harness, the scheduler's fake platform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.bootstrap import App
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_rig import SlackRig, serving


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
