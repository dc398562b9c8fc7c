"""Public celebrations: each names its member and reads as one sentence, with true numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.world import MONDAY


def celebrations(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in reply.public if m.text.startswith("🏅")]


def test_the_weeks_budget_celebration_shows_that_weeks_hours_and_target(world, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 11, 23, 9, tzinfo=UTC))  # Monday of W48
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")  # 15 h a week
    world.say("Ana", "/hours 10h building")  # W48: 10 of 15, not met
    clock.set(MONDAY)  # W49
    world.say("Ana", "/hours 8h building")
    reply = world.say("Ana", "/hours 7h learning")  # W49: 15 h; 25 h all time
    [budget] = [t for t in celebrations(reply) if "budget" in t]
    assert "{" not in budget and "}" not in budget
    assert "15 h of 15 h in one week" in budget, budget
    assert "25" not in budget  # the all-time total belongs to the 25-hour milestone
    assert "Ana" in budget


def test_every_celebration_names_the_member_once_without_a_headline(world, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(MONDAY - timedelta(days=7))
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")
    posted: list[str] = []
    for day in range(7):
        posted += celebrations(world.say("Ana", f"/checkin day {day + 1} | hours: 3h building"))
        clock.advance(timedelta(days=1))
    for week in (1, 2, 3, 4):
        posted += celebrations(world.say("Ana", f"/plan done {week}"))
    posted += celebrations(world.say("Ana", "/plan project 1"))
    titles = {m.title for m in world.app.content.milestones}
    kinds = {"First check-in", "3-day streak", "7-day streak", "10 hours", "Week's budget met"}
    assert len(posted) >= len(kinds) + 6, posted
    for text in posted:
        assert "Ana" in text, text
        # One sentence, not "🏅 7-day streak: A 7-day streak."
        assert not any(text.startswith(f"🏅 {title}") for title in titles), text
        assert "{" not in text, text
    assert len(set(posted)) == len(posted)


def test_a_celebration_names_by_display_name_and_never_pings(world, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(MONDAY)
    world.say("Ana", "/cohort start AI Switchers")
    world.say("<@U999> @everyone", "/cohort join")
    [text] = celebrations(world.say("<@U999> @everyone", "/checkin first one"))
    assert "<@U999>" not in text and "@everyone" not in text
