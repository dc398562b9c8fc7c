"""Forms (modals) and persistent buttons, end to end, including across a restart."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.discord.bot import UNKNOWN_BUTTON, UNKNOWN_FORM
from adapters.discord.platform import DiscordPlatform
from bot.bootstrap import App
from bot.messages import Button, Message
from bot.ports import Destination
from bot.storage.orm import CheckInRow, HourLog, Member, OutboxRow, PlanWeek
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID, GUILD_ID, FakeDiscord, Recorded
from tests.discord.discord_harness import (
    ADA,
    BO,
    Harness,
    button_row,
    callback_data,
    callback_type,
    custom_ids,
    embed_text,
    is_ephemeral,
    prompt_message,
    run_with_bot,
    running_bot,
)
from tests.support.db import all_rows, count, member

MODAL = 9
CONTEXT = f":{GUILD_ID}:{COHORT_CHANNEL_ID}"
CHECKIN_FORM = "cohortbot:form:checkin" + CONTEXT


def form_inputs(record: Recorded) -> dict[str, dict[str, Any]]:
    """The text inputs of a modal callback, by custom id."""
    assert callback_type(record) == MODAL, record.json
    inputs: dict[str, dict[str, Any]] = {}
    for row in callback_data(record)["components"]:
        for component in row.get("components") or [row.get("component")]:
            inputs[component["custom_id"]] = component
    return inputs


def private_text(record: Recorded) -> str:
    assert callback_type(record) in (4, None) and is_ephemeral(record), record.json
    return embed_text(record)


def test_checkin_without_text_opens_the_form(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        callback = await h.slash("checkin")
        data = callback_data(callback)
        assert data["custom_id"] == CHECKIN_FORM and data["title"] == "Check in"
        inputs = form_inputs(callback)
        assert list(inputs) == ["did", "next", "blockers", "hours", "mood"]
        assert [inputs[k]["max_length"] for k in ("did", "next", "blockers")] == [4000] * 3
        assert inputs["did"]["required"] and not inputs["next"]["required"]

    run_with_bot(app, scenario)
    assert count(app, CheckInRow) == 0


def test_submitting_the_form_records_the_checkin(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin")
        callback = await h.submit(
            CHECKIN_FORM,
            {
                "did": "finished lesson 4\nand the quiz",
                "next": "lesson 5",
                "blockers": "",
                "hours": "1h learning, 30m b",
                "mood": "4/5",
            },
        )
        assert "Check-in saved" in private_text(callback)
        [post] = await h.fake.wait_request("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        assert "finished lesson 4" in embed_text(post)

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert (row.did, row.next, row.blockers, row.mood) == (
        "finished lesson 4\nand the quiz",
        "lesson 5",
        None,
        4,
    )
    assert sorted((x.category, x.minutes) for x in all_rows(app, HourLog)) == [
        ("building", 30),
        ("learning", 60),
    ]


def test_a_bad_form_value_is_explained_and_nothing_is_saved(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        mood = await h.submit(CHECKIN_FORM, {"did": "x", "mood": "11"})
        assert "Mood is a number from 1 to 5" in private_text(mood)
        # A newline in the hours field must not smuggle in another labelled segment.
        hours = await h.submit(CHECKIN_FORM, {"did": "x", "hours": "1h learning\nmood: 5"})
        assert "In hours" in private_text(hours)
        empty = await h.submit(CHECKIN_FORM, {"did": "   "})
        assert "Say what you did" in private_text(empty)

    run_with_bot(app, scenario)
    assert count(app, CheckInRow) == 0 and count(app, HourLog) == 0


def test_the_edit_form_is_prefilled_and_replaces_todays_checkin(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first draft | next: lesson 5 | mood: 3")
        callback = await h.slash("checkin", edit=True)
        inputs = form_inputs(callback)
        assert callback_data(callback)["custom_id"] == "cohortbot:form:checkin_edit" + CONTEXT
        assert inputs["did"]["value"] == "first draft" and inputs["next"]["value"] == "lesson 5"
        assert inputs["mood"]["value"] == "3" and "hours" not in inputs
        done = await h.submit(
            "cohortbot:form:checkin_edit" + CONTEXT,
            {"did": "final text", "next": "", "blockers": "", "mood": "5"},
        )
        assert "Updated your check-in" in private_text(done)

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert (row.did, row.next or None, row.mood) == ("final text", None, 5)


def test_a_4000_character_form_field_is_stored_whole_and_shown_cut(app):
    long_did = ("I rebuilt the feature pipeline. " * 130)[:3999] + "!"
    assert len(long_did) == 4000

    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        callback = await h.submit(CHECKIN_FORM, {"did": long_did, "blockers": "b" * 4000})
        assert "Check-in saved" in private_text(callback)
        [post] = await h.fake.wait_request("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        for embed in post.json["embeds"]:
            assert all(len(f["value"]) <= 1024 for f in embed.get("fields", []))
            assert len(embed.get("description") or "") <= 4096
        too_long = await h.submit(CHECKIN_FORM, {"did": long_did + "!"}, person=BO)
        assert "at most 4000 characters" in private_text(too_long)

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert row.did == long_did and row.blockers == "b" * 4000


def prompt() -> Message:
    return Message(
        "What did you work on today?",
        title="Check-in time",
        buttons=(
            Button("Check in now", "checkin_open", style="primary"),
            Button("Log hours", "hours_open"),
            Button("Snooze 1 h", "snooze_1h"),
            Button("Done", "plan_week_done", style="primary"),
            Button("Not yet", "plan_week_not_yet"),
        ),
    )


async def send_prompt(h: Harness, destination: Destination) -> Recorded:
    platform = DiscordPlatform(h.bot, timeout=5)
    message_id = await asyncio.to_thread(platform.send, destination, prompt())
    [post] = [
        r
        for r in h.fake.requests
        if r.method == "POST" and "/messages" in r.path and r.status == 200
    ][-1:]
    assert message_id.isdigit()
    return post


def test_buttons_on_a_prompt_keep_working_after_a_restart(app: App):
    posted: dict[str, Any] = {}
    channel = Destination("discord", GUILD_ID, COHORT_CHANNEL_ID)

    async def before_restart(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        post = await send_prompt(h, channel)
        posted["components"] = post.json["components"]
        assert custom_ids(post) == [
            f"cohortbot:{a}{CONTEXT}"
            for a in (
                "checkin_open",
                "hours_open",
                "snooze_1h",
                "plan_week_done",
                "plan_week_not_yet",
            )
        ]

    async def after_restart(h: Harness) -> None:
        message = prompt_message(posted["components"])
        ids = [c["custom_id"] for row in posted["components"] for c in row["components"]]
        opened = await h.click(ids[0], message=message)
        assert callback_data(opened)["custom_id"] == CHECKIN_FORM
        hours = await h.click(ids[1], message=message)
        assert list(form_inputs(hours)) == ["amount", "category", "note", "day"]
        logged = await h.submit(
            callback_data(hours)["custom_id"],
            {"amount": "45m", "category": "n", "note": "coffee chat"},
        )
        assert "Logged 45 min of networking" in private_text(logged)
        snoozed = await h.click(ids[2], message=message)
        assert "Snoozed for 1 h" in private_text(snoozed)
        done = await h.click(ids[3], message=message)
        assert "Week 1 done" in private_text(done)
        not_yet = await h.click(ids[4], message=message)
        assert "Not yet is fine" in private_text(not_yet)

    run_with_bot(app, before_restart)
    run_with_bot(app, after_restart)  # a second client instance: nothing kept in memory
    ada = member(app, ADA.user_id)
    assert ada is not None and ada.snoozed_until is not None
    assert [(x.minutes, x.category, x.note) for x in all_rows(app, HourLog)] == [
        (45, "networking", "coffee chat")
    ]
    assert next(w for w in all_rows(app, PlanWeek) if w.week == 1).done_at is not None
    assert count(app, OutboxRow) == 1  # the snoozed prompt, queued once


def test_a_form_opened_before_a_restart_still_submits(app: App):
    fake = FakeDiscord()

    async def main() -> None:
        await fake.start()
        try:
            async with running_bot(app, fake=fake) as h:
                await h.start_cohort()
                opened = await h.slash("checkin")
                custom_id = callback_data(opened)["custom_id"]
            async with running_bot(app, fake=fake) as h2:
                submitted = await h2.submit(custom_id, {"did": "wrote it before the restart"})
                assert "Check-in saved" in private_text(submitted)
        finally:
            await fake.stop()

    asyncio.run(main())
    assert [r.did for r in all_rows(app, CheckInRow)] == ["wrote it before the restart"]


def test_a_button_in_a_direct_message_knows_its_cohort(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join", person=BO)
        h.fake.add_user(BO.user_payload())
        dm = Destination("discord", GUILD_ID, COHORT_CHANNEL_ID, user_id=BO.user_id)
        post = await send_prompt(h, dm)
        assert post.path == "/channels/9" + BO.user_id[1:] + "/messages"
        message = prompt_message(post.json["components"], channel_id="9" + BO.user_id[1:])
        snoozed = await h.click(
            f"cohortbot:snooze_1h{CONTEXT}", person=BO, dm=True, message=message
        )
        assert "Snoozed" in private_text(snoozed)
        opened = await h.click(
            f"cohortbot:checkin_open{CONTEXT}", person=BO, dm=True, message=message
        )
        form_id = callback_data(opened)["custom_id"]
        saved = await h.submit(form_id, {"did": "checked in from my DMs"}, person=BO, dm=True)
        assert "Check-in saved" in private_text(saved)

    run_with_bot(app, scenario)
    bo = member(app, BO.user_id)
    assert bo is not None and bo.snoozed_until is not None
    assert [r.did for r in all_rows(app, CheckInRow)] == ["checked in from my DMs"]


def test_forged_custom_ids_get_a_polite_error_and_change_nothing(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        unknown_action = await h.click("cohortbot:drop_tables")
        assert UNKNOWN_BUTTON in private_text(unknown_action)
        foreign = await h.click("someone-else:snooze_1h")
        assert UNKNOWN_BUTTON in private_text(foreign)
        # A known id that is not on the message it claims to come from.
        off_message = await h.click(
            "cohortbot:snooze_1h", message=prompt_message(button_row("cohortbot:checkin_open"))
        )
        assert UNKNOWN_BUTTON in private_text(off_message)
        elsewhere = await h.click("cohortbot:snooze_1h:1:2")
        assert "no cohort" in private_text(elsewhere)
        form = await h.submit("cohortbot:form:make_me_admin", {"did": "x"})
        assert UNKNOWN_FORM in private_text(form)
        garbage = await h.submit("x" * 100, {"did": "x"})
        assert UNKNOWN_FORM in private_text(garbage)

    run_with_bot(app, scenario)
    ada = member(app, ADA.user_id)
    assert ada is not None and ada.snoozed_until is None
    assert count(app, CheckInRow) == 0 and count(app, OutboxRow) == 0


def test_forget_me_asks_first_then_the_button_deletes_my_data(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="something to forget")
        asked = await h.slash("cohort", "forget-me")
        assert "Sure?" in private_text(asked)
        [confirm] = custom_ids(asked)
        assert confirm == f"cohortbot:forget_me_confirm{CONTEXT}"
        assert count(app, CheckInRow) == 1
        components = asked.json["components"]
        gone = await h.click(confirm, message=prompt_message(components))
        assert "I deleted your data" in private_text(gone)

    run_with_bot(app, scenario)
    assert count(app, CheckInRow) == 0 and count(app, Member) == 0
