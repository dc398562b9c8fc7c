"""The admin summary on real data: week boundaries across zones, leavers, forgotten members,
private words, combined at-risk reasons, and streaks that outlast the loaded window."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.domain.streaks import missed_study_days
from bot.read import digest, reports, stats
from bot.read.export import EXPORT_COLUMNS, cohort_rows, member_data
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    HourLog,
    Member,
    MemberPeriod,
    RestDay,
)

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # W49
SUNDAY_2300 = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)  # Monday 12:00 in Auckland


def cohort_of(s: Any) -> Cohort:
    return s.scalars(select(Cohort)).one()


def summary(world: Any, now: datetime, weeks_back: int = 0) -> reports.CohortSummary:
    with world.app.uow() as s:
        return reports.cohort_summary(s, cohort_of(s), now, world.app.content, weeks_back)


def digest_text(world: Any, now: datetime, key: str) -> str:
    with world.app.uow() as s:
        return digest.compose(s, cohort_of(s), now, world.app.content, key=key).plain()


def export_text(world: Any) -> str:
    with world.app.uow() as s:
        cohort = cohort_of(s)
        return "\n".join(
            ",".join(map(str, row))
            for name in EXPORT_COLUMNS
            for row in cohort_rows(s, cohort, name)
        )


def test_the_week_boundary_is_each_members_own(world, clock) -> None:
    """Sunday 23:00 in the cohort's zone (UTC) is already Monday in Auckland; Sunday 17:00
    in Los Angeles is Monday 01:00 UTC. Each entry counts for its member's own date."""
    clock.set(MONDAY)
    world.say("Org", "/cohort start Boundary")
    for name, tz in (("Ana", None), ("Ben", "America/Los_Angeles"), ("Di", "Pacific/Auckland")):
        world.zones[name] = tz
        world.say(name, "/cohort join")
    clock.set(SUNDAY_2300)
    world.say("Di", "/checkin first thing on my monday | hours: 2h building")
    week = summary(world, SUNDAY_2300)
    assert week.week == "2026-W49"
    assert week.minutes["building"] == 0  # Di's Monday is next week
    assert [(ln.name, ln.checkins, ln.expected) for ln in week.lines] == [
        ("Ana", 0, 5),
        ("Ben", 0, 5),
        ("Di", 0, 5),
    ]
    assert "2 h" not in digest_text(world, SUNDAY_2300, "digest:c1:2026-W49").split("Hours:")[1]

    monday_0100 = SUNDAY_2300 + timedelta(hours=2)
    clock.set(monday_0100)
    world.say("Ben", "/hours 3h building late sunday")  # still Sunday in Los Angeles
    last = summary(world, monday_0100, weeks_back=1)
    assert last.week == "2026-W49"
    assert last.minutes["building"] == 180  # Ben's Sunday, not Di's Monday
    this = summary(world, monday_0100)
    assert this.week == "2026-W50"
    assert this.minutes["building"] == 120  # Di's Monday
    # Ana's Monday has begun and Di's is done; Ben's Monday has not started: nothing due.
    assert [(ln.name, ln.checkins, ln.expected) for ln in this.lines] == [
        ("Ana", 0, 1),
        ("Ben", 0, 0),
        ("Di", 1, 1),
    ]
    assert (this.checkin_rate, this.active) == (1 / 2, 1)


def test_a_member_who_left_mid_week(world, clock) -> None:
    clock.set(MONDAY)
    world.say("Org", "/cohort start Leavers")
    for name in ("Ana", "Ben"):
        world.say(name, "/cohort join")
        world.say(name, "/cohort me leaderboard on")
    for day in range(2):
        clock.set(MONDAY + timedelta(days=day))
        for name in ("Ana", "Ben"):
            world.say(name, f"/checkin day {day} | hours: 1h learning")
    clock.set(MONDAY + timedelta(days=2))
    world.say("Ben", "/cohort leave")
    s = summary(world, clock.now())
    assert s.members == 1 and [ln.name for ln in s.lines] == ["Ana"]
    assert s.minutes["learning"] == 120  # Ana's two hours only
    assert s.leaders == [("Ana", 2)]
    assert all(name != "Ben" for name, _ in s.at_risk)
    assert "Ben" not in digest_text(world, clock.now(), "digest:c1:2026-W49")
    hours = [row for row in export_text(world).splitlines() if ",learning," in row]
    assert sorted(r.split(",")[1] for r in hours) == ["U-ana", "U-ana", "U-ben", "U-ben"]


