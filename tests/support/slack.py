"""The Slack fixtures every suite shares: a fake Web API with some people, the real Bolt app
served against it. A directory changes who is in the workspace by overriding ``slack_people``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.bootstrap import App
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_rig import SlackRig, serving


@dataclass(frozen=True)
class SlackPerson:
    user_id: str
    name: str
    tz: str = "UTC"
    admin: bool = False


# The adapter's own tests: members in two zones, so local dates differ, and a workspace admin.
PEOPLE = (
    SlackPerson("U1", "Ada", tz="Europe/Berlin"),
    SlackPerson("U2", "Grace", tz="America/New_York"),
    SlackPerson("UADMIN", "Wanda", admin=True),
)


@pytest.fixture
def slack_people() -> tuple[SlackPerson, ...]:
    return PEOPLE


@pytest.fixture
def fake_slack(slack_people: tuple[SlackPerson, ...]) -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI().start()
    for p in slack_people:
        fake.user(p.user_id, tz=p.tz, admin=p.admin, name=p.name)
    yield fake
    fake.stop()


@pytest.fixture
def slack(app: App, fake_slack: FakeSlackAPI) -> Iterator[SlackRig]:
    with serving(app, fake_slack) as rig:
        yield rig
