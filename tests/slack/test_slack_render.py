"""Block Kit rendering: everything escaped, Slack's limits kept, text fallback present."""

from __future__ import annotations

import json

from adapters.slack.render import (
    chunks,
    clip,
    escape,
    fallback_text,
    home_view,
    message_blocks,
    read_button_value,
)
from bot.messages import Attachment, Button, Field, Message


def test_escaping_defuses_mentions_and_markup():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    blocks = message_blocks(
        Message(
            "hi <!here>",
            title="<b>",
            fields=(Field("<x>", "a&b"),),
            blocks=("<#C1>",),
            buttons=(Button("<go>", "snooze_1h"),),
        )
    )
    dumped = json.dumps(blocks)
    assert "<" not in dumped and ">" not in dumped


def test_a_message_becomes_header_sections_fields_actions_and_context():
    message = Message(
        "Body",
        title="Title",
        fields=(Field("Did", "x"), Field("Next", "y")),
        blocks=("extra",),
        buttons=(Button("Check in now", "checkin_open", style="primary"),),
        image=Attachment("c.png", b"", "image/png"),
    )
    kinds = [b["type"] for b in message_blocks(message)]
    assert kinds == ["header", "section", "section", "section", "actions", "context"]
    assert fallback_text(message).startswith("*Title*\nBody")


def test_long_text_is_split_into_sections_of_at_most_3000_characters():
    text = ("word & more " * 1000).strip()
    pieces = list(chunks(text))
    assert all(len(p) <= 3000 for p in pieces) and len(pieces) > 1
    assert "".join(pieces).replace(" ", "") == escape(text).replace(" ", "")
    assert not any(p.endswith("&am") or p.endswith("&") for p in pieces)


def test_limits_on_fields_buttons_blocks_and_headers():
    message = Message(
        "x",
        title="T" * 500,
        fields=tuple(Field(f"f{i}", "v" * 5000) for i in range(23)),
        buttons=tuple(Button(f"b{i}" * 40, "snooze_1h") for i in range(30)),
        blocks=tuple(f"block {i}" for i in range(60)),
    )
    blocks = message_blocks(message)
    assert len(blocks) == 50 and blocks[-1]["type"] == "context"
    assert len(blocks[0]["text"]["text"]) <= 150
    sections = [b for b in blocks if "fields" in b]
    assert [len(b["fields"]) for b in sections] == [10, 10, 3]
    assert all(len(f["text"]) <= 2000 for b in sections for f in b["fields"])
    full = message_blocks(Message("x", buttons=message.buttons))
    actions = [b for b in full if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    ids = [e["action_id"] for a in actions for e in a["elements"]]
    assert len(set(ids)) == 30 and ids[1] == "snooze_1h#2"
    assert all(len(e["text"]["text"]) <= 75 for a in actions for e in a["elements"])


def test_clip_never_cuts_an_entity_in_half():
    assert clip("a&b", 4) == "a…"
    assert clip("abc", 10) == "abc"


def test_button_values_carry_the_cohort_channel():
    blocks = message_blocks(
        Message("x", buttons=(Button("Go", "snooze_1h", "v1"),)), channel_id="C9"
    )
    raw = blocks[-1]["elements"][0]["value"]
    assert read_button_value(raw) == ("C9", "v1")
    assert read_button_value("plain") == (None, "plain")
    assert read_button_value("{broken") == (None, "{broken")


def test_home_view_stays_within_100_blocks():
    cards = [
        Message(f"card {i}", title="Card", blocks=tuple("x" * 10 for _ in range(8)))
        for i in range(30)
    ]
    view = home_view(cards)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
