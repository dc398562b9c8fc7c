"""Quiet by default: reminders are private, nobody is named in public for missing a day,
and every reminder kind (the balance tip too) can be turned off on its own.

Driven through the tick and the delivery loop with a fake platform, on both databases.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.commands import help_text, parse
from bot.domain import commands as c
from bot.domain import schedule
from bot.messages import Message
from bot.storage.orm import Member
from bot.usecases.core import REMINDER_KINDS
from tests.scheduling.sched_fakes import FakePlatform
from tests.scheduling.sched_world import actor, populate, run_ticks

JOINED = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday
UTC_ZONE = "UTC"
LIVE_MENTION = re.compile(r"<[!@#]|@(everyone|here|channel)\b", re.IGNORECASE)


def say(app, who: str, line: str) -> None:
    app.core.handle(parse(line), actor(who, UTC_ZONE))


def kinds_sent(platform: FakePlatform) -> list[str]:
    return [key.split(":")[0] for key, _, _ in platform.sent if key]


def text_of(message: Message) -> str:
    parts = [message.text, message.title or "", *message.blocks]
    parts += [f"{f.name} {f.value}" for f in message.fields]
    return "\n".join(parts)


A_WEEK = (datetime(2026, 11, 30, 6, tzinfo=UTC), datetime(2026, 12, 4, 12, tzinfo=UTC))
# A member who never checks in, Monday to Friday: one private message a day, each kind once.
EVERY_KIND = [
    schedule.SPRINT_KICKOFF,  # Monday
    schedule.CHECKIN_PROMPT,  # Tuesday
    schedule.MIDWEEK_REMINDER,  # Wednesday
    schedule.INACTIVITY,  # Thursday: three study days missed
    schedule.WEEKLY_REVIEW,  # Friday
]


def test_reminders_go_by_direct_message_by_default(app) -> None:
    populate(app, {"ana": UTC_ZONE}, at=JOINED)
    platform = run_ticks(app, *A_WEEK)
    assert kinds_sent(platform) == EVERY_KIND
    for _, destination, _ in platform.sent:
        assert destination.is_dm and destination.user_id == "U-ana"


@pytest.mark.parametrize("kind", schedule.MEMBER_KINDS)
def test_each_reminder_kind_can_be_turned_off_on_its_own(app, kind: str) -> None:
    populate(app, {"ana": UTC_ZONE}, at=JOINED)
    say(app, "ana", f"/cohort me reminders {kind.replace('_', '-')} off")
    platform = run_ticks(app, *A_WEEK)
    sent = kinds_sent(platform)
    assert kind not in sent
    assert set(sent) == set(EVERY_KIND) - {kind} | (
        {schedule.CHECKIN_PROMPT} if kind != schedule.CHECKIN_PROMPT else set()
    )  # a day whose first choice is off gets the plain prompt, when that is still on


def test_all_reminders_off_means_silence(app) -> None:
    populate(app, {"ana": UTC_ZONE}, at=JOINED)
    say(app, "ana", "/cohort me reminders off")
    assert run_ticks(app, *A_WEEK).sent == []


def midweek_message(app, *, drift_off: bool) -> Message:
    populate(app, {"ana": UTC_ZONE}, at=JOINED)
    if drift_off:
        say(app, "ana", "/cohort me reminders mix-drift off")
    app.clock.set(datetime(2026, 12, 1, 18, tzinfo=UTC))
    say(app, "ana", "/hours 9h learning")  # part-time 5/8/2: building is at zero
    platform = run_ticks(
        app, datetime(2026, 12, 2, 8, tzinfo=UTC), datetime(2026, 12, 2, 10, tzinfo=UTC)
    )
    [(key, destination, message)] = platform.sent
    assert key.startswith(schedule.MIDWEEK_REMINDER) and destination.is_dm
    return message


def test_the_balance_tip_rides_on_the_midweek_reminder(app) -> None:
    message = midweek_message(app, drift_off=False)
    assert message.blocks[1] == (
        "This week so far: 9 h of 5 h learning, 0 h of 8 h building, 0 h of 2 h networking"
    )
    assert len(message.blocks) == 3  # the plan line, the week so far, the tip
    with app.uow() as s:
        member = s.scalars(select(Member)).one()
        assert "mix_drift" in member.last_nudges  # a content tip was chosen for the gap


def test_reminders_mix_drift_off_keeps_the_reminder_and_drops_the_tip(app) -> None:
    message = midweek_message(app, drift_off=True)
    assert message.blocks[-1].startswith("This week so far:")
    assert len(message.blocks) == 2


def test_nobody_is_named_in_public_for_not_checking_in(app) -> None:
    populate(app, {"ana": UTC_ZONE, "ben": UTC_ZONE}, at=JOINED)
    say(app, "ana", "/cohort me leaderboard on")
    say(app, "ben", "/cohort me delivery channel")  # even Ben's own choice of the channel
    for day in range(5):
        app.clock.set(JOINED + timedelta(days=day, hours=12))
        say(app, "ana", f"/checkin day {day + 1} | hours: 1h building")
    platform = run_ticks(app, A_WEEK[0], datetime(2026, 12, 6, 23, tzinfo=UTC))
    public = [(k, m) for k, d, m in platform.sent if not d.is_dm]
    assert any(k.startswith("digest:") for k, _ in public)  # the weekly digest went out
    for key, message in public:
        text = text_of(message)
        assert not LIVE_MENTION.search(text), (key, text)
        if key.startswith("digest:"):
            assert "ben" not in text.lower(), text  # Ben missed every day: not named
    # The at-risk list goes to admins only, as a private answer.
    summary = app.core.handle(c.ShowSummary(), actor("ana", UTC_ZONE))
    assert summary.public == () and summary.updates == ()
    assert "ben" in text_of(summary.message).lower()


def test_an_inactivity_note_stays_private_even_with_channel_delivery(app) -> None:
    populate(app, {"ana": UTC_ZONE, "ben": UTC_ZONE}, at=JOINED)
    say(app, "ben", "/cohort me delivery channel")
    platform = run_ticks(app, *A_WEEK)
    [(_, destination, _)] = [
        (k, d, m) for k, d, m in platform.sent if k and k.startswith(schedule.INACTIVITY + ":m2")
    ]
    assert destination.is_dm


def test_help_names_every_reminder_kind_that_can_be_turned_off() -> None:
    text = help_text("cohort")
    for kind in REMINDER_KINDS:
        assert kind.replace("_", "-") in text, kind
    assert "/cohort me leaderboard on" in text


def test_the_midweek_reminder_shows_hours_whose_parts_add_up_to_the_total(app) -> None:
    populate(app, {"ana": UTC_ZONE}, at=JOINED)
    app.clock.set(datetime(2026, 12, 1, 18, tzinfo=UTC))
    say(app, "ana", "/hours 3.5 learning")
    say(app, "ana", "/hours 0.25 b")
    platform = run_ticks(
        app, datetime(2026, 12, 2, 8, tzinfo=UTC), datetime(2026, 12, 2, 10, tzinfo=UTC)
    )
    [(_, _, message)] = platform.sent
    # Never "3.8 h logged" beside "3.5/5 h learning, 0.2/8 h building".
    shown = text_of(message)
    assert "This week so far: 3 h 30 min of 5 h learning, 15 min of 8 h building" in shown
    assert "3 h 45 min" in message.text


def test_a_category_without_a_target_still_counts_in_the_week_so_far(app) -> None:
    populate(app, {"ana": UTC_ZONE}, at=JOINED)
    say(app, "ana", "/cohort me budget minimal")  # 6 h, all building
    app.clock.set(datetime(2026, 12, 1, 18, tzinfo=UTC))
    say(app, "ana", "/hours 1h learning")
    say(app, "ana", "/hours 2h building")
    platform = run_ticks(
        app, datetime(2026, 12, 2, 8, tzinfo=UTC), datetime(2026, 12, 2, 10, tzinfo=UTC)
    )
    [(_, _, message)] = platform.sent
    assert "This week so far: 1 h of 0 h learning, 2 h of 6 h building" in message.blocks
