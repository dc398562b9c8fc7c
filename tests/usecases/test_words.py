"""Replies a careful person would write: grammar, plurals, the names members type."""

from __future__ import annotations

from datetime import timedelta

from bot.scheduling import nudges
from tests.support.world import MONDAY


def joined(world, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(MONDAY)
    world.say("Ana", "/cohort start AI Switchers")


def test_the_welcome_names_the_first_role_without_a_capital_mid_sentence(world, clock) -> None:  # type: ignore[no-untyped-def]
    joined(world, clock)
    text = world.say("Bo", "/cohort join").message.plain()
    assert "A realistic first role: An AI role that blends" in text
    assert "is An" not in text


def test_reminders_on_and_off_say_what_is_now_true(world, clock) -> None:  # type: ignore[no-untyped-def]
    joined(world, clock)
    world.say("Ana", "/cohort join")
    assert world.say("Ana", "/cohort me reminders off").message.text == (
        "Done: all your reminders are off."
    )
    assert world.say("Ana", "/cohort me reminders on").message.text == (
        "Done: all your reminders are on."
    )
    one = world.say("Ana", "/cohort me reminders sprint-kickoff off").message.text
    assert one == "Done: the sprint-kickoff reminder is off; the others are on."
    two = world.say("Ana", "/cohort me reminders mix-drift off").message.text
    assert two == "Done: the sprint-kickoff and mix-drift reminders are off; the others are on."
    settings = world.say("Ana", "/cohort me").message
    reminders = next(f.value for f in settings.fields if f.name == "reminders")
    assert "sprint-kickoff off" in reminders and "_" not in reminders
    usage = world.fails("Ana", "/cohort me reminders nosuch off").usage or ""
    assert "sprint-kickoff" in usage and "sprint_kickoff" not in usage


def test_counts_are_plural_only_when_they_are_many(world, clock) -> None:  # type: ignore[no-untyped-def]
    joined(world, clock)
    world.say("Ana", "/cohort join")
    fields = {f.name: f.value for f in world.say("Ana", "/progress").message.fields}
    assert fields["Streak"].startswith("0 days · longest 0 · 0 freezes held")
    assert fields["All time"].endswith("0 check-ins")
    world.say("Ana", "/checkin one")
    card = world.say("Ana", "/progress").message
    fields = {f.name: f.value for f in card.fields}
    assert fields["Streak"].startswith("1 day ·") and fields["All time"].endswith("1 check-in")
    assert "Next milestone: 3-day streak — 2 more study days." in card.blocks
    world.say("Ana", "/sprint goal one thing")
    assert "has 2 goals;" in world.fails("Ana", "/sprint done 5").message  # plan + own
    assert not any("(s)" in b for b in card.blocks) and "(s)" not in str(card.fields)


def test_a_checkins_mood_is_shown_as_mood(world, clock) -> None:  # type: ignore[no-untyped-def]
    joined(world, clock)
    reply = world.say("Ana", "/checkin lesson 4 | mood: 4")
    [card] = [m for m in reply.public if m.fields]
    assert [f.name for f in card.fields] == ["Did", "Mood"]


def test_a_prompt_never_speaks_of_a_streak_of_zero(world, clock, content) -> None:  # type: ignore[no-untyped-def]
    joined(world, clock)
    world.say("Ana", "/cohort join")
    clock.advance(timedelta(days=1))
    with world.app.uow() as session:
        member = session.merge(world.member("Ana"))
        texts = {
            nudges.member_message(content, session, member, "checkin_prompt", f"k{i}", clock.now())[
                0
            ].text
            for i in range(60)
        }
    assert len(texts) > 3
    assert not any("streak stands at 0" in t for t in texts), texts


def test_help_on_cohort_lists_the_tracks_and_budgets_from_the_content(world, clock) -> None:  # type: ignore[no-untyped-def]
    joined(world, clock)
    for topic in ("cohort", "me"):
        blocks = world.say("Ana", f"/help {topic}").message.blocks
        assert any(b.startswith("Tracks: software_engineer (") and "other (" in b for b in blocks)
        budgets = next(b for b in blocks if b.startswith("Budgets: "))
        assert "full-time: 40 h a week (20 learning, 15 building, 5 networking)" in budgets
        assert "minimal: 5-8 h a week" in budgets
    assert world.say("Ana", "/help hours").message.blocks == ()
