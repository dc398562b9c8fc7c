"""Free text is stored as typed and shown inert; every message fits Discord's limits."""

from __future__ import annotations

from dataclasses import replace

from adapters.discord import render as r
from bot.bootstrap import bootstrap
from bot.messages import Attachment, Button, Field, Message
from bot.storage.orm import CheckInRow, Cohort
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID
from tests.discord.discord_harness import (
    Harness,
    command_data,
    embed_text,
    interaction,
    run_with_bot,
)
from tests.support.db import all_rows

INJECTION = "shipped it @everyone @here <@&1160000000000000123> <@1160000000000001002> <#1>"


def test_mentions_are_stored_verbatim_and_rendered_inert(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort(name="@everyone party <@&1160000000000000123>")
        callback = await h.slash("checkin", text=INJECTION)
        assert callback.json["allowed_mentions"] == {"parse": []}
        [post] = await h.fake.wait_request("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        assert post.json["allowed_mentions"] == {"parse": []}
        for shown in (embed_text(post), embed_text(callback)):
            assert "@everyone" not in shown and "@here" not in shown
            assert "<@&" not in shown and "<@1" not in shown and "<#1" not in shown
        assert "shipped it" in embed_text(post)

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert row.did == INJECTION
    assert all_rows(app, Cohort)[0].name == "@everyone party <@&1160000000000000123>"


def test_a_reply_longer_than_a_message_is_split_not_dropped(engine, content, clock):
    # Content with 400 tracks: refusing an unknown one names them all (~4,500 characters).
    one = next(iter(content.tracks.values()))
    many = {f"track-{i:03d}": one for i in range(400)}
    app = bootstrap(
        engine=engine, content=replace(content, tracks=many), clock=clock, migrate=False
    )

    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        payload = interaction(2, command_data("cohort", "join", track="astronaut"))
        await h.send(payload)
        pieces = await h.followups(payload["token"], count=3)
        texts = [p.json["content"] for p in pieces]
        assert all(len(t) <= 2000 for t in texts)
        assert all(p.json["flags"] & 64 for p in pieces)
        words = " ".join(texts).replace(",", " ").split()
        assert words[:3] == ["Unknown", "track", "'astronaut'."]
        assert set(many) <= set(words)

    run_with_bot(app, scenario)


def test_render_keeps_every_embed_within_discords_limits():
    message = Message(
        "x" * 5000,
        title="T" * 300,
        blocks=("b" * 3000,),
        fields=tuple(Field(f"name {i} " + "n" * 300, "v" * 2000) for i in range(30)),
        buttons=tuple(Button("L" * 100, f"act_{i}") for i in range(7)),
    )
    rendered = r.render(message)
    [embed] = rendered.embeds
    assert len(embed.title or "") <= 256 and (embed.title or "").endswith("…")
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
    assert len(embed) <= 6000
    assert embed.footer.text and "more not shown" in embed.footer.text
    assert rendered.view is not None
    labels = [item.item.label for item in rendered.view.children]  # type: ignore[attr-defined]
    assert len(labels) == 7 and all(len(label or "") <= 80 for label in labels)


def test_render_attaches_the_chart_and_files():
    chart = Attachment("cohort-2026-W49.png", b"\x89PNG...", "image/png")
    csv = Attachment("checkins.csv", b"a,b\n", "text/csv")
    rendered = r.render(Message("Summary", image=chart, files=(csv,)))
    assert rendered.embeds[0].image.url == "attachment://cohort-2026-W49.png"
    assert [f.filename for f in rendered.files()] == ["cohort-2026-W49.png", "checkins.csv"]


def test_plain_text_is_split_at_line_ends_and_made_mention_safe():
    text = "\n".join(f"line {i} @everyone" for i in range(400))
    pieces = r.plain_chunks(text)
    assert len(pieces) > 1 and all(len(p) <= 2000 for p in pieces)
    assert all("@everyone" not in p for p in pieces)
    assert all(p.startswith("line") for p in pieces)
    assert r.split_text("y" * 4500) == ["y" * 2000, "y" * 2000, "y" * 500]
