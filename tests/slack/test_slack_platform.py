"""SlackPlatform: scheduled messages out through the fake Web API, refusals classified."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient

from adapters.slack.platform import SlackPlatform
from bot.messages import Attachment, Button, Message
from bot.ports import DeliveryError, Destination

PROMPT = Message(
    "What did you do today? <!channel>",
    title="Check-in time",
    buttons=(
        Button("Check in now", "checkin_open", style="primary"),
        Button("Snooze 1 h", "snooze_1h"),
    ),
)


@pytest.fixture
def platform(fake_slack) -> SlackPlatform:
    return SlackPlatform(WebClient(token="xoxb-test-token", base_url=fake_slack.url))


def test_a_channel_message_is_posted_as_block_kit(platform, fake_slack):
    message_id = platform.send(Destination("slack", "T1", "C1"), PROMPT, key="prompt:m1:2026-11-30")
    post = fake_slack.calls_to("chat.postMessage")[0].body
    assert message_id == f"C1:{fake_slack.history['C1'][0]['ts']}"
    assert post["channel"] == "C1"
    assert post["metadata"]["event_payload"]["key"] == "prompt:m1:2026-11-30"
    assert "<!channel>" not in json.dumps(post)
    buttons = next(b for b in post["blocks"] if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == ["checkin_open", "snooze_1h"]
    assert json.loads(buttons[0]["value"])["c"] == "C1"


def test_a_dm_opens_the_conversation_first_and_remembers_it(platform, fake_slack):
    dm = Destination("slack", "T1", "C1", user_id="U1")
    platform.send(dm, PROMPT)
    platform.send(dm, PROMPT)
    assert len(fake_slack.calls_to("conversations.open")) == 1
    posts = fake_slack.calls_to("chat.postMessage")
    assert [p.body["channel"] for p in posts] == ["DU1", "DU1"]
    # The button still knows the cohort channel, so a click in the DM finds the cohort.
    button = next(b for b in posts[0].body["blocks"] if b["type"] == "actions")["elements"][0]
    assert json.loads(button["value"])["c"] == "C1"


def test_a_chart_follows_the_message_by_files_upload_v2(platform, fake_slack):
    chart = Attachment("cohort-W49.png", b"\x89PNG fake", "image/png")
    platform.send(Destination("slack", "T1", "C1"), Message("Weekly digest", image=chart))
    assert fake_slack.calls_to("upload")[0].raw == b"\x89PNG fake"
    assert fake_slack.calls_to("files.completeUploadExternal")[0].body["channel_id"] == "C1"


def test_rate_limited_carries_retry_after(platform, fake_slack):
    fake_slack.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(DeliveryError) as info:
        platform.send(Destination("slack", "T1", "C1"), PROMPT)
    assert info.value.retry_after == 7.0 and not info.value.permanent


@pytest.mark.parametrize(
    "error",
    [
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "invalid_auth",
        "token_revoked",
        "team_not_found",
    ],
)
def test_gone_places_and_revoked_tokens_are_permanent(platform, fake_slack, error):
    fake_slack.fail("chat.postMessage", error=error)
    with pytest.raises(DeliveryError) as info:
        platform.send(Destination("slack", "T1", "C1"), PROMPT)
    assert info.value.permanent and info.value.reason == error


def test_a_dm_to_a_deactivated_user_is_permanent(platform, fake_slack):
    fake_slack.fail("conversations.open", error="user_not_found")
    with pytest.raises(DeliveryError) as info:
        platform.send(Destination("slack", "T1", "C1", user_id="UGONE"), PROMPT)
    assert info.value.permanent


def test_server_errors_and_lost_connections_are_retryable(platform, fake_slack):
    fake_slack.fail("chat.postMessage", status=503, error="service_unavailable")
    with pytest.raises(DeliveryError) as info:
        platform.send(Destination("slack", "T1", "C1"), PROMPT)
    assert not info.value.permanent and info.value.retry_after is None
    fake_slack.stop()
    with pytest.raises(DeliveryError) as info:
        platform.send(Destination("slack", "T1", "C1"), PROMPT)
    assert not info.value.permanent and "connection" in info.value.reason


def test_find_sent_recognises_a_message_by_its_key(platform, fake_slack):
    where = Destination("slack", "T1", "C1")
    sent = platform.send(where, PROMPT, key="k1")
    assert platform.find_sent(where, "k1") == sent
    assert platform.find_sent(where, "k2") is None
