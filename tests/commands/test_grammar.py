"""The shared grammar: what people type in Slack or the console, and the command it means."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import (
    COHORT_SETTING_KEYS,
    COMMAND_NAMES,
    MY_SETTING_KEYS,
    USAGE,
    help_text,
    parse,
    parse_command,
)
from bot.domain import commands as c
from bot.domain.errors import UsageError

PARSES: list[tuple[str, c.Command]] = [
    # /checkin
    ("/checkin", c.OpenCheckInForm()),
    ("/checkin   ", c.OpenCheckInForm()),
    ("/checkin edit", c.OpenCheckInForm(edit=True)),
    ("/checkin EDIT", c.OpenCheckInForm(edit=True)),
    ("/checkin edit finished lessons 4 and 5", c.EditCheckIn(did="finished lessons 4 and 5")),
    (
        "/checkin edit yesterday: read ch. 2 | mood: 3",
        c.EditCheckIn(did="read ch. 2", mood=3, when=1),
    ),
    (
        "/checkin edit watched lessons 1 and 2 | blockers: | mood:",
        c.EditCheckIn(did="watched lessons 1 and 2", blockers="", clear_mood=True),
    ),
    ("/checkin done | next: | blockers:", c.CheckIn(did="done")),
    ("/checkin finished lesson 4", c.CheckIn(did="finished lesson 4")),
    ("/checkin edited my demo video", c.CheckIn(did="edited my demo video")),
    ("/checkin yesterday: finished lesson 4", c.CheckIn(did="finished lesson 4", when=1)),
    ("/checkin yesterday finished lesson 4", c.CheckIn(did="finished lesson 4", when=1)),
    ("/checkin Yesterday:finished lesson 4", c.CheckIn(did="finished lesson 4", when=1)),
    ("/checkin 2d: mock interview", c.CheckIn(did="mock interview", when=2)),
    ("/checkin 2 days ago: mock interview", c.CheckIn(did="mock interview", when=2)),
    (
        "/checkin 2026-11-27: finished lesson 4",
        c.CheckIn(did="finished lesson 4", when=date(2026, 11, 27)),
    ),
    ("/checkin today: shipped it", c.CheckIn(did="shipped it")),
    ("/checkin today I shipped it", c.CheckIn(did="today I shipped it")),
    (
        "/checkin finished lesson 4 | next: lesson 5 | blockers: GPU quota | mood: 4",
        c.CheckIn(did="finished lesson 4", next="lesson 5", blockers="GPU quota", mood=4),
    ),
    (
        "/checkin finished lesson 4\nnext: lesson 5\nblockers: none\nmood: 2/5",
        c.CheckIn(did="finished lesson 4", next="lesson 5", blockers="none", mood=2),
    ),
    (
        "/checkin wrote the README\nNext: deploy it\nand write the post\nBlocker: none",
        c.CheckIn(did="wrote the README", next="deploy it\nand write the post", blockers="none"),
    ),
    (
        "/checkin read ch. 3 | hours: 1h learning, 30m building",
        c.CheckIn(did="read ch. 3", hours={"learning": 60, "building": 30}),
    ),
    (
        "/checkin paired | hours: learning 1h30m; b 45 min and 1h l",
        c.CheckIn(did="paired", hours={"learning": 150, "building": 45}),
    ),
    (
        "/checkin piped grep | sort into a report",
        c.CheckIn(did="piped grep | sort into a report"),
    ),
    (
        "/checkin wrote <!channel> & *bold* `code`",
        c.CheckIn(did="wrote <!channel> & *bold* `code`"),
    ),
    ("/checkin finished | next:", c.CheckIn(did="finished")),
    # /hours
    ("/hours 90m learning read ch. 3", c.LogHours(90, "learning", note="read ch. 3")),
    ("/hours 1.5 l", c.LogHours(90, "learning")),
    ("/hours 2h building", c.LogHours(120, "building")),
    ("/hours building 2h", c.LogHours(120, "building")),
    ("/hours b 1h30m fixed tests", c.LogHours(90, "building", note="fixed tests")),
    ("/hours 1h 30m coding", c.LogHours(90, "building")),
    ("/hours 45 min outreach", c.LogHours(45, "networking")),
    ("/hours 2 hours study", c.LogHours(120, "learning")),
    (
        "/hours 1h30m building fixed tests",
        c.LogHours(90, "building", note="fixed tests"),
    ),
    (
        "/hours 2h building yesterday fixed tests",
        c.LogHours(120, "building", note="fixed tests", when=1),
    ),
    ("/hours 2h building today", c.LogHours(120, "building", when=0)),
    ("/hours 30m n 3d coffee chat", c.LogHours(30, "networking", note="coffee chat", when=3)),
    (
        "/hours 30m n 2 days ago coffee chat",
        c.LogHours(30, "networking", note="coffee chat", when=2),
    ),
    (
        "/hours 1h learning 2026-11-27 fast.ai",
        c.LogHours(60, "learning", note="fast.ai", when=date(2026, 11, 27)),
    ),
    ("/hours 2h building 3 tests fixed", c.LogHours(120, "building", note="3 tests fixed")),
    (
        "/hours 1h b   spaced   note  ",
        c.LogHours(60, "building", note="spaced   note"),
    ),
    ("/hours undo", c.UndoHours()),
    ("/hours UNDO", c.UndoHours()),
    ("/hours log", c.ShowHourLog()),
    ("/hours LOG", c.ShowHourLog()),
    # /plan
    ("/plan", c.ShowPlan()),
    (
        "/plan set 1 finish fast.ai lessons 1-3",
        c.SetPlanGoal(1, "finish fast.ai lessons 1-3"),
    ),
    ("/plan set week 2 build a RAG demo", c.SetPlanGoal(2, "build a RAG demo")),
    ("/plan SET 4 message 3 ML engineers", c.SetPlanGoal(4, "message 3 ML engineers")),
    ("/plan done 1", c.MarkPlanDone(1)),
    ("/plan done week 3", c.MarkPlanDone(3)),
    ("/plan undo 2", c.MarkPlanDone(2, done=False)),
    # /sprint
    ("/sprint", c.ShowSprint()),
    ("/sprint goal write the README", c.AddSprintGoal("write the README")),
    ("/sprint done 2", c.MarkSprintGoalDone(2)),
    # /progress and /help
    ("/progress", c.ShowProgress()),
    ("/help", c.Help()),
    ("/help hours", c.Help(topic="hours")),
    ("/help /COHORT", c.Help(topic="cohort")),
    ("/help categories", c.Help(topic="hours")),
    # /cohort
    ("/cohort start", c.StartCohort()),
    ("/cohort start Spring ML switchers", c.StartCohort(name="Spring ML switchers")),
    ("/cohort join", c.JoinCohort()),
    ("/cohort join Data_Analyst", c.JoinCohort(track="data_analyst")),
    ("/cohort join finance Part-Time", c.JoinCohort(track="finance", budget="part-time")),
    ("/cohort leave", c.LeaveCohort()),
    ("/cohort me", c.ShowMySettings()),
    ("/cohort me away 5", c.SetAway(days=5)),
    ("/cohort me away 5 days", c.SetAway(days=5)),
    ("/cohort me away 1 day", c.SetAway(days=1)),
    ("/cohort me away 90d", c.SetAway(days=90)),
    ("/cohort me away until 2026-12-01", c.SetAway(until="2026-12-01")),
    ("/cohort me away until 2026-1-5", c.SetAway(until="2026-01-05")),
    ("/cohort me away off", c.SetAway()),
    ("/cohort me away OFF", c.SetAway()),
    ("/cohort me timezone Europe/Berlin", c.ChangeMySetting("timezone", "Europe/Berlin")),
    ("/cohort me tz America/New_York", c.ChangeMySetting("timezone", "America/New_York")),
    ("/cohort me prompt-time 18:30", c.ChangeMySetting("prompt-time", "18:30")),
    ("/cohort me prompt_time 18:30", c.ChangeMySetting("prompt-time", "18:30")),
    ("/cohort me study-days mon-fri", c.ChangeMySetting("study-days", "mon-fri")),
    ("/cohort me study-days Mon, Wed, Sat", c.ChangeMySetting("study-days", "mon, wed, sat")),
    ("/cohort me quiet-hours 22:00-07:00", c.ChangeMySetting("quiet-hours", "22:00-07:00")),
    ("/cohort me track software_engineer", c.ChangeMySetting("track", "software_engineer")),
    ("/cohort me budget full-time", c.ChangeMySetting("budget", "full-time")),
    ("/cohort me delivery DM", c.ChangeMySetting("delivery", "dm")),
    ("/cohort me checkins private", c.ChangeMySetting("checkins", "private")),
    ("/cohort me leaderboard on", c.ChangeMySetting("leaderboard", "on")),
    ("/cohort me reminders off", c.ChangeMySetting("reminders", "off")),
    ("/cohort summary", c.ShowSummary()),
    ("/cohort summary last", c.ShowSummary(weeks_back=1)),
    ("/cohort summary 3", c.ShowSummary(weeks_back=3)),
    ("/cohort export", c.ExportCohort()),
    (
        "/cohort settings timezone Asia/Kolkata",
        c.ChangeCohortSetting("timezone", "Asia/Kolkata"),
    ),
    ("/cohort settings prompt-time 09:00", c.ChangeCohortSetting("prompt-time", "09:00")),
    ("/cohort settings study-days mon-fri", c.ChangeCohortSetting("study-days", "mon-fri")),
    ("/cohort settings reminder-day Mon", c.ChangeCohortSetting("reminder-day", "mon")),
    ("/cohort settings review-day fri", c.ChangeCohortSetting("review-day", "fri")),
    ("/cohort settings digest-day sun", c.ChangeCohortSetting("digest-day", "sun")),
    ("/cohort settings admin <@U123ABC>", c.ChangeCohortSetting("admin", "<@U123ABC>")),
    ("/cohort settings rest-day 2026-12-25", c.ChangeCohortSetting("rest-day", "2026-12-25")),
    ("/cohort settings name ML Switchers #3", c.ChangeCohortSetting("name", "ML Switchers #3")),
    ("/cohort forget-me", c.ForgetMe()),
    ("/cohort forget-me confirm", c.ForgetMe(confirm=True)),
    ("/cohort forget_me CONFIRM", c.ForgetMe(confirm=True)),
    # spelling of the line itself
    ("hours 2h b", c.LogHours(120, "building")),
    ("/HOURS 2h b", c.LogHours(120, "building")),
    ("  /progress  ", c.ShowProgress()),
    ("/checkin\nfinished lesson 4\nnext: lesson 5", c.CheckIn("finished lesson 4", "lesson 5")),
    ("/check-in done", c.CheckIn(did="done")),
]


@pytest.mark.parametrize(("text", "command"), PARSES, ids=[text for text, _ in PARSES])
def test_each_command_line_means_one_command(text: str, command: c.Command) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(("text", "command"), PARSES, ids=[text for text, _ in PARSES])
def test_slack_name_and_text_given_apart_mean_the_same(text: str, command: c.Command) -> None:
    name, *args = text.strip().split(maxsplit=1)  # Slack: command="/hours", text="90m ..."
    assert parse_command(name, args[0] if args else "") == command


def test_the_slash_is_optional_for_slack_names() -> None:
    assert parse_command("/hours", "90m learning") == parse_command("hours", "90m learning")


REFUSALS: list[tuple[str, str]] = [
    # (what was typed, a piece of the message that must be there)
    ("", "Type a command"),
    ("   \n\t ", "Type a command"),
    ("/", "Type a command"),
    ("/hrs 2h b", "Did you mean '/hours'"),
    ("/chekin done", "Did you mean '/checkin'"),
    ("/frobnicate", "Unknown command"),
    # /checkin
    ("/checkin yesterday", "what you did"),
    ("/checkin yesterday:", "what you did"),
    ("/checkin next: lesson 5", "what you did"),
    ("/checkin edit | next: x", "what you did"),
    ("/checkin 2026-13-40: finished", "not a real date"),
    ("/checkin done | mood: 9", "1 to 5"),
    ("/checkin done | mood: 0", "1 to 5"),
    ("/checkin done | mood: great", "1 to 5"),
    ("/checkin done | mood: -1", "1 to 5"),
    ("/checkin done | mood: ½", "1 to 5"),
    ("/checkin done | hours: 1h", "Which category"),
    ("/checkin done | hours: 1h sleeping", "Unknown category"),
    ("/checkin done | hours: lots of learning", "amount"),
    ("/checkin done | hours: 1h learning extra words", "can't read"),
    ("/checkin done | hours: 10h l, 7h l", "more than 16 h"),
    ("/checkin done | next: a | next: b", "appears twice"),
    ("/checkin edit done | hours: 1h l", "/hours"),
    ("/checkin " + "x" * 4001, "4001"),
    ("/checkin ok | next: " + "x" * 4001, "4001"),
    ("/checkin ok | blockers: " + "x" * 4001, "4000"),
    # /hours
    ("/hours", "how long"),
    ("/hours 2h", "Which category"),
    ("/hours learning", "How long on learning"),
    ("/hours bulding 2h", "Did you mean 'building'"),
    ("/hours 2h bulding", "Did you mean 'building'"),
    ("/hours -2h building", "negative"),
    ("/hours 0 building", "less than a minute"),
    ("/hours 17h building", "16 h"),
    ("/hours 1h75m building", "2h15m"),
    ("/hours NaN building", "can't read"),
    ("/hours inf building", "can't read"),
    ("/hours 1e9 building", "can't read"),
    ("/hours ½ building", "can't read"),
    ("/hours abc building", "can't read"),
    ("/hours 2x building", "can't read"),
    ("/hours 2h building 2026-02-30 oops", "not a real date"),
    ("/hours 1h b " + "n" * 501, "501"),
    ("/hours undo 2", "nothing more"),
    ("/hours log last week", "nothing more"),
    # /plan
    ("/plan set", "weeks 1 to 4"),
    ("/plan set 5 do things", "weeks 1 to 4"),
    ("/plan set 0 do things", "weeks 1 to 4"),
    ("/plan set two do things", "weeks 1 to 4"),
    ("/plan set 2", "goal for week 2"),
    ("/plan set 2 " + "g" * 301, "301"),
    ("/plan done", "weeks 1 to 4"),
    ("/plan done 7", "weeks 1 to 4"),
    ("/plan undo x", "weeks 1 to 4"),
    ("/plan done 2 yay", "nothing more"),
    ("/plan doen 2", "Did you mean 'done'"),
    # /sprint
    ("/sprint goal", "What is the goal"),
    ("/sprint goal " + "g" * 301, "301"),
    ("/sprint done", "Which goal"),
    ("/sprint done 0", "Which goal"),
    ("/sprint done two", "Which goal"),
    ("/sprint gaol write docs", "Did you mean 'goal'"),
    # /progress and /help
    ("/progress now", "nothing more"),
    ("/help hrs", "Did you mean 'hours'"),
    # /cohort
    ("/cohort", "Which cohort command"),
    ("/cohort strat", "Did you mean 'start'"),
    ("/cohort start " + "n" * 81, "81"),
    ("/cohort join finance part-time extra", "at most"),
    ("/cohort leave now", "nothing more"),
    ("/cohort export csv", "nothing more"),
    ("/cohort me tmezone UTC", "Did you mean 'timezone'"),
    ("/cohort me colour blue", "Settings: timezone"),
    ("/cohort me timezone", "What should timezone be"),
    ("/cohort me away", "How long"),
    ("/cohort me away 0", "1 to 90"),
    ("/cohort me away 91 days", "1 to 90"),
    ("/cohort me away forever", "How long"),
    ("/cohort me away until", "How long"),
    ("/cohort me away until 2026-02-30", "not a real date"),
    ("/cohort me away until next week", "How long"),
    ("/cohort me away until friday", "not a real date"),
    ("/cohort summary next", "which week"),
    ("/cohort summary 99", "which week"),
    ("/cohort summary last 2", "nothing more"),
    ("/cohort settings", "Which setting"),
    ("/cohort settings colour blue", "Settings: timezone"),
    ("/cohort settings reminder-dy mon", "Did you mean 'reminder-day'"),
    ("/cohort settings digest-day", "What should digest-day be"),
    ("/cohort settings name " + "n" * 81, "81"),
    ("/cohort forget-me now", "confirm"),
    ("/hours 2h b " + "x" * 20000, "characters"),
]


@pytest.mark.parametrize(("text", "expected"), REFUSALS, ids=[t[:60] for t, _ in REFUSALS])
def test_bad_input_is_refused_with_a_reason_and_the_right_usage(text: str, expected: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse(text)
    assert expected.lower() in refused.value.message.lower()
    assert refused.value.usage


@pytest.mark.parametrize(
    ("text", "usage_key"),
    [
        ("/hours 2h", "hours"),
        ("/hours 2h bulding", "hours"),
        ("/hours -2h b", "hours"),
        ("/checkin done | mood: 7", "checkin"),
        ("/checkin edit done | mood: 7", "checkin edit"),
        ("/plan set 9 x", "plan set"),
        ("/plan done 9", "plan done"),
        ("/plan undo 9", "plan undo"),
        ("/plan nope", "plan"),
        ("/sprint goal", "sprint goal"),
        ("/sprint done x", "sprint done"),
        ("/cohort", "cohort"),
        ("/cohort me away 0", "cohort me away"),
        ("/cohort me nope x", "cohort me"),
        ("/cohort settings nope x", "cohort settings"),
        ("/cohort summary x", "cohort summary"),
        ("/cohort forget-me x", "cohort forget-me"),
        ("/cohort start " + "n" * 81, "cohort start"),
        ("/cohort join a b c", "cohort join"),
    ],
)
def test_the_usage_shown_is_the_one_for_the_command_typed(text: str, usage_key: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse(text)
    assert refused.value.usage == USAGE[usage_key]


def test_a_length_error_names_the_length_and_the_limit() -> None:
    with pytest.raises(UsageError) as refused:
        parse("/hours 1h b " + "n" * 600)
    assert "600" in refused.value.message
    assert "500" in refused.value.message


def test_an_over_long_check_in_is_reported_as_that_before_a_bad_mood() -> None:
    with pytest.raises(UsageError, match="4000"):
        parse("/checkin " + "x" * 4500 + " | mood: 99")


def test_limits_are_inclusive() -> None:
    assert parse("/checkin " + "x" * 4000) == c.CheckIn(did="x" * 4000)
    assert parse("/plan set 1 " + "g" * 300) == c.SetPlanGoal(1, "g" * 300)
    assert parse("/sprint goal " + "g" * 300) == c.AddSprintGoal("g" * 300)
    assert parse("/hours 1h b " + "n" * 500) == c.LogHours(60, "building", note="n" * 500)
    assert parse("/cohort start " + "n" * 80) == c.StartCohort(name="n" * 80)


def test_free_text_is_kept_exactly_as_typed_apart_from_the_ends() -> None:
    typed = "  fixed <@U123> @channel  **bold**\ttab  "
    assert parse("/checkin " + typed) == c.CheckIn(did=typed.strip())
    assert parse("/sprint goal " + typed) == c.AddSprintGoal(typed.strip())


def test_an_unknown_command_lists_the_commands() -> None:
    with pytest.raises(UsageError) as refused:
        parse("/hepl")
    for name in COMMAND_NAMES:
        assert f"/{name}" in refused.value.usage


def test_an_unknown_setting_lists_every_key() -> None:
    with pytest.raises(UsageError) as refused:
        parse("/cohort me colour blue")
    for key in MY_SETTING_KEYS:
        assert key in refused.value.message
    with pytest.raises(UsageError) as refused:
        parse("/cohort settings colour blue")
    for key in COHORT_SETTING_KEYS:
        assert key in refused.value.message


def test_every_usage_line_starts_with_its_command() -> None:
    for key, usage in USAGE.items():
        assert usage.startswith("/" + key.split()[0]), key


def test_help_lists_every_command_and_stays_short() -> None:
    text = help_text()
    for name in COMMAND_NAMES:
        assert f"/{name}" in text
    assert len(text.splitlines()) <= 10


@pytest.mark.parametrize("topic", [*COMMAND_NAMES, "/hours", "categories", "settings"])
def test_help_on_a_topic_shows_its_usage(topic: str) -> None:
    text = help_text(topic)
    assert text != help_text()
    name = {"categories": "hours", "settings": "cohort"}.get(topic, topic.lstrip("/"))
    assert USAGE[name] in text


def test_help_on_an_unknown_topic_falls_back_to_the_list() -> None:
    assert help_text("nonsense") == help_text()


@given(st.text())
def test_parsing_any_text_gives_a_command_or_a_usage_error(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as refused:
        assert refused.message
        assert refused.usage
    else:
        assert isinstance(command, c.Command)


# fmt: off
_WORDS = st.sampled_from([
    "/checkin", "/hours", "/plan", "/sprint", "/cohort", "/help", "/progress", "edit", "undo",
    "set", "done", "goal", "me", "away", "until", "off", "summary", "settings", "join", "start",
    "forget-me", "confirm", "2h", "90m", "1h30", "-1", "0", "1", "4", "5", "91", "learning", "b",
    "bulding", "yesterday", "today", "2d", "2026-11-27", "2026-13-40", "next:", "|", "mood:",
    "hours:", "blockers:", "\n", "days", "ago", "x", "½", "٣", "NaN", "1e9", "timezone", "name",
])
# fmt: on


@given(st.lists(_WORDS, max_size=8), st.text(max_size=20))
def test_parsing_near_miss_commands_gives_a_command_or_a_usage_error(
    words: list[str], tail: str
) -> None:
    try:
        command = parse(" ".join(words) + " " + tail)
    except UsageError as refused:
        assert refused.message
        assert refused.usage
    else:
        assert isinstance(command, c.Command)


@given(st.sampled_from(COMMAND_NAMES), st.text())
def test_parse_command_with_any_arguments_gives_a_command_or_a_usage_error(
    name: str, args: str
) -> None:
    try:
        command = parse_command(name, args)
    except UsageError as refused:
        assert refused.usage
    else:
        assert isinstance(command, c.Command)
