"""Reliability tests reuse the adapters' own test rigs: the fake Slack Web API and signed
driver, the fake Discord and its harness, the scheduler's fake platform."""

from __future__ import annotations

import pytest

from tests.support.slack import SlackPerson


@pytest.fixture
def slack_people() -> tuple[SlackPerson, ...]:
    """The reliability workspace: one member and an admin, both in UTC."""
    return (SlackPerson("U1", "Ada"), SlackPerson("UADMIN", "Wanda", admin=True))
