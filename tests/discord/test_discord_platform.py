"""DiscordPlatform.send, the port the scheduler delivers through: channels, DMs, failures."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord.platform import DiscordPlatform, nonce_for
from bot.messages import Button, Message
from bot.ports import DeliveryError, Destination
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID, GUILD_ID
from tests.discord.discord_harness import BO, Harness, custom_ids, embed_text, run_with_bot

CHANNEL = Destination("discord", GUILD_ID, COHORT_CHANNEL_ID)
NUDGE = Message(
    "Day 9 of 30 — this week: begin your first portfolio project.",
    title="Check-in time",
    buttons=(Button("Check in now", "checkin_open"),),
)


async def send(h: Harness, destination: Destination, message: Message = NUDGE) -> str:
    return await asyncio.to_thread(DiscordPlatform(h.bot, timeout=10).send, destination, message)


async def refused(h: Harness, destination: Destination) -> DeliveryError:
    with pytest.raises(DeliveryError) as info:
        await send(h, destination)
    return info.value


def test_send_posts_an_embed_with_buttons_to_the_cohort_channel(app):
    async def scenario(h: Harness) -> None:
        message_id = await send(h, CHANNEL)
        [post] = h.channel_posts()
        assert message_id.isdigit()
        assert "begin your first portfolio project" in embed_text(post)
        assert post.json["allowed_mentions"] == {"parse": []}
        assert custom_ids(post) == [f"cohortbot:checkin_open:{GUILD_ID}:{COHORT_CHANNEL_ID}"]

    run_with_bot(app, scenario)


def test_the_outbox_key_travels_as_an_enforced_nonce(app):
    async def scenario(h: Harness) -> None:
        platform = DiscordPlatform(h.bot, timeout=10)
        key = "checkin_prompt:m12345:2026-12-01"
        await asyncio.to_thread(lambda: platform.send(CHANNEL, NUDGE, key=key))
        [post] = h.channel_posts()
        assert post.json["nonce"] == nonce_for(key) and len(nonce_for(key)) <= 25
        assert post.json["enforce_nonce"] is True

    run_with_bot(app, scenario)


def test_send_to_a_member_opens_a_dm_first(app):
    async def scenario(h: Harness) -> None:
        h.fake.add_user(BO.user_payload())
        await send(h, Destination("discord", GUILD_ID, COHORT_CHANNEL_ID, user_id=BO.user_id))
        [opened] = h.fake.find("POST", r"/users/@me/channels")
        assert opened.json == {"recipient_id": int(BO.user_id)}
        assert h.channel_posts("9" + BO.user_id[1:])
        assert not h.fake.find("GET", r"/users/\d+")  # the DM is created directly
        await send(h, Destination("discord", GUILD_ID, COHORT_CHANNEL_ID, user_id=BO.user_id))
        assert len(h.fake.find("POST", r"/users/@me/channels")) == 1  # cached after that

    run_with_bot(app, scenario)


def test_a_refused_token_halts_delivery_once_and_is_never_permanent(app, caplog):
    async def scenario(h: Harness) -> None:
        path = rf"/channels/{COHORT_CHANNEL_ID}/messages"
        h.fake.fail("POST", path, 401, {"message": "401: Unauthorized", "code": 0}, times=99)
        platform = DiscordPlatform(h.bot, timeout=10, credentials_retry=0.3)
        errors = []
        for _ in range(3):
            with pytest.raises(DeliveryError) as info:
                await asyncio.to_thread(platform.send, CHANNEL, NUDGE)
            errors.append(info.value)
        assert all(e.halt and not e.permanent and e.retry_after == 0.3 for e in errors)
        assert len(h.fake.find("POST", path)) == 1  # the others were not even tried
        await asyncio.sleep(0.35)
        with pytest.raises(DeliveryError):
            await asyncio.to_thread(platform.send, CHANNEL, NUDGE)
        assert len(h.fake.find("POST", path)) == 2  # tried again after the pause
        h.fake.clear_failures()
        await asyncio.sleep(0.35)
        assert (await asyncio.to_thread(platform.send, CHANNEL, NUDGE)).isdigit()

    with caplog.at_level("INFO", logger="adapters.discord.platform"):
        run_with_bot(app, scenario)
    refused = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(refused) == 1 and "401" in refused[0].getMessage()
    assert "resumed" in caplog.text

    run_with_bot(app, scenario)


def test_a_deleted_channel_is_a_permanent_failure(app):
    async def scenario(h: Harness) -> None:
        h.fake.deleted_channels.add(COHORT_CHANNEL_ID)  # deleted after the bot cached it
        cached = await refused(h, CHANNEL)
        assert cached.permanent and "unknown channel" in cached.reason
        never_seen = await refused(h, Destination("discord", GUILD_ID, "1160000000000000299"))
        assert never_seen.permanent and never_seen.retry_after is None

    run_with_bot(app, scenario)


def test_closed_dms_and_unknown_users_are_permanent(app):
    async def scenario(h: Harness) -> None:
        h.fake.add_user(BO.user_payload())
        h.fake.closed_dms.add(BO.user_id[1:])
        closed = await refused(
            h, Destination("discord", GUILD_ID, COHORT_CHANNEL_ID, user_id=BO.user_id)
        )
        assert closed.permanent and "cannot send messages" in closed.reason
        unknown = await refused(
            h, Destination("discord", GUILD_ID, COHORT_CHANNEL_ID, user_id="1160000000000009999")
        )
        assert unknown.permanent

    run_with_bot(app, scenario)


def test_a_429_is_waited_out_by_discord_py_and_retried(app):
    async def scenario(h: Harness) -> None:
        h.fake.rate_limit("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages", retry_after=0.05)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await send(h, CHANNEL)
        attempts = h.fake.find("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        assert [a.status for a in attempts] == [429, 200]
        assert loop.time() - started >= 0.05

    run_with_bot(app, scenario)


def test_a_long_rate_limit_becomes_a_retry_after_for_the_outbox(app):
    async def scenario(h: Harness) -> None:
        h.fake.rate_limit("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages", retry_after=120)
        error = await refused(h, CHANNEL)
        assert not error.permanent and error.retry_after == 120

    run_with_bot(app, scenario)


def test_a_cloudflare_429_and_a_server_error_are_retryable(app):
    async def scenario(h: Harness) -> None:
        path = rf"/channels/{COHORT_CHANNEL_ID}/messages"
        h.fake.fail("POST", path, 429, {"message": "banned"}, {"Retry-After": "7"})
        cloudflare = await refused(h, CHANNEL)
        assert not cloudflare.permanent and cloudflare.retry_after == 7
        h.fake.fail("POST", path, 503, {"message": "upstream", "code": 0})
        unavailable = await refused(h, CHANNEL)
        assert not unavailable.permanent and unavailable.retry_after is None

    run_with_bot(app, scenario)


def test_send_refuses_other_platforms_and_a_stopped_bot(app):
    async def scenario(h: Harness) -> None:
        other = await refused(h, Destination("slack", "T1", "C1"))
        assert other.permanent
        bad_id = await refused(h, Destination("discord", GUILD_ID, "general"))
        assert bad_id.permanent

    run_with_bot(app, scenario)

    from adapters.discord.bot import CohortBot

    idle = DiscordPlatform(CohortBot(core=app.core))
    with pytest.raises(DeliveryError) as info:
        idle.send(CHANNEL, NUDGE)
    assert not info.value.permanent
