"""The schema protects the invariants itself, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from bot.storage.orm import (
    CheckInRow,
    Cohort,
    CohortAdmin,
    HourLog,
    Member,
    MilestoneAward,
    OutboxRow,
    PlanWeek,
    Sprint,
)

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def member(session: Session) -> Member:
    cohort = Cohort(
        platform="slack",
        workspace_id="T1",
        channel_id="C1",
        name="c",
        timezone="UTC",
        start_date=date(2026, 11, 30),
        created_at=NOW,
    )
    session.add(cohort)
    session.flush()
    m = Member(
        cohort_id=cohort.id,
        user_id="U1",
        display_name="Ana",
        timezone="UTC",
        plan_start=date(2026, 11, 30),
        joined_at=NOW,
        last_nudges={},
    )
    session.add(m)
    session.commit()
    return m


def rejected(session: Session, *rows: Any) -> None:
    """Adding ``rows`` violates a constraint, and the session is usable afterwards."""
    session.add_all(rows)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def checkin(member: Member, day: date = date(2026, 11, 30), **kw: Any) -> CheckInRow:
    return CheckInRow(
        member_id=member.id, local_date=day, did="x", created_at=NOW, updated_at=NOW, **kw
    )


def hours(member: Member, minutes: int) -> HourLog:
    return HourLog(
        member_id=member.id,
        local_date=date(2026, 11, 30),
        minutes=minutes,
        category="building",
        created_at=NOW,
    )


def sprint(member: Member, week: str = "2026-W49") -> Sprint:
    return Sprint(
        member_id=member.id,
        iso_week=week,
        target_learning=1,
        target_building=1,
        target_networking=1,
    )


def outbox(member: Member, key: str) -> OutboxRow:
    return OutboxRow(
        key=key,
        cohort_id=member.cohort_id,
        member_id=member.id,
        kind="x",
        payload={},
        due_at=NOW,
        status="pending",
        attempts=0,
        created_at=NOW,
    )


def test_one_member_per_user_per_cohort(session: Session, member: Member) -> None:
    twin = Member(
        cohort_id=member.cohort_id,
        user_id="U1",
        display_name="Ana again",
        timezone="UTC",
        plan_start=date(2026, 11, 30),
        joined_at=NOW,
        last_nudges={},
    )
    rejected(session, twin)
    # The same user in another cohort is fine.
    other = Cohort(
        platform="slack",
        workspace_id="T1",
        channel_id="C2",
        name="d",
        timezone="UTC",
        start_date=date(2026, 11, 30),
        created_at=NOW,
    )
    session.add(other)
    session.flush()
    session.add(
        Member(
            cohort_id=other.id,
            user_id="U1",
            display_name="Ana",
            timezone="UTC",
            plan_start=date(2026, 11, 30),
            joined_at=NOW,
            last_nudges={},
        )
    )
    session.commit()


def test_one_cohort_per_channel(session: Session, member: Member) -> None:
    rejected(
        session,
        Cohort(
            platform="slack",
            workspace_id="T1",
            channel_id="C1",
            name="dup",
            timezone="UTC",
            start_date=date(2026, 11, 30),
            created_at=NOW,
        ),
    )


def test_one_admin_row_per_user_per_cohort(session: Session, member: Member) -> None:
    session.add(CohortAdmin(cohort_id=member.cohort_id, user_id="U1"))
    session.commit()
    rejected(session, CohortAdmin(cohort_id=member.cohort_id, user_id="U1"))


def test_one_sprint_per_member_week(session: Session, member: Member) -> None:
    session.add(sprint(member))
    session.commit()
    rejected(session, sprint(member))
    session.add(sprint(member, "2026-W50"))
    session.commit()


def test_one_award_per_milestone_per_member(session: Session, member: Member) -> None:
    session.add(MilestoneAward(member_id=member.id, milestone="streak_3", awarded_at=NOW))
    session.commit()
    rejected(session, MilestoneAward(member_id=member.id, milestone="streak_3", awarded_at=NOW))


def test_one_checkin_per_member_day(session: Session, member: Member) -> None:
    session.add(checkin(member))
    session.commit()
    rejected(session, checkin(member))
    session.add(checkin(member, date(2026, 11, 29)))
    session.commit()


def test_one_plan_row_per_week_and_only_weeks_1_to_4(session: Session, member: Member) -> None:
    session.add(PlanWeek(member_id=member.id, week=1))
    session.commit()
    rejected(session, PlanWeek(member_id=member.id, week=1))
    rejected(session, PlanWeek(member_id=member.id, week=5))


def test_outbox_keys_are_unique(session: Session, member: Member) -> None:
    session.add(outbox(member, "prompt:m1:2026-11-30"))
    session.commit()
    rejected(session, outbox(member, "prompt:m1:2026-11-30"))


def test_hour_entries_are_between_one_minute_and_16_hours(session: Session, member: Member) -> None:
    for minutes in (0, -5, 961):
        rejected(session, hours(member, minutes))


def test_hour_entries_of_1_and_960_minutes_are_fine(session: Session, member: Member) -> None:
    session.add_all([hours(member, 1), hours(member, 960)])
    session.commit()


def test_hour_categories_are_the_three(session: Session, member: Member) -> None:
    row = hours(member, 60)
    row.category = "cooking"
    rejected(session, row)


def test_mood_is_1_to_5(session: Session, member: Member) -> None:
    for mood in (0, 6):
        rejected(session, checkin(member, mood=mood))


def test_member_choices_are_checked(session: Session, member: Member) -> None:
    for field, value in (("status", "gone"), ("delivery", "pigeon")):
        setattr(member, field, value)
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_deleting_a_cohort_deletes_everything_in_it(session: Session, member: Member) -> None:
    session.add_all(
        [
            checkin(member),
            hours(member, 30),
            sprint(member),
            outbox(member, "k1"),
            CohortAdmin(cohort_id=member.cohort_id, user_id="U1"),
        ]
    )
    session.commit()
    session.execute(text("DELETE FROM cohorts"))
    session.commit()
    for model in (Member, CheckInRow, HourLog, Sprint, OutboxRow, CohortAdmin):
        assert session.scalar(select(func.count()).select_from(model)) == 0, model


# ---- UTCDateTime ---------------------------------------------------------------------------


AWARE = [
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=-8))),  # 17:00 UTC
    datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=13, minutes=45))),
]


def test_utc_datetimes_round_trip_as_aware_utc(session: Session, member: Member) -> None:
    for n, moment in enumerate(AWARE):
        session.add(MilestoneAward(member_id=member.id, milestone=f"m{n}", awarded_at=moment))
        session.commit()
        session.expire_all()
        back = session.scalar(
            select(MilestoneAward.awarded_at).where(MilestoneAward.milestone == f"m{n}")
        )
        assert back == moment
        assert back.tzinfo is UTC
        # Stored as naive UTC, so range comparisons in SQL work on both backends.
        found = session.scalar(
            select(MilestoneAward.milestone).where(
                MilestoneAward.awarded_at >= moment - timedelta(microseconds=1),
                MilestoneAward.awarded_at < moment + timedelta(microseconds=1),
            )
        )
        assert found == f"m{n}"


def test_naive_datetimes_are_refused(session: Session, member: Member) -> None:
    session.add(
        MilestoneAward(member_id=member.id, milestone="m", awarded_at=datetime(2026, 11, 30, 10, 0))
    )
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()
    session.rollback()
    with pytest.raises(StatementError, match="naive datetime"):
        session.execute(
            select(MilestoneAward).where(MilestoneAward.awarded_at < datetime(2026, 11, 30))
        )


def test_times_and_dates_round_trip(session: Session, member: Member) -> None:
    member.prompt_time = time(18, 30)
    member.quiet_start, member.quiet_end = time(22, 0), time(7, 0)
    member.last_nudges = {"checkin_prompt": "n1"}
    session.commit()
    session.expire_all()
    again = session.get(Member, member.id)
    assert again is not None
    assert (again.prompt_time, again.quiet_start, again.quiet_end) == (
        time(18, 30),
        time(22, 0),
        time(7, 0),
    )
    assert again.last_nudges == {"checkin_prompt": "n1"}
    assert again.plan_start == date(2026, 11, 30)
