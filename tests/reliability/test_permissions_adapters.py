"""Forged buttons and forms: the acting user is always the one the platform vouches for
(Slack's signed ``user.id``, Discord's authenticated interaction user), never an id
inside a button value, a modal's metadata or a custom id."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from adapters.discord.bot import FOREIGN_CONTEXT
from adapters.slack.render import button_value
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.storage.orm import CheckInRow, Cohort, CohortAdmin, Member
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID, GUILD_ID
from tests.discord.discord_harness import (
    ADA,
    BO,
    Harness,
    button_row,
    embed_text,
    prompt_message,
    run_with_bot,
)
from tests.support.db import all_rows, count, settled_snapshot, snapshot

# -- Slack ---------------------------------------------------------------------------------


def slack_world(slack) -> None:
    d = slack.driver
    slack.fake.user("U2", tz="UTC", name="Grace")
    d.command("/cohort", "start Main", user="U1", channel="C1")
    d.command("/checkin", "ada's entry", user="U1", channel="C1")
    d.command("/cohort", "join", user="U2", channel="C1")
    d.command("/checkin", "grace's entry", user="U2", channel="C1")
    d.command("/cohort", "start Other", user="UADMIN", channel="C2")


def members(slack) -> dict[tuple[str, str], str]:
    with slack.app.uow() as s:
        return {(m.cohort.channel_id, m.user_id): m.status for m in s.scalars(select(Member))}


def test_a_forged_forget_me_button_value_deletes_only_the_clickers_data(slack):
    slack_world(slack)
    forged = json.dumps({"c": "C1", "v": "U1", "user": "U1", "u": "U1"})
    slack.driver.action("forget_me_confirm", forged, user="U2", channel="C1")
    assert "I deleted your data" in slack.fake.wait_for("response_url")[0].body["text"]
    with slack.app.uow() as s:
        assert [r.did for r in s.scalars(select(CheckInRow))] == ["ada's entry"]
    assert ("C1", "U1") in members(slack) and ("C1", "U2") not in members(slack)


def test_a_button_value_naming_another_cohort_acts_only_as_the_clicker(slack):
    slack_world(slack)
    before = settled_snapshot(slack.app.engine)
    # Grace is no member of C2's cohort: the click is refused there and changes nothing.
    slack.driver.action("snooze_1h", button_value("C2", "UADMIN"), user="U2", channel="C1")
    assert "not in Other" in slack.fake.wait_for("response_url")[0].body["text"]
    slack.driver.action("plan_week_done", button_value("C2", ""), user="U2", channel="C1")
    slack.fake.wait_for("response_url", 2)
    assert snapshot(slack.app.engine) == before


def test_forged_admin_actions_and_foreign_teams_change_nothing(slack):
    slack_world(slack)
    before = settled_snapshot(slack.app.engine)
    for action_id in ("cohort_export", "settings_admin", "forget_me_confirm_all", "x" * 300):
        r = slack.driver.action(action_id, button_value("C1", "U1"), user="U2", channel="C1")
        assert r.status < 500
    # A signed command from another workspace names the same channel id: not this cohort.
    r = slack.driver.command("/cohort", "settings admin U2", user="U2", channel="C1", team="T2")
    assert "no cohort" in r.json["text"]
    r = slack.driver.command("/cohort", "settings admin U2", user="U2", channel="C1")
    assert "That's for the cohort's admins" in r.json["text"]
    slack.fake.settle()
    assert snapshot(slack.app.engine) == before
    assert slack.fake.calls_to("files.completeUploadExternal") == []


def test_a_forged_modal_submission_checks_in_only_the_submitter(slack):
    slack_world(slack)
    slack.app.clock.advance(__import__("datetime").timedelta(days=1))
    slack.driver.command("/checkin", "", user="U2", channel="C1")
    view = slack.fake.wait_for("views.open")[0].body["view"]
    # Metadata rewritten to claim Ada, and to point at the other cohort's channel.
    view["private_metadata"] = json.dumps({"c": "C1", "u": "U1", "user": "U1", "admin": True})
    r = slack.driver.submit(view, {"did": "submitted by grace"}, user="U2")
    assert r.raw == b""
    view["private_metadata"] = json.dumps({"c": "C2", "u": "UADMIN"})
    slack.driver.submit(view, {"did": "grace in the other cohort"}, user="U2")
    with slack.app.uow() as s:
        rows = {
            (ch, user, did)
            for ch, user, did in s.execute(
                select(Cohort.channel_id, Member.user_id, CheckInRow.did)
                .join(Member, Member.id == CheckInRow.member_id)
                .join(Cohort, Cohort.id == Member.cohort_id)
            )
        }
        admins = set(
            s.execute(
                select(Cohort.channel_id, CohortAdmin.user_id).join(
                    Cohort, Cohort.id == CohortAdmin.cohort_id
                )
            ).all()
        )
    assert ("C1", "U2", "submitted by grace") in rows
    assert ("C2", "U2", "grace in the other cohort") in rows  # as herself, never as UADMIN
    assert not any(user == "U1" and did.startswith("submitted") for _, user, did in rows)
    assert admins == {("C1", "U1"), ("C2", "UADMIN")}


# -- Discord -------------------------------------------------------------------------------

CONTEXT = f":{GUILD_ID}:{COHORT_CHANNEL_ID}"


async def settled(app):
    """A snapshot once background bookkeeping (public post ids) has stopped changing."""
    previous = snapshot(app.engine)
    for _ in range(50):
        await asyncio.sleep(0.05)
        now = snapshot(app.engine)
        if now == previous:
            return now
        previous = now
    return previous


FOREIGN = ":1160000000000099999:1160000000000099998"


def test_discord_forged_ids_never_act_as_someone_else_or_in_another_server(app):
    # Another server's cohort exists, with its own admin.
    app.core.handle(
        c.StartCohort("Elsewhere"),
        Actor("discord", FOREIGN.split(":")[1], FOREIGN.split(":")[2], "999", "Zed"),
    )

    async def scenario(h: Harness) -> None:
        await h.start_cohort(person=ADA)
        await h.slash("checkin", person=ADA, text="ada's entry")
        await h.slash("cohort", "join", person=BO)
        await h.slash("checkin", person=BO, text="bo's entry")
        before = await settled(app)
        # A form whose custom id names another server's cohort, submitted in this server.
        refused = await h.submit(
            "cohortbot:form:checkin" + FOREIGN, {"did": "cross-server"}, person=BO
        )
        assert FOREIGN_CONTEXT in embed_text(refused)
        # A button naming another server, on a message that really carries it.
        foreign_button = "cohortbot:forget_me_confirm" + FOREIGN
        refused = await h.click(
            foreign_button, person=BO, message=prompt_message(button_row(foreign_button))
        )
        assert FOREIGN_CONTEXT in embed_text(refused)
        # Admin commands by a member, whatever the options say.
        refused = await h.slash(
            "cohort-admin", "settings", person=BO, key="admin", value=BO.user_id
        )
        assert "admins" in embed_text(refused)
        after = snapshot(app.engine)
        assert after == before
        # Bo's own forget-me button, clicked by Bo, deletes only Bo's data.
        mine = "cohortbot:forget_me_confirm" + CONTEXT
        gone = await h.click(mine, person=BO, message=prompt_message(button_row(mine)))
        assert "I deleted your data" in embed_text(gone)

    run_with_bot(app, scenario)
    assert [r.did for r in all_rows(app, CheckInRow)] == ["ada's entry"]
    assert {m.user_id for m in all_rows(app, Member)} == {ADA.user_id}
    assert count(app, CohortAdmin) == 2