def test_a_past_week_counts_the_members_it_ended_with(world, clock) -> None:
    """Ben took part in week 49 and left in week 50; Cy joined in week 50. Week 49 stays as
    it was; this week has Ana and Cy. Members who left keep their place in past weeks."""
    clock.set(MONDAY)
    world.say("Org", "/cohort start History")
    for name in ("Ana", "Ben"):
        world.say(name, "/cohort join")
    for day in range(5):
        clock.set(MONDAY + timedelta(days=day, hours=9))
        for name in ("Ana", "Ben"):
            world.say(name, f"/checkin day {day} | hours: 1h learning")
    clock.set(MONDAY + timedelta(weeks=1, days=1))
    world.say("Ben", "/cohort leave")
    world.say("Cy", "/cohort join")
    before = summary(world, clock.now(), weeks_back=1)
    assert [ln.name for ln in before.lines] == ["Ana", "Ben"]
    assert (before.members, before.minutes["learning"], before.checkin_rate) == (2, 600, 1.0)
    assert "2 of 2" in digest_text(world, clock.now(), "digest:c1:2026-W49")
    now = summary(world, clock.now())
    assert [ln.name for ln in now.lines] == ["Ana", "Cy"]
    # Back again: Ben is a member again, and week 49 still reads as it did.
    world.say("Ben", "/cohort join")
    assert [ln.name for ln in summary(world, clock.now()).lines] == ["Ana", "Ben", "Cy"]
    assert summary(world, clock.now(), weeks_back=1) == before


def test_a_forgotten_member_is_gone_from_every_summary_and_export(world, clock) -> None:
    clock.set(MONDAY - timedelta(days=7))
    world.say("Org", "/cohort start Forget")
    for name in ("Ana", "Cy"):
        world.say(name, "/cohort join")
        world.say(name, "/cohort me leaderboard on")
    for day in range(8):
        clock.set(MONDAY - timedelta(days=7) + timedelta(days=day))
        for name in ("Ana", "Cy"):
            world.say(name, f"/checkin day {day} | hours: 1h building")
    world.say("Cy", "/plan set 1 Cy's goal")
    world.say("Cy", "/plan done 1")
    before = summary(world, clock.now())
    assert ("Cy", 8) in before.leaders
    world.say("Cy", "/cohort forget-me confirm")

    for weeks_back in (0, 1):
        s = summary(world, clock.now(), weeks_back)
        assert [ln.name for ln in s.lines] == ["Ana"]
        assert all(name != "Cy" for name, _ in s.leaders + s.at_risk)
        assert "Cy" not in reports.summary_message(s).plain()
    assert summary(world, clock.now()).milestones == 0  # Cy's plan week 1 went with her
    for key in ("digest:c1:2026-W48", "digest:c1:2026-W49"):
        assert "Cy" not in digest_text(world, clock.now(), key)
    everything = export_text(world)
    assert "U-ana" in everything
    assert "U-cy" not in everything and "Cy" not in everything
    with world.app.uow() as s:
        assert member_data(s, cohort_of(s), "U-cy") is None


def test_private_words_never_reach_a_summary_or_digest(world, clock) -> None:
    clock.set(MONDAY)
    world.say("Org", "/cohort start Private")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/cohort me checkins private")
    world.say("Ana", "/cohort me leaderboard on")
    world.say("Ana", "/checkin wombat | next: wombat plans | blockers: wombat worry")
    s = summary(world, MONDAY)
    assert s.checkin_rate == 1.0
    text = reports.summary_message(s, chart=False).plain()
    text += digest_text(world, MONDAY, "digest:c1:2026-W49")
    assert "wombat" not in text


def test_every_at_risk_reason_is_given(world, clock) -> None:
    clock.set(MONDAY - timedelta(days=21))
    world.say("Org", "/cohort start Reasons")
    world.say("Eve", "/cohort join")
    world.say("Eve", "/checkin the only one")
    s = summary(world, MONDAY)
    assert s.at_risk == [
        (
            "Eve",
            "no check-in for 14 study days; under half of the hour budget two weeks running; "
            "no plan goals set yet",
        )
    ]
    message = reports.summary_message(s).plain()
    assert "• Eve — no check-in for 14 study days; under half" in message


def test_a_week_away_is_not_under_budget(world, clock) -> None:
    clock.set(MONDAY - timedelta(days=21))
    world.say("Org", "/cohort start Away")
    world.say("Eve", "/cohort join")
    world.say("Eve", "/plan set 1 a real goal")
    clock.set(MONDAY - timedelta(days=14))
    world.say("Eve", "/cohort me away until 2026-11-22")  # all of W47
    clock.set(MONDAY)
    world.say("Eve", "/checkin back")
    assert summary(world, MONDAY).at_risk == []


