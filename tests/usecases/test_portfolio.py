"""Portfolio projects: the three-project portfolio, marked shipped, earns its milestones once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.orm import MilestoneAward, PortfolioProject


def joined(world) -> None:  # type: ignore[no-untyped-def]
    world.say("Ana", "/cohort start Portfolio")
    world.say("Ana", "/cohort join software_engineer part-time")


def test_shipping_project_one_awards_its_milestone_once(world) -> None:  # type: ignore[no-untyped-def]
    joined(world)
    reply = world.say("Ana", "/plan project 1")
    assert "Project 1 shipped" in reply.message.text
    assert "🏅" in reply.message.text
    again = world.say("Ana", "/plan project 1")
    assert "already shipped" in again.message.text
    with world.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(PortfolioProject)) == 1
        awards = s.scalars(select(MilestoneAward.milestone)).all()
    assert sum(1 for a in awards if "portfolio" in a or "project" in a) == 1


def test_the_plan_card_shows_the_portfolio(world) -> None:  # type: ignore[no-untyped-def]
    joined(world)
    world.say("Ana", "/plan project 2")
    card = world.say("Ana", "/plan").message.plain()
    assert "✅ 2." in card and "◻️ 1." in card and "◻️ 3." in card


def test_undo_reopens_and_bad_numbers_change_nothing(world) -> None:  # type: ignore[no-untyped-def]
    joined(world)
    world.say("Ana", "/plan project 3")
    world.say("Ana", "/plan project 3 undo")
    before = world.snapshot()
    for line in ("/plan project 4", "/plan project 0", "/plan project x", "/plan project 1 maybe"):
        error = world.fails("Ana", line)
        assert error.usage and "/plan project" in error.usage
    assert world.snapshot() == before
    with world.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(PortfolioProject)) == 0


def test_forget_me_removes_portfolio_rows(world) -> None:  # type: ignore[no-untyped-def]
    joined(world)
    world.say("Ana", "/plan project 1")
    world.say("Ana", "/cohort forget-me confirm")
    with world.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(PortfolioProject)) == 0


def test_undo_takes_back_the_project_milestone(world) -> None:  # type: ignore[no-untyped-def]
    joined(world)
    world.say("Ana", "/plan project 1")
    reply = world.say("Ana", "/plan project 1 undo")
    assert reply.message.text.startswith("Project 1 (")
    assert "is open again. Taken back: " in reply.message.text
    with world.app.uow() as s:
        assert s.scalars(select(MilestoneAward.milestone)).all() == []
    assert "Milestones reached: 0" in world.say("Ana", "/progress").message.plain()


def test_undoing_a_project_never_shipped_says_so(world) -> None:  # type: ignore[no-untyped-def]
    joined(world)
    before = world.snapshot()
    reply = world.say("Ana", "/plan project 2 undo")
    assert "isn't marked shipped, so there's nothing to undo" in reply.message.text
    assert world.snapshot() == before
