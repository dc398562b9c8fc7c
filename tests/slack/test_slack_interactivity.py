"""Buttons, modals and App Home end to end through the real Bolt app."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy import select

from adapters.slack.listener import POST_THREADS, REPLY_THREADS
from adapters.slack.render import button_value
from bot.storage.orm import CheckInRow, HourLog, Member, OutboxRow, PlanWeek
from tests.slack.slack_harness import payload


def start_and_join(slack, user: str = "U1") -> None:
    slack.driver.command("/cohort", "start ML switchers", user=user)
    slack.driver.command("/cohort", "join", user=user)


def open_checkin_modal(slack, **kwargs) -> dict:
    before = len(slack.fake.calls_to("views.open"))
    slack.driver.command("/checkin", "", **kwargs)
    return slack.fake.wait_for("views.open", before + 1)[-1].body["view"]


def test_modal_submission_creates_the_checkin_and_its_hours(slack):
    start_and_join(slack)
    slack.driver.open_home()
    slack.fake.wait_for("views.publish")
    view = open_checkin_modal(slack)
    r = slack.driver.submit(
        view,
        {
            "did": "finished lesson 4 <!channel>",
            "next": "lesson 5",
            "hours_learning": "1h30m",
            "hours_building": "45m",
            "mood": "4",
            "day": "0",
        },
    )
    assert r.status == 200 and r.raw == b""  # closes the modal
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.mood) == ("finished lesson 4 <!channel>", "lesson 5", 4)
        hours = {h.category: h.minutes for h in s.scalars(select(HourLog))}
        assert hours == {"learning": 90, "building": 45}
    confirm = slack.fake.wait_for("chat.postEphemeral")[0].body
    assert confirm["channel"] == "C1" and confirm["user"] == "U1"
    assert "Checked in for today" in confirm["text"]
    card = slack.fake.wait_for("chat.postMessage")[0].body
    assert "<!channel>" not in json.dumps(card)
    slack.fake.wait_for("views.publish", 2)


def test_a_modal_opens_while_channel_posts_are_stuck(slack):
    """Channel cards wait in their own lane. However many are stuck on a slow Slack,
    views.open still goes at once: its trigger_id dies 3 s after the click."""
    slack.driver.command("/cohort", "start ML switchers", user="UADMIN")
    stuck = slack.fake.hold("chat.postMessage")
    try:
        members = [f"UM{i}" for i in range(REPLY_THREADS + POST_THREADS + 1)]
        for user in members:  # more public cards than there are threads in both lanes
            assert slack.driver.command("/checkin", "did a thing", user=user).status == 200
        slack.fake.wait_for("chat.postMessage", POST_THREADS)  # the post lane is now blocked
        start = time.monotonic()
        view = open_checkin_modal(slack, user="U2")
        assert time.monotonic() - start < 2.0
        assert view["callback_id"] == "checkin_form"
        assert len(slack.fake.calls_to("chat.postMessage")) == POST_THREADS  # still stuck
    finally:
        stuck.set()
    # Nothing was dropped: every card goes out, once, when Slack answers again.
    deadline = time.monotonic() + 10
    while True:
        with slack.app.uow() as s:
            posted = s.scalars(select(CheckInRow.posted_message_id)).all()
        if all(posted) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert len(posted) == len(set(posted)) == len(members) and all(posted)
    cards = [c for c in slack.fake.calls_to("chat.postMessage") if "checked in" in c.body["text"]]
    assert len(cards) == len(members)


def test_modal_for_yesterday_counts_for_yesterday(slack):
    start_and_join(slack)
    slack.app.clock.advance(timedelta(days=1))  # joined Monday; check in Tuesday for Monday
    view = open_checkin_modal(slack)
    slack.driver.submit(view, {"did": "late entry", "day": "1"})
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert row.local_date.isoformat() == "2026-11-30"


def test_modal_validation_errors_point_at_the_right_input(slack):
    start_and_join(slack)
    view = open_checkin_modal(slack)
    r = slack.driver.submit(view, {"did": "x", "hours_building": "lots", "hours_networking": "20h"})
    assert r.json["response_action"] == "errors"
    assert set(r.json["errors"]) == {"hours_building", "hours_networking"}
    # A refusal from the core (already checked in today) keeps the form open too.
    slack.driver.submit(view, {"did": "first"})
    r = slack.driver.submit(view, {"did": "second"})
    assert r.json["response_action"] == "errors"
    assert "already checked in" in r.json["errors"]["day"]
    with slack.app.uow() as s:
        assert [c.did for c in s.scalars(select(CheckInRow))] == ["first"]


def test_edit_modal_replaces_todays_text(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "first draft")
    slack.driver.command("/checkin", "edit")
    view = slack.fake.wait_for("views.open")[0].body["view"]
    r = slack.driver.submit(view, {"did": "final words", "mood": "5"})
    assert r.status == 200 and r.raw == b""
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.mood) == ("final words", 5)


def test_check_in_now_button_in_a_dm_opens_the_modal_for_the_cohort(slack):
    start_and_join(slack)
    slack.driver.action("checkin_open", button_value("C1", ""), channel="DU1")
    view = slack.fake.wait_for("views.open")[0].body["view"]
    assert view["callback_id"] == "checkin_form"
    assert json.loads(view["private_metadata"])["c"] == "C1"
    slack.driver.submit(view, {"did": "from the prompt"})
    with slack.app.uow() as s:
        assert s.scalars(select(CheckInRow)).one().did == "from the prompt"


def test_log_hours_button_opens_the_small_modal_and_logs(slack):
    start_and_join(slack)
    slack.driver.action("hours_open", button_value("C1", ""))
    view = slack.fake.wait_for("views.open")[0].body["view"]
    assert view["callback_id"] == "hours_form"
    r = slack.driver.submit(view, {"amount": "soon", "category": "building"})
    assert "amount" in r.json["errors"]
    r = slack.driver.submit(view, {"amount": "2h", "category": "building", "note": "API"})
    assert r.raw == b""
    with slack.app.uow() as s:
        row = s.scalars(select(HourLog)).one()
        assert (row.minutes, row.category, row.note) == (120, "building", "API")


def test_snooze_button_snoozes_and_queues_the_prompt_again(slack):
    start_and_join(slack)
    slack.driver.action("snooze_1h", button_value("C1", ""))
    answer = slack.fake.wait_for("response_url")[0].body
    assert "Snoozed for 1 h" in answer["text"] and answer["replace_original"] is False
    with slack.app.uow() as s:
        assert s.scalars(select(Member)).one().snoozed_until is not None
        assert s.scalars(select(OutboxRow)).one().kind == "snoozed_prompt"


def test_weekly_review_done_button_marks_the_plan_week(slack):
    start_and_join(slack)
    slack.driver.open_home()
    slack.fake.wait_for("views.publish")
    slack.driver.action("plan_week_done", button_value("C1", ""))
    assert "Week 1 done" in slack.fake.wait_for("response_url")[0].body["text"]
    with slack.app.uow() as s:
        week1 = s.scalars(select(PlanWeek).where(PlanWeek.week == 1)).one()
        assert week1.done_at is not None
    slack.fake.wait_for("views.publish", 2)


def test_a_button_click_outside_a_cohort_is_told_so(slack):
    slack.driver.action("snooze_1h", "", channel="C404")
    assert "/cohort start" in slack.fake.wait_for("response_url")[0].body["text"]


def test_app_home_shows_plan_sprint_and_progress(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "did a thing")
    r = slack.driver.event(payload("app_home_opened"))
    assert r.status == 200
    home = slack.fake.wait_for("views.publish")[-1].body
    assert home["user_id"] == "U1"
    blocks = home["view"]["blocks"]
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert {"Progress", "Your 30-day plan", "This week's sprint"} <= set(headers)
    assert len(blocks) <= 100


def test_app_home_for_a_stranger_explains_how_to_join(slack):
    event = payload("app_home_opened")
    event["event"]["user"] = "U2"
    slack.driver.event(event)
    home = slack.fake.wait_for("views.publish")[0].body
    assert "Welcome to cohortbot" in json.dumps(home)


def test_app_home_is_not_republished_for_someone_who_never_opened_it(slack):
    start_and_join(slack)
    slack.driver.command("/checkin", "did a thing")
    slack.fake.wait_for("chat.postMessage")
    slack.fake.settle()
    assert slack.fake.calls_to("views.publish") == []
