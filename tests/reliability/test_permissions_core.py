"""Admin actions are checked in the core: a member, a stranger or another cohort's admin is
refused every one of them, and nothing at all is written."""

from __future__ import annotations

import pytest

from bot.commands import COHORT_SETTING_KEYS
from bot.domain.errors import NotAllowed
from tests.support.db import snapshot

SETTING_VALUES = {
    "timezone": "Europe/Paris",
    "prompt-time": "07:00",
    "study-days": "mon-fri",
    "reminder-day": "mon",
    "review-day": "fri",
    "digest-day": "sun",
    "admin": "U-bo",
    "rest-day": "2026-12-24",
    "name": "Hijacked",
    "paused": "on",
}
ADMIN_ACTIONS = [
    "/cohort summary",
    "/cohort summary last",
    "/cohort summary 3",
    "/cohort export",
    *(f"/cohort settings {key} {SETTING_VALUES[key]}" for key in COHORT_SETTING_KEYS),
]


def test_every_cohort_setting_key_is_covered():
    assert set(SETTING_VALUES) == set(COHORT_SETTING_KEYS)


@pytest.fixture
def cohorts(world):
    """Ada runs this channel's cohort; Bo is a member; Cy is a stranger; Dee runs another."""
    world.say("Ada", "/cohort start Main")
    world.say("Bo", "/cohort join")
    world.say("Bo", "/checkin did a thing")
    other = type(world)(world.app, channel="C-other")
    other.say("Dee", "/cohort start Other")
    return world


@pytest.mark.parametrize("line", ADMIN_ACTIONS)
def test_admin_actions_are_refused_to_non_admins_with_nothing_written(cohorts, line):
    before = snapshot(cohorts.app.engine)
    for who in ("Bo", "Cy", "Dee"):  # a member, a stranger, another cohort's admin
        error = cohorts.fails(who, line)
        assert isinstance(error, NotAllowed), (who, error)
    assert snapshot(cohorts.app.engine) == before


@pytest.mark.parametrize("line", [a for a in ADMIN_ACTIONS if "settings" in a])
def test_the_cohort_admin_may_do_each_of_them(cohorts, line):
    reply = cohorts.say("Ada", line)
    assert reply.message.text.startswith("Done")


def test_a_member_cannot_make_themselves_admin_by_any_spelling(cohorts):
    before = snapshot(cohorts.app.engine)
    for value in ("U-bo", "<@U-bo>", "<@!U-bo>", "<@U-bo|bo>", "U-ada", "<!channel>"):
        assert isinstance(cohorts.fails("Bo", f"/cohort settings admin {value}"), NotAllowed)
    assert snapshot(cohorts.app.engine) == before
    # ...and once refused, Bo is still refused the admin commands.
    assert isinstance(cohorts.fails("Bo", "/cohort export"), NotAllowed)


def test_a_platform_admin_is_trusted_only_because_the_adapter_says_so(cohorts):
    cohorts.admins.add("Cy")  # the adapter read "workspace admin" from the platform
    assert cohorts.say("Cy", "/cohort settings prompt-time 08:00").message.text.startswith("Done")
    cohorts.admins.discard("Cy")
    assert isinstance(cohorts.fails("Cy", "/cohort settings prompt-time 09:00"), NotAllowed)
