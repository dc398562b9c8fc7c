"""The corpus through the real discord.py client and the fake Discord.

Every interaction is answered, every message the bot sends carries
``allowed_mentions: {"parse": []}`` and shows no live mention, errors write nothing,
and stored text is kept verbatim.
"""

from __future__ import annotations

import asyncio

from tests.discord.discord_fake_api import COHORT_CHANNEL_ID
from tests.discord.discord_harness import (
    ADA,
    Harness,
    Person,
    embed_text,
    message_body,
    run_with_bot,
)
from tests.reliability.rel_corpus import live_markup, load, load_raw
from tests.reliability.test_corpus_core import KNOWN_BUGS
from tests.support.db import settled_snapshot, snapshot, stored_anywhere

CHECKINS = [e for e in load() if e.name == "/checkin" and e.id not in KNOWN_BUGS]
FORMS = load_raw("form_fields.yaml")
FORM_IDS = {"checkin": "cohortbot:form:checkin", "hours": "cohortbot:form:hours"}


async def settled(app) -> dict:
    return await asyncio.to_thread(settled_snapshot, app.engine)


def person(index: int) -> Person:
    return Person(f"11600000000000{index:05d}", f"Member{index}")


def sent_messages(h: Harness) -> list:
    """Every callback, follow-up and channel post that carries words."""
    out = []
    for record in h.fake.requests:
        if record.method not in ("POST", "PATCH") or not isinstance(record.json, dict):
            continue
        if "/callback" in record.path and int(record.json.get("type", 0)) not in (4, 7):
            continue  # a deferral or a modal: no message
        if (
            "/callback" in record.path
            or "/webhooks/" in record.path
            or ("/channels/" in record.path and record.path.endswith("/messages"))
        ):
            out.append(record)
    return out


def check_outbound(h: Harness) -> list[str]:
    problems = []
    for record in sent_messages(h):
        body = message_body(record)
        if body.get("allowed_mentions") != {"parse": []}:
            problems.append(f"{record.path}: allowed_mentions {body.get('allowed_mentions')}")
        if live_markup(embed_text(record)):
            problems.append(f"{record.path}: live {live_markup(embed_text(record))}")
    return problems


def test_every_checkin_in_the_corpus_is_answered_and_inert(app):
    failures: dict[str, list[str]] = {}

    async def scenario(h: Harness) -> None:
        await h.start_cohort(person=ADA)
        for index, entry in enumerate(CHECKINS):
            who = person(index)
            await h.slash("cohort", "join", person=who)
            before = await settled(app) if entry.expect == "error" else {}
            _, text = entry.split()
            answer = await h.slash("checkin", person=who, text=text or " ")
            problems = []
            if not embed_text(answer) and not body_has_modal(answer):
                problems.append("no answer")
            if entry.expect == "error" and snapshot(app.engine) != before:
                problems.append("an error wrote to the database")
            if entry.stored is not None and not stored_anywhere(app.engine, entry.stored):
                problems.append("not stored verbatim")
            if problems:
                failures[entry.id] = problems
        assert len(sent_messages(h)) > len(CHECKINS)
        problems = check_outbound(h)
        if problems:
            failures["outbound"] = problems

    run_with_bot(app, scenario, timeout=120)
    assert failures == {}


def body_has_modal(record) -> bool:
    return "/callback" in record.path and int(record.json.get("type", 0)) == 9


def test_hostile_form_values_are_answered_and_stored_verbatim_or_refused(app):
    failures: dict[str, list[str]] = {}
    context = f":{_guild()}:{COHORT_CHANNEL_ID}"

    async def scenario(h: Harness) -> None:
        await h.start_cohort(person=ADA)
        for index, item in enumerate(FORMS):
            who = person(500 + index)
            await h.slash("cohort", "join", person=who)
            before = await settled(app)
            answer = await h.submit(
                FORM_IDS[item["form"]] + context, dict(item["values"]), person=who
            )
            problems = []
            if not embed_text(answer):
                problems.append("no answer")
            if item["expect"] == "error" and snapshot(app.engine) != before:
                problems.append("an error wrote to the database")
            if item["expect"] == "stored" and not stored_anywhere(app.engine, item["stored"]):
                problems.append("not stored verbatim")
            if problems:
                failures[item["id"]] = problems
        problems = check_outbound(h)
        if problems:
            failures["outbound"] = problems

    run_with_bot(app, scenario, timeout=60)
    assert failures == {}


def _guild() -> str:
    from tests.discord.discord_fake_api import GUILD_ID

    return GUILD_ID