def test_a_past_week_is_shown_as_it_stood_at_its_end(world, clock) -> None:
    clock.set(MONDAY - timedelta(days=7))
    world.say("Org", "/cohort start Past")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/plan set 1 course")
    world.say("Ana", "/cohort me leaderboard on")
    world.say("Ana", "/checkin monday")  # then silence for the rest of W48
    clock.set(MONDAY + timedelta(days=2))
    for day in (0, 1):
        world.say("Ana", f"/checkin {'yesterday' if day else '2 days ago'}: back")
    world.say("Ana", "/checkin today too")
    last = summary(world, clock.now(), weeks_back=1)
    # As of Sunday 29 November: four study days missed, streak broken, nobody leading.
    assert last.at_risk == [("Ana", "no check-in for 4 study days")]
    assert last.leaders == []
    now = summary(world, clock.now())
    assert now.at_risk == [] and now.leaders == [("Ana", 3)]


# -- volume: many members, a long history, every zone ---------------------------------

ZONES = [
    "UTC", "Europe/Berlin", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles",
    "America/St_Johns", "Asia/Kathmandu", "Pacific/Honolulu", "Africa/Nairobi", "Asia/Tokyo",
]  # fmt: skip


def _fill(engine: Any, members: int, days: int, now: datetime, seed: int) -> int:
    """A cohort with ``days`` of history: perfect, freeze-saved, patchy and lapsed members."""
    rnd = random.Random(seed)
    first = now.date() - timedelta(days=days)
    joined = datetime.combine(first, datetime.min.time(), UTC)
    with engine.begin() as conn:
        cid = conn.execute(
            insert(Cohort).returning(Cohort.id),
            dict(platform="t", workspace_id="W", channel_id="C", name="Volume",
                 start_date=first, created_at=joined),
        ).scalar_one()  # fmt: skip
        conn.execute(insert(RestDay), [{"cohort_id": cid, "day": now.date() - timedelta(days=9)}])
        ids = []
        for i in range(members):
            ids.append(
                conn.execute(
                    insert(Member).returning(Member.id),
                    dict(cohort_id=cid, user_id=f"U{i}", display_name=f"m{i:03d}",
                         timezone=ZONES[i % len(ZONES)], plan_start=first, leaderboard=True,
                         study_days="mon,wed,fri,sat" if i % 7 == 3 else None,
                         last_nudges={}, joined_at=joined + timedelta(hours=i % 48)),
                ).scalar_one()
            )  # fmt: skip
        conn.execute(
            insert(MemberPeriod),
            [{"member_id": mid, "joined_at": joined + timedelta(hours=i % 48)}
             for i, mid in enumerate(ids)],
        )  # fmt: skip
        checkins, hours, away = [], [], []
        for n, mid in enumerate(ids):
            share = [1.0, 0.9, 0.85, 0.75, 0.5][n % 5]
            stop = days - (n % 11) * 3 if n % 4 == 0 else days + 2  # some lapse near the end
            for d in range(min(stop, days + 2)):
                day = first + timedelta(days=d)
                if rnd.random() < share:
                    stamp = joined + timedelta(days=d)
                    checkins.append(dict(member_id=mid, local_date=day, did="x", public=True,
                                         created_at=stamp, updated_at=stamp))  # fmt: skip
                    hours.append(dict(member_id=mid, local_date=day, minutes=30 + 15 * (d % 5),
                                      category="building", created_at=stamp))  # fmt: skip
            if n % 6 == 1:
                s = first + timedelta(days=rnd.randrange(days))
                away.append(dict(member_id=mid, start_date=s, end_date=s + timedelta(days=4)))
        conn.execute(insert(CheckInRow), checkins)
        conn.execute(insert(HourLog), hours)
        if away:
            conn.execute(insert(AwayPeriod), away)
    return cid


