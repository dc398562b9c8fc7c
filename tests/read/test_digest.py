"""The weekly digest: wins named only with consent, hours against target, the trend, no at-risk."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.domain.schedule import DIGEST
from bot.messages import Message
from bot.ports import Destination
from bot.read import digest
from bot.read.leaderboards import OPT_IN
from bot.scheduling.delivery import Delivery
from bot.storage.orm import Cohort, OutboxRow

MON_16_NOV = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # W47
SUNDAY_6_DEC = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # the cohort's digest moment in W49
KEY = "digest:c1:2026-W49"


def _three_weeks(world: Any, clock: Any) -> None:
    """Four part-time members (60 h a week together) from Monday 16 November, W47.

    Ana: public check-ins, leaderboard on — her wins are named.
    Ben: public check-ins, leaderboard off — his wins are named too (already celebrated).
    Cy: leaderboard on but private check-ins — counted, never named.
    Dee: joined and never checked in — at risk, which the digest must not show.
    """
    clock.set(MON_16_NOV)
    world.say("Org", "/cohort start Digest Cohort")
    for name in ("Ana", "Ben", "Cy", "Dee"):
        world.say(name, "/cohort join")
    world.say("Ana", "/cohort me leaderboard on")
    world.say("Cy", "/cohort me leaderboard on")
    world.say("Cy", "/cohort me checkins private")
    for week in range(3):
        for day in range(5):
            clock.set(MON_16_NOV + timedelta(weeks=week, days=day))
            who = ["Ben"] if week == 1 and day >= 3 else ["Ana", "Ben", "Cy"]
            for name in who:
                world.say(name, f"/checkin zebra words {week}{day}")
            if week == 0:
                world.say("Ana", "/hours 1h learning")
                world.say("Ben", "/hours 30m building")
            if week == 1 and day == 0:
                world.say("Ana", "/hours 2h building")
            if week == 2:
                world.say("Ana", "/hours 2h building")
                if day == 0:
                    world.say("Cy", "/hours 1h networking")
                if day == 1:
                    for name in ("Ana", "Ben", "Cy"):
                        world.say(name, f"/plan set 1 {name}'s quokka goal")
                        world.say(name, "/plan done 1")


def compose(world: Any, now: datetime, key: str | None = KEY, board: bool = False) -> Any:
    """The digest as composed; without the leaderboard block unless ``board`` (the
    leaderboard has its own tests; here it stays out of the exact text)."""
    with world.app.uow() as s:
        cohort = s.scalars(select(Cohort)).one()
        message = digest.compose(s, cohort, now, world.app.content, key=key)
    return message if board else without_board(message)


def without_board(message: Message) -> Message:
    return replace(message, blocks=tuple(b for b in message.blocks if not b.endswith(OPT_IN)))


def test_the_digest_of_a_small_cohort_word_for_word(world, clock) -> None:
    _three_weeks(world, clock)
    message = compose(world, SUNDAY_6_DEC)
    line = digest.nudges.digest_line(world.app.content, KEY).replace("{count}", "3")
    assert message.plain() == "\n".join(
        [
            "*Weekly digest · 2026-W49*",
            line,
            # Ana 10 h building, Cy 1 h networking, against 4 x 15 h.
            "Hours: ▓▓░░░░░░░░ 11 h of 60 h target",
            # Mon-Fri for all four: 15 of 20 study days (Dee none).
            "Check-ins: 3 of 4 members · 75% of study days",
            # W46 had no members yet; W47 Ana 5 h + Ben 2 h 30 min; W48 Ana 2 h.
            "Hours, last 4 weeks: ▁▆▂█ 0 h · 7 h 30 min · 2 h · 11 h ↑",
            # W47 15/20, W48 Ana 3 + Ben 5 + Cy 3 of 20, W49 15/20.
            "Check-in rate, last 4 weeks: ▁█▆█ — · 75% · 55% · 75% ↑",
            "Wins this week:\n"
            "• Ana — 10 hours, shipped plan week 1: Start a course or resource\n"
            "• Ben — 14-day streak, shipped plan week 1: Start a course or resource\n"
            # Cy: plan week 1.
            "Plus 1 more win from a member whose check-ins are private.",
        ]
    )
    everything = message.plain()
    assert "Dee" not in everything  # at risk, and the digest never says so
    assert "Cy" not in everything
    assert "zebra" not in everything and "quokka" not in everything


def test_a_late_digest_describes_its_own_week(world, clock) -> None:
    _three_weeks(world, clock)
    on_time = compose(world, SUNDAY_6_DEC)
    clock.set(SUNDAY_6_DEC + timedelta(days=1, hours=2))
    world.say("Ana", "/checkin monday of the next week | hours: 3h building")
    late = compose(world, SUNDAY_6_DEC + timedelta(days=1, hours=3))
    assert late.fields == on_time.fields
    assert late.blocks == on_time.blocks


def test_wins_name_members_whose_checkins_are_public(world, clock) -> None:
    _three_weeks(world, clock)
    world.say("Ana", "/cohort me checkins private")  # Ana no longer public
    wins = next(b for b in compose(world, SUNDAY_6_DEC).blocks if b.startswith("Wins"))
    assert wins == (
        "Wins this week:\n"
        "• Ben — 14-day streak, shipped plan week 1: Start a course or resource\n"
        "Plus 3 more wins from members whose check-ins are private."
    )


def test_the_leaderboard_opt_in_does_not_hide_wins_already_celebrated(world, clock) -> None:
    # Ben never opted in to rankings, and never chose privacy: his streak was posted with
    # his name, so the digest may name it, and says nothing untrue about him.
    _three_weeks(world, clock)
    world.say("Ana", "/cohort me leaderboard off")
    wins = next(b for b in compose(world, SUNDAY_6_DEC).blocks if b.startswith("Wins"))
    assert "• Ana — 10 hours" in wins and "• Ben — 14-day streak" in wins
    assert "keep theirs private" not in wins


def test_nobody_named_when_every_checkin_is_private(world, clock) -> None:
    _three_weeks(world, clock)
    world.say("Ana", "/cohort me checkins private")
    world.say("Ben", "/cohort me checkins private")
    wins = next(b for b in compose(world, SUNDAY_6_DEC).blocks if b.startswith("Wins"))
    assert wins == "Wins this week:\nPlus 5 wins from members whose check-ins are private."


def test_an_empty_cohort_still_gets_a_quiet_digest(world, clock) -> None:
    clock.set(MON_16_NOV)
    world.say("Org", "/cohort start Empty")
    message = compose(world, MON_16_NOV + timedelta(days=6), key="digest:c1:2026-W47")
    fields = {f.name: f.value for f in message.fields}
    assert fields["Hours"] == "░░░░░░░░░░ 0 h of 0 h target"
    assert fields["Check-ins"] == "0 of 0 members · — of study days"
    assert fields["Check-in rate, last 4 weeks"] == "▁▁▁▁ — · — · — · —"
    assert message.blocks == ()


def test_the_leaderboard_joins_the_digest_as_it_stood_at_the_end_of_its_week(world, clock) -> None:
    _three_weeks(world, clock)
    on_time = compose(world, SUNDAY_6_DEC, board=True).blocks[-1]
    clock.set(SUNDAY_6_DEC + timedelta(days=1))
    world.say("Ana", "/hours 5h building")  # next week's hours: not this digest's board
    late = compose(world, SUNDAY_6_DEC + timedelta(days=2), board=True).blocks[-1]
    week = "This week's hours: 1. Ana 10 h · 2. Cy 1 h\nThis week's streaks: 1. Ana 5 days"
    # W49's board, not W50's (which would be "1. Ana 5 h"): the late digest asks for
    # the board as it stood at the end of its own week.
    assert on_time.startswith(week) and late.startswith(week)
    assert on_time.endswith(OPT_IN)


def test_a_leaderboard_name_cannot_ping_the_channel(world, clock) -> None:
    _three_weeks(world, clock)
    world.say("<!channel> @everyone", "/cohort join")
    world.say("<!channel> @everyone", "/cohort me leaderboard on")
    clock.set(SUNDAY_6_DEC - timedelta(hours=1))
    world.say("<!channel> @everyone", "/hours 12h building")
    board = compose(world, SUNDAY_6_DEC, board=True).blocks[-1]
    assert board.startswith("This week's hours: 1. ")
    assert "<!channel>" not in board and "@everyone" not in board


def test_when_nobody_opted_in_there_is_no_board(world, clock) -> None:
    _three_weeks(world, clock)
    world.say("Ana", "/cohort me leaderboard off")
    world.say("Cy", "/cohort me leaderboard off")
    message = compose(world, SUNDAY_6_DEC, board=True)
    assert not any("leaderboard" in b.lower() for b in message.blocks[1:])
    assert len(message.blocks) == 1  # the wins only


class Recorder:
    name = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[Destination, Any, str]] = []

    def send(self, destination: Destination, message: Any, key: str) -> str:
        self.sent.append((destination, message, key))
        return f"m{len(self.sent)}"


def test_the_scheduler_posts_the_digest_once_to_the_channel(world, clock) -> None:
    _three_weeks(world, clock)
    clock.set(SUNDAY_6_DEC)
    with world.app.uow() as s:
        s.add(
            OutboxRow(
                key=KEY,
                cohort_id=1,
                kind=DIGEST,
                due_at=SUNDAY_6_DEC,
                created_at=SUNDAY_6_DEC,
            )
        )
    platform = Recorder()
    delivery = Delivery(world.app.core, world.app.uow, platform, clock)
    assert delivery.drain().sent == 1
    assert delivery.drain().sent == 0
    [(destination, message, key)] = platform.sent
    assert key == KEY and destination.user_id is None
    assert without_board(message) == compose(world, SUNDAY_6_DEC)
    assert "Dee" not in message.plain()
