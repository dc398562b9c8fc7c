"""A cohort channel that refuses the bot: one attempt, one notice that says why.

A check-in's card and its celebrations go out as one message (embeds), so a channel that
refuses is asked once; the member reads one notice with the true reason, and a long rate
limit is told as such, never as the generic apology.
"""

from __future__ import annotations

import asyncio

from adapters.discord.bot import NOT_POSTED, SORRY_AFTER
from bot.usecases import APOLOGY
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID
from tests.discord.discord_harness import Harness, embed_text, message_body, run_with_bot

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
