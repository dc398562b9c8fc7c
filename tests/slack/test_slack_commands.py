"""Slash commands end to end: signed HTTP request -> Bolt -> core -> database and fake Slack."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.storage.orm import (
    CheckInRow,
    Cohort,
    CohortAdmin,
    HourLog,
    Member,
    PlanWeek,
    RestDay,
    SprintGoal,
)
from tests.support.db import count

BROADCASTS = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C9>")


def start_cohort(slack, user: str = "U1") -> None:
    r = slack.driver.command("/cohort", "start ML switchers", user=user)
    assert r.status == 200 and "is open" in r.json["text"]


def all_blocks_are_within_limits(blocks: list[dict]) -> None:
    assert len(blocks) <= 50
    for b in blocks:
        if b["type"] == "section" and "text" in b:
            assert len(b["text"]["text"]) <= 3000
        if b["type"] == "section" and "fields" in b:
            assert len(b["fields"]) <= 10
        if b["type"] == "actions":
            assert len(b["elements"]) <= 25


def test_checkin_with_text_is_saved_before_the_ack_and_posted_publicly(slack):
    start_cohort(slack)
    slack.driver.open_home()
    slack.fake.wait_for("views.publish")
    r = slack.driver.command("/checkin", "finished lesson 4 | next: lesson 5 | mood: 4")
    assert r.status == 200
    body = r.json
    assert body["response_type"] == "ephemeral"
    assert "Checked in for today" in body["text"]
    # The row exists the moment the ack arrives: nothing is written after answering.
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert (row.did, row.next, row.mood) == ("finished lesson 4", "lesson 5", 4)
    posts = slack.fake.wait_for("chat.postMessage")
    card = posts[0].body
    assert card["channel"] == "C1"
    assert "Ada checked in" in card["text"]
    assert any(b["type"] == "section" and "fields" in b for b in card["blocks"])
    all_blocks_are_within_limits(card["blocks"])
    # ...and the App Home, open in another pane, is refreshed after the check-in.
    home = slack.fake.wait_for("views.publish", 2)[-1].body
    assert home["user_id"] == "U1" and home["view"]["type"] == "home"


def test_checkin_without_text_acks_then_opens_the_modal(slack):
    start_cohort(slack)
    r = slack.driver.command("/checkin", "")
    assert r.status == 200 and r.raw == b""
    opened = slack.fake.wait_for("views.open")[0].body
    view = opened["view"]
    assert opened["trigger_id"]
    assert view["callback_id"] == "checkin_form"
    ids = [b["block_id"] for b in view["blocks"]]
    assert ids == [
        "did",
        "next",
        "blockers",
        "hours_learning",
        "hours_building",
        "hours_networking",
        "mood",
        "day",
    ]
    assert json.loads(view["private_metadata"])["c"] == "C1"
    assert count(slack.app, CheckInRow) == 0


def test_checkin_edit_without_text_opens_the_modal_prefilled(slack):
    start_cohort(slack)
    slack.driver.command("/checkin", "read chapter 2 | blockers: none | mood: 3")
    slack.driver.command("/checkin", "edit")
    view = slack.fake.wait_for("views.open")[0].body["view"]
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["did"]["element"]["initial_value"] == "read chapter 2"
    assert by_id["blockers"]["element"]["initial_value"] == "none"
    assert by_id["mood"]["element"]["initial_option"]["value"] == "3"
    assert "hours_learning" not in by_id and "day" not in by_id


def test_hours_are_logged(slack):
    start_cohort(slack)
    r = slack.driver.command("/hours", "1h30m building fixed the tests")
    assert "Logged 1 h 30 min of building" in r.json["text"]
    with slack.app.uow() as s:
        row = s.scalars(select(HourLog)).one()
        assert (row.minutes, row.category, row.note) == (90, "building", "fixed the tests")


def test_hours_log_answers_privately_with_the_weeks_entries(slack):
    start_cohort(slack)
    slack.driver.command("/hours", "1h30m building fixed the tests")
    slack.driver.command("/hours", "45m learning")
    r = slack.driver.command("/hours", "log")
    assert r.json["response_type"] == "ephemeral"
    text = r.json["text"] + json.dumps(r.json.get("blocks", []), ensure_ascii=False)
    assert "1 h 30 min building · fixed the tests" in text and "45 min learning" in text
    assert "Total 2 h 15 min" in text  # the parts add up to the total
    assert count(slack.app, HourLog) == 2


def test_plan_and_sprint_and_progress_and_help(slack):
    start_cohort(slack)
    d = slack.driver
    d.command("/cohort", "join data_analyst part-time")
    assert "Your 30-day plan" in d.command("/plan").json["text"]
    assert "Week 1 goal set" in d.command("/plan", "set 1 finish fast.ai lesson 1-3").json["text"]
    assert "Week 1 done" in d.command("/plan", "done 1").json["text"]
    assert "This week's sprint" in d.command("/sprint").json["text"]
    assert "Goal 2 added" in d.command("/sprint", "goal write the README").json["text"]
    assert "Done:" in d.command("/sprint", "done 2").json["text"]
    assert "Progress" in d.command("/progress").json["text"]
    assert "/checkin" in d.command("/help").json["text"]
    assert "Amounts" in d.command("/help", "hours").json["text"]
    cohort = json.dumps(d.command("/help", "cohort").json)
    assert "Tracks: software_engineer" in cohort and "full-time: 40 h a week" in cohort
    with slack.app.uow() as s:
        week1 = s.scalars(select(PlanWeek).where(PlanWeek.week == 1)).one()
        assert week1.goal == "finish fast.ai lesson 1-3" and week1.done_at is not None
        assert s.scalars(select(SprintGoal).where(SprintGoal.position == 2)).one().done_at


def test_the_sprint_follows_a_new_plan_goal_and_budget(slack):
    start_cohort(slack)
    d = slack.driver
    d.command("/cohort", "join")
    d.command("/sprint")
    d.command("/plan", "set 1 finish fast.ai lessons 1-3")
    d.command("/cohort", "me budget full-time")
    text = str(d.command("/sprint").json)
    assert "finish fast.ai lessons 1-3" in text and "/ 20 h" in text


def test_cohort_membership_and_settings(slack):
    start_cohort(slack)
    d = slack.driver
    assert "Welcome to ML switchers" in d.command("/cohort", "join finance", user="U2").json["text"]
    assert "Your settings" in d.command("/cohort", "me", user="U2").json["text"]
    r = d.command("/cohort", "me prompt-time 18:30", user="U2")
    assert "prompt-time is now 18:30" in r.json["text"]
    assert "left the cohort" in d.command("/cohort", "leave", user="U2").json["text"]
    r = d.command("/cohort", "settings timezone Europe/Paris")
    assert "timezone is now Europe/Paris" in r.json["text"]
    with slack.app.uow() as s:
        grace = s.scalars(select(Member).where(Member.user_id == "U2")).one()
        assert (grace.track, grace.timezone) == ("finance", "America/New_York")
        assert grace.status == "left"
        assert s.scalars(select(Cohort)).one().timezone == "Europe/Paris"


def test_an_admin_is_a_member_found_by_mention_or_name_and_stored_by_id(slack):
    start_cohort(slack)
    d = slack.driver
    d.command("/cohort", "join finance", user="U2")
    assert "isn't a member" in d.command("/cohort", "settings admin nobody").json["text"]
    assert "isn't a member" in d.command("/cohort", "settings admin <@U9|zed>").json["text"]
    assert "is an admin" in d.command("/cohort", "settings admin <@U2|grace>").json["text"]
    with slack.app.uow() as s:
        grace = s.scalars(select(Member).where(Member.user_id == "U2")).one()
        d.command("/cohort", f"settings admin {grace.display_name.upper()}")
        assert sorted(s.scalars(select(CohortAdmin.user_id))) == ["U1", "U2"]
    r = d.command("/cohort", "settings rest-day 2020-01-01")
    assert "has already passed" in r.json["text"]
    with slack.app.uow() as s:
        assert s.scalars(select(RestDay)).all() == []


def test_coming_back_after_leaving_continues_the_members_own_history(slack):
    start_cohort(slack)
    d = slack.driver
    d.command("/cohort", "join finance", user="U2")
    d.command("/cohort", "me timezone Africa/Lagos", user="U2")
    d.command("/cohort", "leave", user="U2")
    slack.app.clock.advance(timedelta(days=9))
    text = d.command("/checkin", "still here?", user="U2").json["text"]
    assert "Welcome back to ML switchers" in text and "Day 1 of" not in text
    with slack.app.uow() as s:
        grace = s.scalars(select(Member).where(Member.user_id == "U2")).one()
        assert (grace.timezone, grace.track, grace.status) == ("Africa/Lagos", "finance", "active")
        assert grace.plan_start == grace.joined_at.date()


def test_forget_me_asks_then_the_button_deletes(slack):
    start_cohort(slack)
    d = slack.driver
    d.command("/checkin", "did a thing")
    r = d.command("/cohort", "forget-me")
    buttons = next(b for b in r.json["blocks"] if b["type"] == "actions")["elements"]
    assert buttons[0]["action_id"] == "forget_me_confirm"
    assert count(slack.app, CheckInRow) == 1
    d.action("forget_me_confirm", buttons[0]["value"], channel="C1")
    answer = slack.fake.wait_for("response_url")[0].body
    assert "I deleted your data" in answer["text"]
    assert count(slack.app, CheckInRow) == 0 and count(slack.app, Member) == 0


def test_admin_commands_refuse_a_member_politely(slack):
    start_cohort(slack, user="U1")
    slack.driver.command("/cohort", "join", user="U2")
    slack.driver.command("/cohort", "export", user="U2")
    answer = slack.fake.wait_for("response_url")[0].body
    assert answer["response_type"] == "ephemeral"
    assert "That's for the cohort's admins" in answer["text"]
    assert slack.fake.calls_to("files.completeUploadExternal") == []
    r = slack.driver.command("/cohort", "settings prompt-time 07:00", user="U2")
    assert "That's for the cohort's admins" in r.json["text"]


def test_a_workspace_admin_may_use_admin_commands(slack):
    start_cohort(slack, user="U1")
    r = slack.driver.command("/cohort", "settings prompt-time 07:00", user="UADMIN")
    assert "prompt-time is now 07:00" in r.json["text"]
    with slack.app.uow() as s:
        assert s.scalar(select(func.count()).select_from(CohortAdmin)) == 1  # not made admin


def test_summary_uploads_a_png_chart_to_the_admin_by_files_upload_v2(slack):
    start_cohort(slack)
    slack.driver.command("/hours", "2h learning")
    r = slack.driver.command("/cohort", "summary")
    assert r.status == 200 and r.raw == b""  # acknowledged before the work
    complete = slack.fake.wait_for("files.completeUploadExternal")[0].body
    upload = slack.fake.wait_for("upload")[0]
    assert upload.raw.startswith(b"\x89PNG")
    assert complete["channel_id"] == "DU1"  # the admin's DM, not the cohort channel
    assert json.loads(complete["files"])[0]["title"].endswith(".png")
    url = slack.fake.calls_to("files.getUploadURLExternal")[0].body
    assert int(url["length"]) == len(upload.raw)
    answer = slack.fake.wait_for("response_url")[0].body
    assert "Cohort summary" in answer["text"] and "direct message" in answer["text"]


def test_export_uploads_the_csv_files(slack):
    start_cohort(slack)
    slack.driver.command("/checkin", "did a thing | hours: 1h learning")
    slack.driver.command("/cohort", "export")
    complete = slack.fake.wait_for("files.completeUploadExternal")[0].body
    titles = [f["title"] for f in json.loads(complete["files"])]
    assert "checkins.csv" in titles and all(t.endswith(".csv") for t in titles)
    uploads = slack.fake.wait_for("upload", count=len(titles))
    assert any(b"did a thing" in u.raw for u in uploads)
    assert "Export of ML switchers" in slack.fake.wait_for("response_url")[0].body["text"]


def test_unknown_command_and_bad_input_answer_with_usage_and_write_nothing(slack):
    start_cohort(slack)
    r = slack.driver.command("/frobnicate", "now")
    assert r.status == 200 and "Unknown command" in r.json["text"]
    r = slack.driver.command("/hours", "lots learning")
    assert "Usage: /hours" in r.json["text"]
    r = slack.driver.command("/checkin", "did x | mood: 9")
    assert "Mood is a number from 1 to 5" in r.json["text"]
    assert count(slack.app, HourLog) == 0 and count(slack.app, CheckInRow) == 0


def test_a_command_outside_a_cohort_says_how_to_start_one(slack):
    r = slack.driver.command("/checkin", "did a thing")
    assert "/cohort start" in r.json["text"]
    assert count(slack.app, CheckInRow) == 0


def test_mentions_are_stored_verbatim_and_never_posted_live(slack):
    start_cohort(slack)
    text = "shipped it " + " ".join(BROADCASTS) + " @everyone @channel & co"
    # Slack sends the three control characters of typed text as entities.
    typed = text.replace("&", "&amp;")
    r = slack.driver.command("/checkin", typed + " | next: ping <!subteam^S1>")
    assert r.status == 200
    with slack.app.uow() as s:
        row = s.scalars(select(CheckInRow)).one()
        assert row.did == text
        assert row.next == "ping <!subteam^S1>"
    slack.fake.wait_for("chat.postMessage")
    slack.fake.settle()
    posted = slack.fake.posted_texts() + r.texts
    for snippet in (*BROADCASTS, "<!subteam"):
        assert not any(snippet in t for t in posted), snippet
    for t in posted:
        assert "@everyone" not in t and "@channel" not in t


def test_a_3000_character_checkin_is_stored_whole_and_posted_within_limits(slack):
    start_cohort(slack)
    did = ("worked through the attention chapter & took notes " * 60)[:3000]
    r = slack.driver.command("/checkin", did)
    assert r.status == 200 and "Checked in" in r.json["text"]
    with slack.app.uow() as s:
        assert s.scalars(select(CheckInRow)).one().did == did.strip()
    card = slack.fake.wait_for("chat.postMessage")[0].body
    all_blocks_are_within_limits(card["blocks"])
    assert len(card["text"]) <= 3000


def test_tomorrow_is_answered_not_yet_and_nothing_is_written(slack):
    start_cohort(slack)
    for command, text in (("/hours", "1h learning tomorrow"), ("/checkin", "tomorrow: x")):
        r = slack.driver.command(command, text)
        assert r.json["response_type"] == "ephemeral"
        assert "Not yet: tomorrow hasn't come where you are" in r.json["text"]
    assert count(slack.app, HourLog) == 0 and count(slack.app, CheckInRow) == 0


def test_a_summary_of_the_week_before_the_cohort_says_there_is_no_such_week(slack):
    start_cohort(slack)
    slack.driver.command("/cohort", "summary last")
    answer = slack.fake.wait_for("response_url")[0].body
    assert "There's no week" in answer["text"] and "it started on" in answer["text"]
    assert "Members:" not in answer["text"]
    assert not slack.fake.calls_to("files.getUploadURLExternal")


def test_a_minimal_budget_member_gets_a_building_first_plan(slack):
    start_cohort(slack)
    d = slack.driver
    joined = d.command("/cohort", "join data_analyst minimal").json["text"]
    assert "Week 1: Pick one small project from my own field" in joined
    plan = d.command("/plan").json
    shown = plan["text"] + json.dumps(plan.get("blocks", []), ensure_ascii=False)
    assert "Pick one small project" in shown and "course" not in shown
    checkin = d.command("/checkin", "loaded the data").json["text"]
    assert "this week: Pick one small project" in checkin and "course" not in checkin


def test_a_milestone_is_celebrated_in_the_channel_by_name_in_one_sentence(slack):
    start_cohort(slack)
    slack.driver.command("/checkin", "first lesson done")
    posts = slack.fake.wait_for("chat.postMessage", 2)
    [cheer] = [p.body for p in posts if "🏅" in p.body["text"]]
    assert cheer["channel"] == "C1"
    assert cheer["text"].startswith("🏅 Ada, your first check-in is in.")
    assert "First check-in:" not in json.dumps(cheer)
