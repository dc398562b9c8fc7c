"""A cohort channel that refuses the bot: one attempt, one notice that says why.

A check-in's card and its celebrations go out as one message (embeds), so a channel that
refuses is asked once; the member reads one notice with the true reason, and a long rate
limit is told as such, never as the generic apology.
"""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest

from adapters.discord.bot import NOT_POSTED, SORRY_AFTER
from adapters.discord.platform import DiscordPlatform
from bot.messages import Message
from bot.ports import DeliveryError, Destination
from bot.storage.orm import Cohort
from bot.usecases import APOLOGY
from tests.discord.discord_fake_api import (
    COHORT_CHANNEL_ID,
    FORUM_CHANNEL_ID,
    GUILD_ID,
    MEDIA_CHANNEL_ID,
)
from tests.discord.discord_harness import (
    ADA,
    Harness,
    command_data,
    embed_text,
    interaction,
    is_ephemeral,
    message_body,
    run_with_bot,
)
from tests.support.db import count

POSTS = rf"/channels/{COHORT_CHANNEL_ID}/messages"
# A first check-in with hours and a full plan week: a card and several celebrations.
CHECKIN = "finished lesson 4 | next: lesson 5 | mood: 4 | hours: 3h learning, 2h building"


async def checkin(h: Harness) -> list[str]:
    """Check in; return every follow-up text the member read (the answer first)."""
    answer = await h.slash("checkin", text=CHECKIN)
    assert "Check-in saved" in embed_text(answer)
    token = answer.path.rsplit("/", 1)[-1]
    await asyncio.sleep(0.3)  # any further notices arrive within milliseconds
    return [embed_text(f) for f in h.fake.followups[token]]


def notices(texts: list[str]) -> list[str]:
    return [t for t in texts if NOT_POSTED in t or t in (APOLOGY, SORRY_AFTER)]


def test_a_card_and_its_celebrations_are_one_message(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        texts = await checkin(h)
        [post] = h.channel_posts()
        embeds = message_body(post)["embeds"]
        celebrations = texts[0].count("\n")  # the answer lists them too
        assert len(embeds) >= 2 and celebrations
        assert "Ada checked in" in (embeds[0].get("title") or "") + embed_text(post)
        assert not notices(texts)

    run_with_bot(app, scenario)


def refused(app, fail, expect: str) -> None:
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        fail(h)
        texts = await checkin(h)
        assert len(h.fake.find("POST", POSTS)) == 1  # asked once, not once per card
        [notice] = notices(texts)
        assert expect in notice, notice
        if "Send Messages" not in expect:
            assert "Send Messages" not in notice

    run_with_bot(app, scenario)


def test_missing_access_is_one_refusal_and_one_notice_that_says_so(app):
    refused(
        app,
        lambda h: h.fake.fail(
            "POST", POSTS, 403, {"message": "Missing Access", "code": 50001}, times=99
        ),
        "Missing Access",
    )


def test_a_deleted_channel_is_one_refusal_and_says_it_is_gone(app):
    refused(app, lambda h: h.fake.deleted_channels.add(COHORT_CHANNEL_ID), "no longer exists")


def test_missing_permissions_still_names_the_permissions(app):
    refused(
        app,
        lambda h: h.fake.fail(
            "POST", POSTS, 403, {"message": "Missing Permissions", "code": 50013}, times=99
        ),
        "Send Messages and Embed Links",
    )


def test_a_cloudflare_429_is_not_blamed_on_permissions(app):
    refused(
        app,
        lambda h: h.fake.fail(
            "POST", POSTS, 429, {"message": "banned"}, {"Retry-After": "7"}, times=99
        ),
        "slow down",
    )


def test_a_long_rate_limit_while_posting_is_told_not_apologised_for(app):
    refused(app, lambda h: h.fake.rate_limit("POST", POSTS, retry_after=120, times=99), "slow down")


def thread_payload(parent_id: str) -> dict:
    """``/cohort start`` typed inside a post (a public thread) of ``parent_id``."""
    payload = interaction(2, command_data("cohort", "start", name="Forum cohort"))
    thread_id = str(int(parent_id) + 1000)
    payload["channel_id"] = thread_id
    payload["channel"] = {
        "id": thread_id,
        "type": 11,
        "name": "my post",
        "parent_id": parent_id,
        "owner_id": ADA.user_id,
        "guild_id": GUILD_ID,
        "flags": 0,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-11-30T10:00:00.000000+00:00",
            "locked": False,
        },
    }
    return payload


def test_a_cohort_cannot_be_started_inside_a_forum_or_media_post(app):
    async def scenario(h: Harness) -> None:
        for parent in (FORUM_CHANNEL_ID, MEDIA_CHANNEL_ID):
            answer = await h.ask(thread_payload(parent))
            assert is_ephemeral(answer)
            assert "forum post" in embed_text(answer) and "text channel" in embed_text(answer)
        assert not h.channel_posts(FORUM_CHANNEL_ID)

    run_with_bot(app, scenario)
    assert count(app, Cohort) == 0


def test_a_thread_of_a_text_channel_still_starts_the_channels_cohort(app):
    async def scenario(h: Harness) -> None:
        answer = await h.ask(thread_payload(COHORT_CHANNEL_ID))
        assert "Cohort started" in embed_text(answer)

    run_with_bot(app, scenario)
    assert count(app, Cohort) == 1


def test_delivery_to_a_forum_is_permanent_not_an_attribute_error(app):
    async def scenario(h: Harness) -> None:
        platform = DiscordPlatform(h.bot, timeout=10)
        forum = Destination("discord", GUILD_ID, FORUM_CHANNEL_ID)
        with pytest.raises(DeliveryError) as info:
            await asyncio.to_thread(platform.send, forum, Message("Check-in time"))
        assert info.value.permanent and "forum" in info.value.reason

    run_with_bot(app, scenario)


def export_with_limit(h: Harness, limit: int):
    payload = interaction(2, command_data("cohort-admin", "export"), admin=True)
    payload["attachment_size_limit"] = limit
    return h.ask(payload)


def test_an_export_over_the_upload_limit_comes_zipped_or_says_where_to_get_it(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="long words " * 300)
        whole = await export_with_limit(h, 25 * 1024 * 1024)
        assert len(whole.files) == 4 and not message_body(whole).get("content")
        zipped = await export_with_limit(h, 2500)
        [(name, data)] = zipped.files
        assert name == "cohort-export.zip" and len(data) <= 2500
        assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 4
        assert "zipped" in embed_text(zipped)
        too_big = await export_with_limit(h, 300)
        assert not too_big.files
        text = embed_text(too_big)
        assert "upload limit" in text and "cohortbot export" in text
        assert APOLOGY not in text and SORRY_AFTER not in text

    run_with_bot(app, scenario)
