"""Away across a month boundary, and prompts that know the member's plan, through the tick.

The tick and the delivery loop run on a fake clock against a fake platform; members act
through the same commands people type. Both databases.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from bot.commands import parse
from bot.domain import commands as c
from bot.domain import schedule
from bot.messages import Reply
from bot.read.cards import path_day
from bot.text import fill
from tests.scheduling.sched_fakes import FakePlatform
from tests.scheduling.sched_world import actor, populate, run_ticks

ZONE = "Europe/Berlin"


def say(app, line: str, at: datetime | None = None) -> Reply:
    if at is not None:
        app.clock.set(at)
    return app.core.handle(parse(line), actor("ana", ZONE))


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)  # 12:00 in Berlin


def member_sent(platform: FakePlatform) -> list[str]:
    return [key for key, _, _ in platform.sent if key and not key.startswith("digest:")]


def test_away_across_a_month_boundary_loses_no_streak_and_sends_no_prompts(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 11, 15, 23, tzinfo=UTC))  # Mon 16 Nov
    for first in (date(2026, 11, 16), date(2026, 11, 23)):
        for n in range(5):  # Monday to Friday, two weeks: a 10-day streak, a freeze held
            say(app, f"/checkin day {n}", at=noon(first + timedelta(days=n)))
    before = say(app, "/progress", at=noon(date(2026, 11, 28))).message
    assert dict((f.name, f.value) for f in before.fields)["Streak"] == (
        "10 days · longest 10 · 1 freeze held"
    )
    reply = say(app, "/cohort me away until 2026-12-03")  # Sat 28 Nov to Thu 3 Dec
    assert "away until Thu 03 Dec" in reply.message.text
    # Six days, a month end and a Monday kickoff, a mid-week reminder, three missed study
    # days that would otherwise bring an inactivity note: nothing for Ana.
    quiet = run_ticks(
        app, datetime(2026, 11, 28, 6, tzinfo=UTC), datetime(2026, 12, 3, 22, tzinfo=UTC)
    )
    assert member_sent(quiet) == []
    # Friday she is back: the day's message goes out, and it is not an inactivity note.
    back = run_ticks(
        app, datetime(2026, 12, 4, 6, tzinfo=UTC), datetime(2026, 12, 4, 10, tzinfo=UTC)
    )
    assert [k.split(":")[0] for k in member_sent(back)] == [schedule.WEEKLY_REVIEW]
    reply = say(app, "/checkin back from the break", at=noon(date(2026, 12, 4)))
    assert "Streak: 11 days." in reply.message.text
    assert "freeze" not in reply.message.text  # away days never spend a freeze
    after = say(app, "/progress").message
    assert dict((f.name, f.value) for f in after.fields)["Streak"] == (
        "11 days · longest 11 · 1 freeze held"
    )


def test_the_weekly_review_asks_about_this_weeks_goal_in_the_members_words(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 11, 29, 23, tzinfo=UTC))  # Mon 30 Nov
    say(app, "/plan set 1 finish fast.ai lessons 1 to 3", at=noon(date(2026, 11, 30)))
    platform = run_ticks(
        app, datetime(2026, 12, 4, 6, tzinfo=UTC), datetime(2026, 12, 4, 10, tzinfo=UTC)
    )
    [(key, destination, message)] = platform.sent
    assert key.startswith(schedule.WEEKLY_REVIEW) and destination.is_dm
    assert message.title == "Weekly review"
    assert "Day 5 of 30 — this week: finish fast.ai lessons 1 to 3." in message.blocks
    done, not_yet = message.buttons[:2]
    assert (done.label, done.action_id) == ("Done", "plan_week_done")
    assert (not_yet.label, not_yet.action_id) == ("Not yet", "plan_week_not_yet")
    # The buttons answer about that same goal.
    later = say(app, "/plan", at=noon(date(2026, 12, 4)))
    assert "finish fast.ai lessons 1 to 3" in later.message.fields[0].value
    not_yet_reply = app.core.handle(c.ReviewPlanWeek(done=False), actor("ana", ZONE))
    assert "Week 1: finish fast.ai lessons 1 to 3" in not_yet_reply.message.text
    done_reply = app.core.handle(c.ReviewPlanWeek(done=True), actor("ana", ZONE))
    assert done_reply.message.text.startswith("Week 1 done: finish fast.ai lessons 1 to 3")


def test_every_prompt_names_the_plan_day_and_the_members_own_goal(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 11, 29, 23, tzinfo=UTC))
    say(app, "/plan set 1 finish fast.ai lessons 1 to 3", at=noon(date(2026, 11, 30)))
    say(app, "/plan set 2 build a churn model on my bank's public data")
    platform = run_ticks(
        app,
        datetime(2026, 11, 30, 6, tzinfo=UTC),
        datetime(2026, 12, 8, 10, tzinfo=UTC),
        step=timedelta(hours=1),
    )
    sent = [(k, m) for k, _, m in platform.sent if k and not k.startswith("digest:")]
    assert len(sent) >= 6
    for key, message in sent:
        stamp = key.rsplit(":", 1)[1]  # a date, or an ISO week for kickoffs and reviews
        day = None if "-W" in stamp else date.fromisoformat(stamp)
        line = message.blocks[0]
        assert line.startswith("Day ") and " of 30 — this week: " in line, (key, line)
        if day is not None:
            assert line.startswith(f"Day {(day - date(2026, 11, 30)).days + 1} of 30"), key
    week2 = [m for k, m in sent if k.endswith("2026-12-08") or k.endswith("2026-W50")]
    assert week2 and all(
        "build a churn model on my bank's public data" in m.blocks[0] for m in week2
    )


def test_the_progress_card_and_app_home_show_the_plan_day_and_goal(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 11, 29, 23, tzinfo=UTC))
    say(app, "/plan set 2 build a churn model", at=noon(date(2026, 12, 8)))  # day 9, week 2
    progress = say(app, "/progress").message
    assert progress.blocks[0] == "Day 9 of 30 — this week: build a churn model."
    cards = app.core.home_cards("fake", "W1", "U-ana")
    home_progress = next(card for card in cards if card.title == "Progress")
    assert home_progress.blocks[0] == "Day 9 of 30 — this week: build a churn model."
    plan = next(card for card in cards if card.title == "Your 30-day plan")
    assert plan.text.startswith("Day 9 of 30")
    assert plan.fields[1].value == "build a churn model"


def test_the_first_day_back_from_five_days_away_is_not_we_miss_you(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 11, 29, 23, tzinfo=UTC))  # Mon 30 Nov
    for n in range(3):  # Mon 30 Nov to Wed 2 Dec
        say(app, f"/checkin day {n + 1}", at=noon(date(2026, 11, 30) + timedelta(days=n)))
    # Missed Thu, Fri and Mon: two before the break, the third on its eve; away Tue 8 to
    # Sat 12 Dec. The missed days before a break do not carry over it.
    say(app, "/cohort me away 5 days", at=datetime(2026, 12, 8, 6, tzinfo=UTC))
    away = run_ticks(
        app, datetime(2026, 12, 8, 7, tzinfo=UTC), datetime(2026, 12, 13, 22, tzinfo=UTC)
    )
    assert member_sent(away) == []
    # Monday 14 Dec, her first study day back: the week's kickoff, not an inactivity note.
    back = run_ticks(
        app, datetime(2026, 12, 13, 23, tzinfo=UTC), datetime(2026, 12, 14, 22, tzinfo=UTC)
    )
    assert [k.split(":")[0] for k in member_sent(back)] == [schedule.SPRINT_KICKOFF]
    assert all("We miss you" not in (m.title or "") for _, _, m in back.sent)


def test_the_monday_after_joining_on_a_wednesday_does_not_start_week_1(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 12, 1, 23, tzinfo=UTC))  # Wed 2 Dec
    for n in range(3):  # Wed to Fri
        say(app, f"/checkin day {n + 1}", at=noon(date(2026, 12, 2) + timedelta(days=n)))
    platform = run_ticks(
        app, datetime(2026, 12, 7, 6, tzinfo=UTC), datetime(2026, 12, 7, 10, tzinfo=UTC)
    )
    [(key, _, message)] = platform.sent
    assert key.startswith(schedule.SPRINT_KICKOFF)
    assert message.blocks[0].startswith("Day 6 of 30 — this week: ")
    assert "starts today" not in message.text and "begins" not in message.text


def test_no_sprint_kickoff_says_a_plan_week_starts_on_its_monday(content) -> None:
    # The kickoff comes on Mondays; a plan week starts on the member's join weekday.
    values = {"name": "Ana", "day": 6, "plan_day": "Day 6 of 30", "week": 1, "week_goal": "x"}
    values |= {"target": "15 h", "hours": "0 h", "streak": 0}
    for track in content.tracks:
        for nudge in content.nudges_for(schedule.SPRINT_KICKOFF, track):
            text = fill(nudge.text, values)
            assert not re.search(r"starts today|begins", text), (nudge.id, text)


def test_after_day_30_prompts_speak_of_the_week_since_joining(app) -> None:
    populate(app, {"ana": ZONE}, at=datetime(2026, 11, 29, 23, tzinfo=UTC))  # Mon 30 Nov
    platform = run_ticks(  # days 36 to 45: Mon 4 to Wed 13 Jan
        app,
        datetime(2027, 1, 4, 6, tzinfo=UTC),
        datetime(2027, 1, 13, 10, tzinfo=UTC),
        step=timedelta(hours=1),
    )
    sent = [(k, m) for k, _, m in platform.sent if k and not k.startswith("digest:")]
    assert len(sent) >= 6
    for key, message in sent:
        shown = "\n".join([message.text, *message.blocks])
        assert not re.search(r"Day \d+|of 30|[Ww]eek [1-4] (goal|of)", shown), (key, shown)
        stamp = key.rsplit(":", 1)[1]
        if "-W" not in stamp:
            week = (date.fromisoformat(stamp) - date(2026, 11, 30)).days // 7 + 1
            assert message.blocks[0] == (
                f"Week {week} since you joined — your 30-day plan is behind you; "
                "keep the sprints going."
            ), key


def test_the_path_day_is_the_plan_day_then_the_week_since_joining() -> None:
    assert [path_day(d) for d in (1, 9, 30, 31, 37, 43)] == [
        "Day 1 of 30",
        "Day 9 of 30",
        "Day 30 of 30",
        "Week 5 since you joined",
        "Week 6 since you joined",
        "Week 7 since you joined",
    ]