def test_streaks_and_missed_days_match_the_full_history_on_a_big_cohort(app) -> None:
    """The summary loads a few weeks of check-ins; streaks longer than that are finished
    from the full history. Either way they equal the member's own /progress streak."""
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    cid = _fill(app.engine, members=60, days=150, now=now, seed=3)
    with app.uow() as s:
        cohort = s.get(Cohort, cid)
        assert cohort is not None
        got = reports.cohort_summary(s, cohort, now, app.content)
        lines = {ln.name: ln for ln in got.lines}
        risky = dict(got.at_risk)
        members = s.scalars(select(Member).where(Member.cohort_id == cid)).all()
        assert len(lines) == 60
        long_runs = 0
        for m in members:
            streak = stats.member_streak(s, m, now)
            assert lines[m.display_name].streak == streak.current, m.display_name
            long_runs += streak.current > 7 * (reports.HISTORY_WEEKS + 1)
            today = stats.today_for(m, now)
            seen = [d for d in stats.checkin_dates(s, m.id) if d <= today]
            missed = missed_study_days(
                max(seen) if seen else None,
                since=m.joined_at.astimezone(reports.zone(m.timezone)).date(),
                today=today,
                study_days=stats.study_days_of(m, cohort),
                away=stats.away_days(s, m),
            )
            flagged = f"no check-in for {missed} study days" in risky.get(m.display_name, "")
            assert flagged == (missed >= cohort.inactivity_days), (m.display_name, missed)
        assert long_runs >= 5  # the full-history path really ran
        assert (
            got.leaders
            == sorted(
                ((n, ln.streak) for n, ln in lines.items() if ln.streak),
                key=lambda x: (-x[1], x[0]),
            )[:5]
        )


def test_a_cohort_of_one_with_a_long_history(app) -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    cid = _fill(app.engine, members=1, days=200, now=now, seed=1)
    with app.uow() as s:
        cohort = s.get(Cohort, cid)
        assert cohort is not None
        got = reports.cohort_summary(s, cohort, now, app.content)
        member = s.scalars(select(Member)).one()
        assert got.leaders == [("m000", stats.member_streak(s, member, now).current)]
        assert got.leaders[0][1] > 100
        d = digest.cohort_digest(s, cohort, now, app.content, date(2026, 11, 30))
        assert (d.members, d.checked_in) == (1, 1)


def test_leaving_and_coming_back_changes_no_past_week_and_resets_nothing(world, clock) -> None:
    """Ben leaves on day 15 and checks in again a week later: he continues his own history
    (join date, plan day, time zone), and the weeks before read exactly as they did."""
    clock.set(MONDAY)
    world.say("Org", "/cohort start Returners")
    for name in ("Ana", "Ben", "Cy"):
        world.say(name, "/cohort join")
        world.say(name, "/cohort me leaderboard on")
    world.say("Ben", "/cohort me timezone Africa/Lagos")
    for day in range(15):  # days 1-15: W49, W50 and the Monday of W51
        clock.set(MONDAY + timedelta(days=day, hours=9))
        if (MONDAY + timedelta(days=day)).weekday() < 5:
            for name in ("Ana", "Ben", "Cy")[: 3 if day % 3 else 2]:
                world.say(name, f"/checkin day {day + 1} | hours: 1h building, 30m learning")
    world.say("Ben", "/plan done 1")
    world.say("Ben", "/cohort leave")
    ben = world.member("Ben")
    back_at = MONDAY + timedelta(weeks=3, days=1, hours=10)  # Tuesday of W52
    clock.set(back_at)
    before = [summary(world, back_at, weeks_back=n) for n in (1, 2, 3)]
    digests = [digest_text(world, back_at, f"digest:c1:2026-W{w}") for w in (49, 50, 51)]
    assert [s.week for s in before] == ["2026-W51", "2026-W50", "2026-W49"]
    assert before[2].members == 3 and "Ben" in [ln.name for ln in before[1].lines]

    reply = world.say("Ben", "/checkin still here?")
    assert "Welcome back to Returners" in reply.message.text
    assert "Day 1 of" not in reply.message.text
    again = world.member("Ben")
    assert (again.timezone, again.plan_start, again.joined_at) == (
        "Africa/Lagos",
        ben.plan_start,
        ben.joined_at,
    )
    assert [summary(world, back_at, weeks_back=n) for n in (1, 2, 3)] == before
    assert [digest_text(world, back_at, f"digest:c1:2026-W{w}") for w in (49, 50, 51)] == digests
    # This week he is a member again, and owes no check-in for the days he was gone.
    this = summary(world, back_at)
    ben_line = next(ln for ln in this.lines if ln.name == "Ben")
    assert (ben_line.checkins, ben_line.expected) == (1, 1)
    # Leaving again and coming back through /cohort join: still his own plan and history.
    world.say("Ben", "/cohort leave")
    assert world.say("Ben", "/cohort join").message.title == "Welcome back"
    assert world.member("Ben").plan_start == ben.plan_start
    assert [summary(world, back_at, weeks_back=n) for n in (1, 2, 3)] == before
