"""The summary chart draws whatever members type: names are text, never math or boxes."""

from __future__ import annotations

import logging
import warnings

import pytest

# Names people have, or type: math-looking, emoji, scripts the bundled fonts lack.
NAMES = ["$x^{$", "$$", r"\frac{a}", "50% $5 off", "Élif 🚀", "Ana_Lima", "王芳", "Zoë"]


def test_every_admin_gets_a_summary_chart_whatever_members_are_called(
    world, caplog: pytest.LogCaptureFixture
) -> None:
    world.say("Maya", "/cohort start Switchers 🚀 $x^{$")
    for name in NAMES:
        world.say(name, "/checkin worked on the project")
        world.say(name, "/hours 2h building")
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reply = world.say("Maya", "/cohort summary")
    message = reply.message
    assert message.title == "Cohort summary", message
    assert message.image is not None
    assert message.image.content.startswith(b"\x89PNG")
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caught_records(caplog)] == []


def caught_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("matplotlib")]


def test_what_no_font_can_draw_is_left_out_and_the_rest_kept() -> None:
    from bot.read.chart import drawable

    assert drawable("Élif 🚀") == "Élif"
    assert drawable("$x^{$") == "$x^{$"
    assert drawable("🚀") == ""
