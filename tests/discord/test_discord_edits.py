"""Edits in place on Discord: the check-in embed is edited (PATCH), not reposted.

The bot reports the id of each public check-in card to the core; ``/checkin edit`` (typed
or through the form) then edits that message. When a moderator deleted the card, Discord
answers 404 Unknown Message and the edit goes out as a fresh card instead.
"""

from __future__ import annotations

import asyncio

from bot.storage.orm import CheckInRow, MilestoneAward
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID, GUILD_ID
from tests.discord.discord_harness import Harness, embed_text, run_with_bot
from tests.support.db import all_rows

POSTS = rf"/channels/{COHORT_CHANNEL_ID}/messages"
EDITS = rf"/channels/{COHORT_CHANNEL_ID}/messages/\d+"
EDIT_FORM = f"cohortbot:form:checkin_edit:{GUILD_ID}:{COHORT_CHANNEL_ID}"


async def recorded_id(h: Harness, other_than: str | None = None) -> str:
    """The message id the core stored for the one check-in, once the bot has reported it."""
    for _ in range(250):
        [row] = await asyncio.to_thread(all_rows, h.app, CheckInRow)
        if row.posted_message_id is not None and row.posted_message_id != other_than:
            assert row.posted_channel == COHORT_CHANNEL_ID
            return str(row.posted_message_id)
        await asyncio.sleep(0.02)
    raise AssertionError("the card's place was never recorded")


def card_posts(h: Harness) -> list:
    return [r for r in h.channel_posts() if "checked in" in embed_text(r)]


def test_a_typed_edit_edits_the_card_in_place(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first draft | next: lesson 5")
        [post, *_] = await h.fake.wait_request("POST", POSTS)
        message_id = await recorded_id(h)
        assert h.fake.posted[message_id]["embeds"] == post.json["embeds"]
        await h.slash("checkin", text="finished lessons 4 and 5", edit=True)
        [edit] = await h.fake.wait_request("PATCH", EDITS)
        assert edit.path.endswith(f"/messages/{message_id}") and edit.status == 200
        assert "finished lessons 4 and 5" in embed_text(edit)
        assert edit.json["allowed_mentions"] == {"parse": []}
        assert len(card_posts(h)) == 1

    run_with_bot(app, scenario)


def test_an_edit_through_the_form_edits_the_card_in_place(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first draft | blockers: GPU quota")
        message_id = await recorded_id(h)
        await h.submit(EDIT_FORM, {"did": "final text", "next": "", "blockers": "", "mood": ""})
        [edit] = await h.fake.wait_request("PATCH", EDITS)
        assert edit.path.endswith(f"/messages/{message_id}")
        assert "GPU quota" not in embed_text(edit)
        assert len(card_posts(h)) == 1

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert (row.did, row.next, row.blockers) == ("final text", None, None)


def test_an_edit_clears_the_fields_given_empty_typed_or_in_the_form(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="draft | next: lesson 5 | blockers: GPU quota | mood: 3")
        await recorded_id(h)
        await h.slash("checkin", text="second draft | blockers:", edit=True)
        await h.fake.wait_request("PATCH", EDITS)
        [row] = await asyncio.to_thread(all_rows, h.app, CheckInRow)
        assert (row.next, row.blockers, row.mood) == ("lesson 5", None, 3)
        await h.submit(
            EDIT_FORM, {"did": "final text", "next": "lesson 5", "blockers": "", "mood": ""}
        )
        for _ in range(250):
            [row] = await asyncio.to_thread(all_rows, h.app, CheckInRow)
            if row.did == "final text":
                break
            await asyncio.sleep(0.02)
        assert (row.did, row.next, row.blockers, row.mood) == ("final text", "lesson 5", None, None)

    run_with_bot(app, scenario)


def test_an_edit_after_the_public_message_was_deleted_posts_a_fresh_card(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first draft")
        first = await recorded_id(h)
        h.fake.deleted_messages.add(first)  # a moderator removed the card
        await h.slash("checkin", text="second draft", edit=True)
        [edit] = await h.fake.wait_request("PATCH", EDITS)
        assert edit.status == 404
        await h.fake.wait_for(lambda: len(card_posts(h)) == 2, what="a fresh card")
        assert "second draft" in embed_text(card_posts(h)[-1])
        # The fresh card is the one the next edit updates.
        second = await recorded_id(h, other_than=first)
        await h.slash("checkin", text="third draft", edit=True)
        edits = await h.fake.wait_request("PATCH", EDITS, count=2)
        assert edits[-1].path.endswith(f"/messages/{second}") and edits[-1].status == 200
        assert len(card_posts(h)) == 2

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert row.did == "third draft"


def test_an_undo_edits_the_public_celebration_in_place(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        await h.slash("plan", week=1, done=True)
        for _ in range(250):
            [award] = await asyncio.to_thread(all_rows, h.app, MilestoneAward)
            if award.posted_message_id is not None:
                break
            await asyncio.sleep(0.02)
        assert award.posted_channel == COHORT_CHANNEL_ID
        undo = await h.slash("plan", week=1, done=False)
        assert "Taken back: Plan week 1 done" in embed_text(undo)
        [edit] = await h.fake.wait_request("PATCH", EDITS)
        assert edit.path.endswith(f"/messages/{award.posted_message_id}")
        assert "taken back" in embed_text(edit)

    run_with_bot(app, scenario)
    assert all_rows(app, MilestoneAward) == []
