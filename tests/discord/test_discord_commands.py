"""Every application command, end to end: a real discord.py client, a fake Discord, a real DB.

Each test connects the bot to the fake gateway, sends INTERACTION_CREATE frames shaped
like Discord's, and asserts on what the fake received and on the database.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from adapters.discord.bot import OUTDATED_COMMAND
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    CohortAdmin,
    HourLog,
    Member,
    PlanWeek,
    PortfolioProject,
    RestDay,
    SprintGoal,
)
from bot.usecases import APOLOGY
from tests.discord.discord_fake_api import APP_ID, COHORT_CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID
from tests.discord.discord_harness import (
    ADA,
    BO,
    Harness,
    callback_data,
    callback_type,
    command_data,
    embed_text,
    interaction,
    is_ephemeral,
    run_with_bot,
)
from tests.support.db import all_rows, count, member

MESSAGE = 4
DEFERRED = 5
AUTOCOMPLETE_RESULT = 8


def answered_privately(record, *texts: str) -> str:  # type: ignore[no-untyped-def]
    """The answer was a private message (a callback, or the follow-up to a deferral)."""
    assert callback_type(record) in (MESSAGE, None), record.json
    assert is_ephemeral(record), record.json
    text = embed_text(record)
    for expected in texts:
        assert expected in text, text
    return text


def test_cohort_start_creates_the_cohort_and_makes_the_caller_admin(app):
    async def scenario(h: Harness) -> None:
        callback = await h.slash("cohort", "start", name="Spring switchers")
        answered_privately(callback, "Cohort started", "Spring switchers")
        again = await h.slash("cohort", "start", person=BO)
        answered_privately(again, "already has a cohort")

    run_with_bot(app, scenario)
    [cohort] = all_rows(app, Cohort)
    assert (cohort.platform, cohort.workspace_id, cohort.channel_id) == (
        "discord",
        GUILD_ID,
        COHORT_CHANNEL_ID,
    )
    assert [a.user_id for a in all_rows(app, CohortAdmin)] == [ADA.user_id]


def test_a_channel_without_a_cohort_says_how_to_start_one(app):
    async def scenario(h: Harness) -> None:
        callback = await h.slash("checkin", text="did things", channel_id=OTHER_CHANNEL_ID)
        answered_privately(callback, "no cohort in this channel", "/cohort start")

    run_with_bot(app, scenario)
    assert count(app, CheckInRow) == 0


def test_checkin_with_text_records_the_row_and_posts_a_public_embed(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        callback = await h.slash(
            "checkin",
            text="finished lesson 4 | next: lesson 5 | blockers: none yet | mood: 4 "
            "| hours: 1h learning, 30m building",
        )
        answered_privately(callback, "Check-in saved", "Streak: 1 day", "Logged 1 h learning")
        [post, *_] = await h.fake.wait_request("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        assert post.json["allowed_mentions"] == {"parse": []}
        card = embed_text(post)
        assert "Ada checked in" in card and "finished lesson 4" in card and "lesson 5" in card

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert (row.did, row.next, row.blockers, row.mood) == (
        "finished lesson 4",
        "lesson 5",
        "none yet",
        4,
    )
    assert sorted((h.category, h.minutes) for h in all_rows(app, HourLog)) == [
        ("building", 30),
        ("learning", 60),
    ]


def test_a_milestone_is_celebrated_in_the_channel_by_name_in_one_sentence(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first lesson done")
        # The card and its celebration go out as one message (one embed each).
        [post] = await h.fake.wait_request("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        assert post.json["allowed_mentions"] == {"parse": []}
        [card, cheer] = post.json["embeds"]
        assert "first lesson done" in str(card)
        text = cheer["description"]
        assert text.startswith("🏅 ")
        assert "Ada, your first check-in is in." in text
        assert "First check-in:" not in text

    run_with_bot(app, scenario)


def test_checkin_edit_with_text_replaces_todays_text(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="first draft")
        callback = await h.slash("checkin", text="finished lessons 4 and 5", edit=True)
        answered_privately(callback, "Updated your check-in")
        twice = await h.slash("checkin", text="again")
        answered_privately(twice, "already checked in")

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert row.did == "finished lessons 4 and 5"


def test_hours_with_typed_options_logs_the_same_minutes_as_the_grammar(app, clock):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        clock.advance(timedelta(days=1))
        callback = await h.slash(
            "hours", amount="1h30m", category="building", note="fixed the tests", day=1
        )
        answered_privately(callback, "Logged 1 h 30 min of building for yesterday")
        await h.slash("hours", amount="90m", category="learning")

    run_with_bot(app, scenario)
    logs = all_rows(app, HourLog)
    assert [(x.minutes, x.category, x.note) for x in logs] == [
        (90, "building", "fixed the tests"),
        (90, "learning", None),
    ]
    assert logs[0].local_date == logs[1].local_date - timedelta(days=1)


def test_hours_undo_takes_back_the_last_entry(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("hours", amount="2h", category="learning")
        await h.slash("hours", amount="45m", category="networking")
        callback = await h.slash("hours-undo")
        answered_privately(callback, "Removed 45 min of networking")

    run_with_bot(app, scenario)
    assert [(x.minutes, x.category) for x in all_rows(app, HourLog)] == [(120, "learning")]


def test_hours_log_lists_the_weeks_entries_privately(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("hours", amount="2h", category="learning", note="read ch. 3")
        await h.slash("hours", amount="45m", category="networking")
        callback = await h.slash("hours-log")
        text = answered_privately(callback, "2 h learning · read ch. 3", "45 min networking")
        assert "Total 2 h 45 min" in text  # the parts add up to the total

    run_with_bot(app, scenario)
    assert len(all_rows(app, HourLog)) == 2


def test_bad_options_get_a_clear_private_error_and_write_nothing(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        zero = await h.slash("hours", amount="0m", category="learning")
        answered_privately(zero, "less than a minute", "Usage:")
        # A forged payload can carry a value the choice list never offered.
        unknown = await h.slash("hours", amount="2h", category="gardening")
        answered_privately(unknown, "Unknown category 'gardening'")
        plan = await h.slash("plan", goal="ship it")
        answered_privately(plan, "Which week?")
        away = await h.slash("cohort", "away", days=3, off=True)
        answered_privately(away, "one of days, until or off")
        until = await h.slash("cohort", "away", until="2026-02-30")
        answered_privately(until, "not a real date")
        key = await h.slash("cohort", "me", key="favourite-colour", value="teal")
        answered_privately(key, "Unknown setting")

    run_with_bot(app, scenario)
    assert count(app, HourLog) == 0
    assert count(app, Member) == 0
    assert count(app, AwayPeriod) == 0


def test_plan_shows_sets_and_finishes_weeks(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join", track="software_engineer", budget="part-time")
        shown = await h.slash("plan")
        answered_privately(shown, "Your 30-day plan", "Week 1")
        await h.slash("plan", week=1, goal="finish fast.ai lessons 1-3")
        done = await h.slash("plan", week=1, done=True)
        answered_privately(done, "Week 1 done: finish fast.ai lessons 1-3")
        shipped = await h.slash("plan", project=1)
        answered_privately(shipped, "Project 1 shipped")

    run_with_bot(app, scenario)
    week1 = next(w for w in all_rows(app, PlanWeek) if w.week == 1)
    assert week1.goal == "finish fast.ai lessons 1-3" and week1.done_at is not None
    assert [p.number for p in all_rows(app, PortfolioProject)] == [1]


def test_sprint_shows_adds_and_ticks_off_goals(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        shown = await h.slash("sprint")
        answered_privately(shown, "This week's sprint")
        added = await h.slash("sprint", goal="write the README for project 1")
        answered_privately(added, "Goal 2 added")
        ticked = await h.slash("sprint", done=2)
        answered_privately(ticked, "write the README for project 1")

    run_with_bot(app, scenario)
    goals = all_rows(app, SprintGoal)
    assert [g.text for g in goals][-1] == "write the README for project 1"
    assert goals[-1].done_at is not None


def test_the_sprint_follows_a_new_plan_goal_and_budget(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        await h.slash("sprint")
        await h.slash("plan", week=1, goal="finish fast.ai lessons 1-3")
        await h.slash("cohort", "me", key="budget", value="full-time")
        shown = await h.slash("sprint")
        answered_privately(shown, "finish fast.ai lessons 1-3", "/ 20 h")

    run_with_bot(app, scenario)


def test_progress_shows_streak_and_hours(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="read chapter 2 | hours: 2h learning")
        callback = await h.slash("progress")
        answered_privately(callback, "Progress", "Streak", "1 day", "Learning")

    run_with_bot(app, scenario)


def test_help_answers_in_the_channel_and_in_a_dm(app):
    async def scenario(h: Harness) -> None:
        callback = await h.slash("help")
        answered_privately(callback, "/checkin", "/hours")
        topic = await h.slash("help", topic="hours")
        answered_privately(topic, "90m")
        # The typed help from the specs, and the tracks and budgets from the content.
        cohort = await h.slash("help", topic="cohort")
        answered_privately(cohort, "/cohort join", "Tracks: software_engineer", "full-time: 40 h")
        payload = interaction(2, command_data("help"))
        for key in ("guild_id", "guild", "member"):
            payload.pop(key)
        payload["user"] = ADA.user_payload()
        payload["channel"] = {
            "id": "9160000000000001001",
            "type": 1,
            "flags": 0,
            "recipients": [ADA.user_payload()],
        }
        payload["channel_id"] = "9160000000000001001"
        payload["context"] = 1
        answered_privately(await h.ask(payload), "/checkin")

    run_with_bot(app, scenario)


def test_cohort_join_with_track_and_budget_and_autocomplete_from_content(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        joined = await h.slash(
            "cohort", "join", person=BO, track="data_analyst", budget="full-time"
        )
        answered_privately(joined, "You're in", "40 h a week")
        auto = interaction(
            4, command_data("cohort", "join", track="analy"), template="interaction_autocomplete"
        )
        auto["data"]["options"][0]["options"][0]["focused"] = True
        suggestions = await h.send(auto)
        assert suggestions is not None and callback_type(suggestions) == AUTOCOMPLETE_RESULT
        values = [choice["value"] for choice in callback_data(suggestions)["choices"]]
        assert "data_analyst" in values and all(v in app.content.tracks for v in values)

    run_with_bot(app, scenario)
    bo = member(app, BO.user_id)
    assert bo is not None and (bo.track, bo.budget) == ("data_analyst", "full-time")


def test_cohort_leave_me_and_away(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        settings = await h.slash("cohort", "me")
        answered_privately(settings, "Your settings", "timezone", "UTC")
        changed = await h.slash("cohort", "me", key="timezone", value="Europe/Berlin")
        answered_privately(changed, "timezone is now Europe/Berlin")
        away = await h.slash("cohort", "away", days=5)
        answered_privately(away, "Enjoy the break")
        back = await h.slash("cohort", "away", off=True)
        answered_privately(back, "Welcome back")
        left = await h.slash("cohort", "leave")
        answered_privately(left, "You've left the cohort")

    run_with_bot(app, scenario)
    ada = member(app, ADA.user_id)
    assert ada is not None and ada.timezone == "Europe/Berlin" and ada.status == "left"


def test_coming_back_after_leaving_continues_the_members_own_history(app, clock):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join", person=BO)
        await h.slash("cohort", "me", person=BO, key="timezone", value="Africa/Lagos")
        await h.slash("cohort", "leave", person=BO)
        clock.advance(timedelta(days=9))
        back = await h.slash("checkin", person=BO, text="still here?")
        answered_privately(back, "Welcome back to Spring switchers")
        assert "Day 1 of" not in embed_text(back)

    run_with_bot(app, scenario)
    bo = member(app, BO.user_id)
    assert bo is not None and (bo.timezone, bo.status) == ("Africa/Lagos", "active")
    assert bo.plan_start == bo.joined_at.date()


def test_admin_summary_defers_then_sends_the_chart_as_a_file(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="built the data loader | hours: 2h building")
        payload = interaction(2, command_data("cohort-admin", "summary"), admin=True)
        callback = await h.send(payload)
        assert callback is not None
        assert callback_type(callback) == DEFERRED and is_ephemeral(callback)
        [follow] = await h.fake.wait_request(
            "POST", rf"/webhooks/{APP_ID}/{payload['token']}", timeout=20
        )
        assert follow.json["flags"] & 64
        names = [name for name, _ in follow.files]
        assert len(names) == 1 and names[0].endswith(".png")
        assert follow.files[0][1].startswith(b"\x89PNG")
        assert follow.json["embeds"][0]["image"]["url"] == f"attachment://{names[0]}"

    run_with_bot(app, scenario)


def test_admin_export_sends_csv_files(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("checkin", text="finished lesson 4")
        follow = await h.slash("cohort-admin", "export")  # the cohort's own admin
        assert callback_type(follow) is None and is_ephemeral(follow)
        files = dict(follow.files)
        assert files and all(name.endswith(".csv") for name in files)
        assert any(b"finished lesson 4" in data for data in files.values())

    run_with_bot(app, scenario)


def test_admin_settings_change_the_cohort(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        callback = await h.slash("cohort-admin", "settings", key="prompt-time", value="18:30")
        answered_privately(callback, "prompt-time is now 18:30")

    run_with_bot(app, scenario)
    [cohort] = all_rows(app, Cohort)
    assert cohort.prompt_time.strftime("%H:%M") == "18:30"


def test_an_admin_is_a_member_stored_by_id_and_a_past_rest_day_is_refused(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join", person=BO)
        nobody = await h.slash("cohort-admin", "settings", key="admin", value="nobody")
        answered_privately(nobody, "isn't a member")
        made = await h.slash("cohort-admin", "settings", key="admin", value=f"<@{BO.user_id}>")
        answered_privately(made, "Bo is an admin")
        again = await h.slash("cohort-admin", "settings", key="admin", value="bo")
        answered_privately(again, "Bo is an admin")
        past = await h.slash("cohort-admin", "settings", key="rest-day", value="2020-01-01")
        answered_privately(past, "has already passed")

    run_with_bot(app, scenario)
    assert sorted(a.user_id for a in all_rows(app, CohortAdmin)) == sorted(
        [ADA.user_id, BO.user_id]
    )
    assert all_rows(app, RestDay) == []


def test_a_member_without_manage_server_gets_a_polite_refusal(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join", person=BO)
        refused = await h.slash(
            "cohort-admin", "settings", person=BO, key="prompt-time", value="06:00"
        )
        answered_privately(refused, "That's for the cohort's admins")
        follow = await h.slash("cohort-admin", "export", person=BO)
        assert "That's for the cohort's admins" in embed_text(follow) and not follow.files
        # Manage Server makes anyone an admin here, as on Slack a workspace admin.
        allowed = await h.slash(
            "cohort-admin", "settings", person=BO, admin=True, key="study-days", value="mon,wed,fri"
        )
        answered_privately(allowed, "study-days is now")

    run_with_bot(app, scenario)
    [cohort] = all_rows(app, Cohort)
    assert cohort.prompt_time.strftime("%H:%M") == "09:00"


def test_admin_commands_are_hidden_from_members_by_default(app):
    async def scenario(h: Harness) -> None:
        commands = {c.name: c.to_dict(h.bot.tree) for c in h.bot.tree.get_commands()}
        assert int(commands["cohort-admin"]["default_member_permissions"]) == 32  # Manage Server
        assert commands["cohort"]["default_member_permissions"] is None
        assert {
            "checkin",
            "hours",
            "hours-undo",
            "hours-log",
            "plan",
            "sprint",
            "progress",
            "help",
            "cohort",
            "cohort-admin",
        } == set(commands)
        subs = {o["name"] for o in commands["cohort"]["options"]}
        assert subs == {"start", "join", "leave", "me", "away", "forget-me"}

    run_with_bot(app, scenario)


def test_an_outdated_command_shape_is_answered_not_dropped(app):
    async def scenario(h: Harness) -> None:
        # A subcommand group the bot no longer has (type 2 option wrapping a type 1).
        stale = await h.ask(interaction(2, command_data("cohort", "admin", "summary")))
        answered_privately(stale, OUTDATED_COMMAND.split(" —")[0])
        gone = await h.ask(interaction(2, command_data("streaks")))
        answered_privately(gone, "doesn't match what I know")

    run_with_bot(app, scenario)


def test_a_crash_in_the_core_is_logged_without_secrets_and_answered_politely(app, faults, caplog):
    secret_text = "my secret plan for world domination"

    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        faults.refuse_inserts("checkins")  # a failure the bot cannot expect
        callback = await h.slash("checkin", text=secret_text)
        answered_privately(callback, APOLOGY)

    with caplog.at_level(logging.INFO):
        run_with_bot(app, scenario)
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "interaction" in logged and "/checkin" in logged
    assert secret_text not in logged and "fake-token" not in logged


def test_commands_are_acknowledged_before_the_core_runs(app, faults):
    async def scenario(h: Harness) -> None:
        payload = interaction(2, command_data("cohort", "start"))
        # The database holds the core's write until the test has seen the acknowledgement,
        # so an ack that waited for the core would never arrive (no timing involved).
        with faults.writes_held():
            callback = await h.send(payload)
        assert callback is not None and callback_type(callback) == DEFERRED
        assert callback.json["data"]["flags"] & 64
        [follow] = await h.fake.wait_request("POST", rf"/webhooks/{APP_ID}/{payload['token']}")
        assert "Cohort started" in embed_text(follow) and follow.json["flags"] & 64

    run_with_bot(app, scenario)
    assert count(app, Cohort) == 1


def test_with_an_ack_deadline_a_fast_core_answers_in_one_call_and_a_slow_one_defers(app, faults):
    async def scenario(h: Harness) -> None:
        fast = await h.send(interaction(2, command_data("help")))
        assert fast is not None and callback_type(fast) == MESSAGE and is_ephemeral(fast)
        with faults.writes_held():  # the database keeps the write waiting past the deadline
            late = await h.send(interaction(2, command_data("cohort", "start")))
        assert late is not None and callback_type(late) == DEFERRED

    run_with_bot(app, scenario, bot_options={"ack_deadline": 0.1})
    assert count(app, Cohort) == 1


def test_late_entries_count_for_the_day_chosen(app, clock):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        clock.advance(timedelta(days=2))
        callback = await h.slash("checkin", text="yesterday: finished lesson 3")
        answered_privately(callback, "Checked in for yesterday")

    run_with_bot(app, scenario)
    [row] = all_rows(app, CheckInRow)
    assert row.local_date == date(2026, 12, 1)


def test_a_thread_counts_as_its_cohort_channel(app):
    thread_id = "1160000000000000777"

    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        payload = interaction(
            2, command_data("checkin", text="asked in the study thread"), channel_id=thread_id
        )
        payload["channel"].update(
            type=11,
            parent_id=COHORT_CHANNEL_ID,
            name="questions",
            owner_id=BO.user_id,
            member_count=2,
            message_count=3,
            thread_metadata={
                "archived": False,
                "locked": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": "2026-11-30T09:00:00.000000+00:00",
            },
        )
        answered_privately(await h.ask(payload), "Check-in saved")
        [post] = await h.fake.wait_request("POST", rf"/channels/{COHORT_CHANNEL_ID}/messages")
        assert "asked in the study thread" in embed_text(post)

    run_with_bot(app, scenario)
    assert [r.did for r in all_rows(app, CheckInRow)] == ["asked in the study thread"]


def test_a_forged_plan_week_outside_1_to_4_gets_a_clear_error_not_sorry(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        for options in ({"week": 7, "done": True}, {"week": 0, "goal": "ship it"}):
            answer = await h.slash("plan", **options)
            answered_privately(answer, "The plan has weeks 1 to 4", "Usage: /plan")
            assert APOLOGY not in embed_text(answer)

    run_with_bot(app, scenario)
    assert not any(w.done_at for w in all_rows(app, PlanWeek))


def test_a_checkin_for_tomorrow_is_answered_not_yet_and_nothing_is_written(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        await h.slash("cohort", "join")
        callback = await h.slash("checkin", text="tomorrow: x")
        answered_privately(callback, "Not yet: tomorrow hasn't come where you are")

    run_with_bot(app, scenario)
    assert count(app, CheckInRow) == 0


def test_a_summary_of_the_week_before_the_cohort_says_there_is_no_such_week(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        payload = interaction(2, command_data("cohort-admin", "summary", weeks_back=1), admin=True)
        await h.send(payload)
        [follow] = await h.fake.wait_request(
            "POST", rf"/webhooks/{APP_ID}/{payload['token']}", timeout=20
        )
        text = json.dumps(follow.json, ensure_ascii=False)
        assert "There's no week" in text and "it started on" in text
        assert not follow.files and "Members:" not in text

    run_with_bot(app, scenario)


def test_a_minimal_budget_member_gets_a_building_first_plan(app):
    async def scenario(h: Harness) -> None:
        await h.start_cohort()
        joined = await h.slash("cohort", "join", person=BO, track="data_analyst", budget="minimal")
        text = answered_privately(joined, "You're in", "Week 1: Pick one small project")
        assert "course" not in text
        plan = await h.slash("plan", person=BO)
        assert "course" not in answered_privately(plan, "Pick one small project")

    run_with_bot(app, scenario)
