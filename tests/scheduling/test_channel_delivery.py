"""Prompts a member chose to get in the channel: they say whom they are for, and a member
whose check-ins are private never has their hours or streak shown there."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.commands import parse
from tests.scheduling.sched_world import actor, populate, run_ticks

MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def say(app, name: str, line: str) -> None:  # type: ignore[no-untyped-def]
    app.core.handle(parse(line), actor(name, "Europe/London"))


def everything(message) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(
        [message.title or "", message.text, *message.blocks]
        + [f"{f.name} {f.value}" for f in message.fields]
    )


def channel_prompts(app, setup) -> list:  # type: ignore[no-untyped-def]
    """A week of scheduled messages for Ada (in the channel) and Bo (by DM)."""
    populate(app, {"Ada": "Europe/London", "Bo": "Europe/London"}, at=MONDAY)
    app.clock.set(MONDAY + timedelta(hours=8))
    say(app, "Ada", "/cohort me delivery channel")
    setup()
    platform = run_ticks(app, MONDAY + timedelta(hours=8), MONDAY + timedelta(days=7))
    return [m for _, d, m in platform.sent if d.user_id is None and "digest" not in (m.title or "")]


def test_a_prompt_in_the_channel_names_whom_it_is_for_without_a_ping(app) -> None:  # type: ignore[no-untyped-def]
    posts = channel_prompts(app, lambda: None)
    kinds = {m.title.split(" for ")[0] for m in posts}
    assert {"Check-in time", "New sprint", "Mid-week hours", "Weekly review"} <= kinds, kinds
    for message in posts:
        assert message.title.endswith(" for Ada"), message.title
        assert "<@" not in everything(message)


def test_a_private_members_hours_and_streak_stay_out_of_the_channel(app) -> None:  # type: ignore[no-untyped-def]
    def private_with_hours() -> None:
        say(app, "Ada", "/cohort me checkins private")
        say(app, "Ada", "/hours 3h learning")
        say(app, "Ada", "/checkin read chapter 1")

    posts = channel_prompts(app, private_with_hours)
    assert posts
    for message in posts:
        text = everything(message)
        assert "This week so far" not in text, text
        assert not re.search(r"\d+(\.\d+)? ?h\b|\bhours logged|streak stands", text), text


def test_by_dm_the_mid_week_reminder_still_shows_the_hours(app) -> None:  # type: ignore[no-untyped-def]
    populate(app, {"Ada": "Europe/London"}, at=MONDAY)
    app.clock.set(MONDAY + timedelta(hours=8))
    say(app, "Ada", "/cohort me checkins private")
    say(app, "Ada", "/hours 3h learning")
    platform = run_ticks(app, MONDAY + timedelta(hours=8), MONDAY + timedelta(days=4))
    midweek = [m for _, d, m in platform.sent if m.title == "Mid-week hours"]
    assert midweek and all(d.user_id == "U-Ada" for _, d, m in platform.sent if m in midweek)
    assert "This week so far" in everything(midweek[0])
