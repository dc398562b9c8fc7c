"""Fixtures for the Slack adapter: a fake Web API, and the real Bolt app served on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.bootstrap import App
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_rig import SlackRig, serving


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI().start()
    fake.user("U1", tz="Europe/Berlin", name="Ada")
    fake.user("U2", tz="America/New_York", name="Grace")
    fake.user("UADMIN", tz="UTC", admin=True, name="Wanda")
    yield fake
    fake.stop()


@pytest.fixture
def slack(app: App, fake_slack: FakeSlackAPI) -> Iterator[SlackRig]:
    with serving(app, fake_slack) as rig:
        yield rig
