"""Edits in place on Slack: the check-in card is updated with chat.update, not reposted.

The adapter reports the ``ts`` of each public check-in card to the core; ``/checkin edit``
(typed or through the modal) then updates that message. When the card was deleted,
Slack answers ``message_not_found`` and the edit goes out as a fresh card instead.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.storage.orm import CheckInRow, MilestoneAward


def start_and_join(slack) -> None:
    slack.driver.command("/cohort", "start ML switchers")
    slack.driver.command("/cohort", "join data_analyst part-time")


def posted_at(slack, timeout: float = 5.0) -> tuple[str | None, str | None]:
    """Where the core believes the card is, once the background work has recorded it."""
    deadline = time.monotonic() + timeout
    while True:
        with slack.app.uow() as s:
            row = s.scalars(select(CheckInRow)).one()
            found = (row.posted_channel, row.posted_message_id)
        if found[1] is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def card_posts(slack) -> list[dict]:
    return [
        c.body
        for c in slack.fake.calls_to("chat.postMessage")
        if "checked in" in str(c.body.get("text"))
    ]


def test_the_card_is_recorded_where_it_landed(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "finished lesson 4")
    post = slack.fake.wait_for("chat.postMessage")[0]
    slack.fake.settle()
    ts = slack.fake.history["C1"][-1]["ts"]
    assert "Ada checked in" in post.body["text"]
    assert posted_at(slack) == ("C1", ts)


def test_a_typed_edit_updates_the_card_in_place(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "first draft | next: lesson 5")
    channel, ts = posted_at(slack)
    r = slack.driver.command("/checkin", "edit finished lessons 4 and 5")
    assert "Updated your check-in" in r.json["text"]
    [update] = slack.fake.wait_for("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (channel, ts)
    assert "finished lessons 4 and 5" in " ".join(slack.fake.posted_texts())
    assert "Ada checked in" in update.body["text"]
    slack.fake.settle()
    assert len(card_posts(slack)) == 1  # no second card in the channel


def test_an_edit_through_the_modal_updates_the_card_in_place(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "first draft | blockers: GPU quota")
    _, ts = posted_at(slack)
    slack.driver.command("/checkin", "edit")
    view = slack.fake.wait_for("views.open")[0].body["view"]
    # The member empties "blockers" in the prefilled form: it is cleared, not kept.
    r = slack.driver.submit(view, {"did": "final words", "blockers": ""})
    assert r.status == 200
    [update] = slack.fake.wait_for("chat.update")
    assert update.body["ts"] == ts
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.blockers) == ("final words", None)
    slack.fake.settle()
    assert len(card_posts(slack)) == 1


def test_an_edit_clears_the_fields_given_empty_typed_or_in_the_modal(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "first draft | next: lesson 5 | blockers: GPU quota | mood: 3")
    slack.driver.command("/checkin", "edit second draft | blockers:")
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.next, row.blockers, row.mood) == ("lesson 5", None, 3)
    slack.driver.command("/checkin", "edit")
    view = slack.fake.wait_for("views.open")[0].body["view"]
    mood = next(b for b in view["blocks"] if b.get("block_id") == "mood")
    assert mood["element"]["initial_option"]["value"] == "3"
    # A chosen option cannot be unselected in Slack: "No answer" clears the mood.
    r = slack.driver.submit(view, {"did": "final words", "next": "", "mood": "none"})
    assert r.status == 200
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.blockers, row.mood) == ("final words", None, None, None)


def test_an_edit_after_the_public_message_was_deleted_posts_a_fresh_card(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "first draft")
    _, first_ts = posted_at(slack)
    slack.fake.fail("chat.update", error="message_not_found")  # a moderator deleted it
    slack.driver.command("/checkin", "edit second draft")
    slack.fake.wait_for("chat.update")
    deadline = time.monotonic() + 5
    while len(card_posts(slack)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    slack.fake.settle()
    assert "second draft" in str(card_posts(slack)[-1]["blocks"])
    # The new card is the one the next edit updates.
    deadline = time.monotonic() + 5
    while posted_at(slack)[1] == first_ts and time.monotonic() < deadline:
        time.sleep(0.02)
    _, second_ts = posted_at(slack)
    assert second_ts != first_ts
    slack.driver.command("/checkin", "edit third draft")
    updates = slack.fake.wait_for("chat.update", 2)
    assert updates[-1].body["ts"] == second_ts
    slack.fake.settle()
    assert len(card_posts(slack)) == 2


def test_an_update_that_fails_otherwise_is_told_privately_and_not_reposted(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "first draft")
    posted_at(slack)
    slack.fake.fail("chat.update", error="ratelimited", status=429, retry_after=30)
    r = slack.driver.command("/checkin", "edit second draft")
    assert "Updated your check-in" in r.json["text"]
    told = slack.fake.wait_for("response_url", 1)
    slack.fake.settle()
    assert any("couldn't update the post" in str(c.body) for c in told)
    assert len(card_posts(slack)) == 1
    with slack.app.uow() as s:
        assert s.scalars(select(CheckInRow.did)).one() == "second draft"


def milestone_posted_at(slack, timeout: float = 5.0) -> tuple[str | None, str | None]:
    deadline = time.monotonic() + timeout
    while True:
        with slack.app.uow() as s:
            row = s.scalars(select(MilestoneAward)).one()
            found = (row.posted_channel, row.posted_message_id)
        if found[1] is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_an_undo_edits_the_public_celebration_and_never_reposts_it(slack):
    start_and_join(slack)
    slack.driver.command("/plan", "done 1")
    channel, ts = milestone_posted_at(slack)
    assert channel == "C1" and ts is not None
    r = slack.driver.command("/plan", "undo 1")
    assert "Taken back: Plan week 1 done" in r.json["text"]
    [update] = slack.fake.wait_for("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (channel, ts)
    assert "taken back" in update.body["text"]
    # Done again, then undone after a moderator deleted the card: nothing is posted anew.
    slack.driver.command("/plan", "done 1")
    milestone_posted_at(slack)
    slack.fake.settle()
    posts = len(slack.fake.calls_to("chat.postMessage"))
    slack.fake.fail("chat.update", error="message_not_found")
    slack.driver.command("/plan", "undo 1")
    slack.fake.wait_for("chat.update", 2)
    slack.fake.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == posts
    with slack.app.uow() as s:
        assert s.scalars(select(MilestoneAward)).all() == []
