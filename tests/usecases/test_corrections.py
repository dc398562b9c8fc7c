"""Corrections: an edit updates the public card where it landed; emptied fields are cleared.

The adapter reports where a card with a ``ref`` landed (``Core.record_post``); the next
``/checkin edit`` answers with an ``Update`` for that message instead of a new card.
Every test runs on SQLite and on PostgreSQL; the clock starts on Monday 2026-11-30.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from bot.commands import checkin_from_form
from bot.domain import commands as c
from bot.storage.orm import CheckInRow
from tests.support.world import MONDAY


def started(world: Any) -> None:
    world.say("Ana", "/cohort start AI Switchers")
    world.say("Ana", "/cohort join software_engineer part-time")


def checkin_row(world: Any) -> CheckInRow:
    with world.app.uow() as s:
        return s.scalars(select(CheckInRow)).one()


def test_a_public_checkin_card_carries_its_identity(world) -> None:
    started(world)
    reply = world.say("Ana", "/checkin finished lesson 4")
    card = reply.public[0]
    assert card.ref == f"checkin:{checkin_row(world).id}"
    # Celebrations carry theirs too: an undo edits them.
    assert [m.ref for m in reply.public[1:]] == ["milestone:1"]


def test_record_post_stores_where_the_card_landed(world) -> None:
    started(world)
    card = world.say("Ana", "/checkin finished lesson 4").public[0]
    assert world.app.core.record_post(card.ref, "C-cohort", "1700000001.000100") is True
    row = checkin_row(world)
    assert (row.posted_channel, row.posted_message_id) == ("C-cohort", "1700000001.000100")


def test_record_post_ignores_refs_it_does_not_know(world) -> None:
    started(world)
    world.say("Ana", "/checkin finished lesson 4")
    core = world.app.core
    assert core.record_post("pod:1", "C-cohort", "m1") is False
    assert core.record_post("milestone:999999", "C-cohort", "m1") is False
    assert core.record_post("checkin:not-a-number", "C-cohort", "m1") is False
    assert core.record_post("checkin:999999", "C-cohort", "m1") is False
    assert core.record_post("checkin:1", "", "m1") is False
    row = checkin_row(world)
    assert (row.posted_channel, row.posted_message_id) == (None, None)


def test_an_edit_updates_the_posted_card_in_place(world) -> None:
    started(world)
    card = world.say("Ana", "/checkin first draft | next: lesson 5").public[0]
    world.app.core.record_post(card.ref, "C-cohort", "m-42")
    reply = world.say("Ana", "/checkin edit finished lessons 4 and 5")
    assert reply.message.text == "Updated your check-in for today."
    assert reply.public == ()  # nothing new in the channel
    [update] = reply.updates
    assert (update.channel_id, update.message_id) == ("C-cohort", "m-42")
    assert update.message.ref == card.ref
    assert update.message.text == "Ana checked in"  # the platforms mark it edited
    fields = {f.name: f.value for f in update.message.fields}
    assert fields == {"Did": "finished lessons 4 and 5", "Next": "lesson 5"}


def test_an_edit_of_a_card_whose_place_is_unknown_posts_it_marked_edited(world) -> None:
    started(world)
    world.say("Ana", "/checkin first draft")
    reply = world.say("Ana", "/checkin edit second draft")
    assert reply.updates == ()
    [card] = reply.public
    assert card.text == "Ana checked in (edited)"
    assert card.ref == f"checkin:{checkin_row(world).id}"


def test_an_edit_of_a_private_checkin_touches_no_channel(world) -> None:
    started(world)
    world.say("Ana", "/cohort me checkins private")
    world.say("Ana", "/checkin quiet work")
    reply = world.say("Ana", "/checkin edit quieter work")
    assert (reply.public, reply.updates) == ((), ())


def test_an_edit_of_yesterday_updates_yesterdays_card(world, clock) -> None:
    clock.set(MONDAY - timedelta(days=2))
    started(world)
    clock.set(MONDAY - timedelta(days=1))
    card = world.say("Ana", "/checkin sunday work").public[0]
    world.app.core.record_post(card.ref, "C-cohort", "m-sun")
    clock.set(MONDAY)
    card_today = world.say("Ana", "/checkin monday work").public[0]
    world.app.core.record_post(card_today.ref, "C-cohort", "m-mon")
    [update] = world.say("Ana", "/checkin edit yesterday: sunday work, all of it").updates
    assert update.message_id == "m-sun"
    assert update.message.text == "Ana checked in for Sun 29 Nov"


def test_emptied_fields_in_an_edit_are_stored_as_none(world) -> None:
    """The edit form is prefilled; a field the member empties is cleared, not kept as ""."""
    started(world)
    world.say("Ana", "/checkin draft | next: lesson 5 | blockers: GPU quota | mood: 3")
    world.app.core.handle(
        c.EditCheckIn(did="done", next="", blockers="   ", mood=None), world.actor("Ana")
    )
    row = checkin_row(world)
    assert (row.did, row.next, row.blockers, row.mood) == ("done", None, None, 3)
    # The prefilled form then shows only what is left.
    form = world.say("Ana", "/checkin edit").form
    assert form is not None and form.initial == {"did": "done", "mood": "3"}


def test_an_edit_without_the_fields_keeps_them(world) -> None:
    started(world)
    world.say("Ana", "/checkin draft | next: lesson 5 | blockers: GPU quota")
    world.say("Ana", "/checkin edit done")
    row = checkin_row(world)
    assert (row.did, row.next, row.blockers) == ("done", "lesson 5", "GPU quota")


def test_a_typed_edit_clears_each_field_given_empty(world) -> None:
    """`/checkin edit ... | blockers:` replaces: a segment given empty clears that field."""
    started(world)
    world.say("Ana", "/checkin draft | next: lesson 5 | blockers: GPU quota | mood: 3")
    world.say("Ana", "/checkin edit watched lessons 1 and 2 | blockers:")
    row = checkin_row(world)
    assert (row.did, row.next, row.blockers, row.mood) == (
        "watched lessons 1 and 2",
        "lesson 5",
        None,
        3,
    )
    world.say("Ana", "/checkin edit watched lessons 1 and 2 | next: | mood:")
    row = checkin_row(world)
    assert (row.next, row.blockers, row.mood) == (None, None, None)


def test_the_edit_form_clears_an_emptied_mood(world) -> None:
    started(world)
    world.say("Ana", "/checkin draft | mood: 3")
    world.app.core.handle(
        checkin_from_form({"did": "done", "next": "", "blockers": "", "mood": ""}, edit=True),
        world.actor("Ana"),
    )
    assert checkin_row(world).mood is None


# ---- one read of each thing per check-in ----------------------------------------------------


def test_a_checkin_reads_the_dates_away_days_and_plan_once(world, clock) -> None:
    """The streak before and after, the freezes and the milestones share one read of each."""
    clock.set(MONDAY - timedelta(days=9))
    started(world)
    world.say("Ana", "/cohort me away 2 days")
    for day in range(8, 0, -1):
        clock.set(MONDAY - timedelta(days=day))
        world.say("Ana", f"/checkin day -{day} | hours: 1h learning")
    clock.set(MONDAY)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.lower().split()))

    engine = world.app.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = world.say("Ana", "/checkin monday | hours: 2h building")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert "Streak: 9 days." in reply.message.text

    def reads(table: str) -> int:
        return sum(1 for s in statements if s.startswith("select") and f"from {table}" in s)

    assert reads("checkins") == 1
    assert reads("away_periods") == 1  # rest days ride along in the same statement
    assert reads("plan_weeks") == 1
    assert reads("hour_logs") == 1  # the all-time total and the budget weeks together
    assert reads("portfolio_projects") == 1
    assert len(statements) <= 13, statements
