"""The database schema as SQLAlchemy 2 typed ORM classes.

The schema itself is created and changed only by Alembic (``migrations/``);
these classes must match the latest migration, which a test checks.
Times are stored as naive UTC and handed out as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Cohort(Base):
    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    start_date: Mapped[date] = mapped_column(Date)
    prompt_time: Mapped[time] = mapped_column(Time, default=time(9, 0))
    study_days: Mapped[str] = mapped_column(String(40), default="mon,tue,wed,thu,fri")
    reminder_day: Mapped[int] = mapped_column(Integer, default=2)  # 0 = Monday
    review_day: Mapped[int] = mapped_column(Integer, default=4)
    digest_day: Mapped[int] = mapped_column(Integer, default=6)
    inactivity_days: Mapped[int] = mapped_column(Integer, default=3)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    members: Mapped[list[Member]] = relationship(back_populates="cohort")


class CohortAdmin(Base):
    __tablename__ = "cohort_admins"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))


class RestDay(Base):
    """A cohort-wide day off: no prompts, no streak loss."""

    __tablename__ = "rest_days"
    __table_args__ = (UniqueConstraint("cohort_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        CheckConstraint("status in ('active', 'paused', 'left')", name="status"),
        CheckConstraint("delivery in ('dm', 'channel')", name="delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64))
    track: Mapped[str] = mapped_column(String(40), default="other")
    budget: Mapped[str] = mapped_column(String(20), default="part-time")
    target_role: Mapped[str | None] = mapped_column(String(120))
    plan_start: Mapped[date] = mapped_column(Date)
    prompt_time: Mapped[time | None] = mapped_column(Time)  # None: the cohort's
    study_days: Mapped[str | None] = mapped_column(String(40))  # None: the cohort's
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    delivery: Mapped[str] = mapped_column(String(10), default="dm")
    checkins_public: Mapped[bool] = mapped_column(Boolean, default=True)
    leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders_off: Mapped[str] = mapped_column(String(200), default="")  # comma-separated kinds
    status: Mapped[str] = mapped_column(String(10), default="active")
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_nudges: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Kept by the check-in handler so the scheduler needs no aggregate over all check-ins.
    last_checkin_on: Mapped[date | None] = mapped_column(Date)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the first time they joined
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set by /cohort leave

    cohort: Mapped[Cohort] = relationship(back_populates="members")


class MemberPeriod(Base):
    """One stretch of membership: from joining to leaving (None while still in)."""

    __tablename__ = "member_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AwayPeriod(Base):
    __tablename__ = "away_periods"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # inclusive


class PlanWeek(Base):
    __tablename__ = "plan_weeks"
    __table_args__ = (
        UniqueConstraint("member_id", "week"),
        CheckConstraint("week between 1 and 4", name="week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    goal: Mapped[str | None] = mapped_column(Text)  # None: the template's default
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PortfolioProject(Base):
    """One of the three portfolio projects (domain bridge, depth, production), when shipped."""

    __tablename__ = "portfolio_projects"
    __table_args__ = (
        UniqueConstraint("member_id", "number"),
        CheckConstraint("number between 1 and 3", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Sprint(Base):
    __tablename__ = "sprints"
    __table_args__ = (UniqueConstraint("member_id", "iso_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    iso_week: Mapped[str] = mapped_column(String(8))  # "2026-W48", in the member's zone
    target_learning: Mapped[int] = mapped_column(Integer)  # minutes
    target_building: Mapped[int] = mapped_column(Integer)
    target_networking: Mapped[int] = mapped_column(Integer)
    review: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    goals: Mapped[list[SprintGoal]] = relationship(
        back_populates="sprint", order_by="SprintGoal.position", cascade="all, delete-orphan"
    )


class SprintGoal(Base):
    __tablename__ = "sprint_goals"
    __table_args__ = (UniqueConstraint("sprint_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="own")  # "plan" | "own"
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sprint: Mapped[Sprint] = relationship(back_populates="goals")


class CheckInRow(Base):
    """One check-in per member per local day; ``local_date`` is the day it counts for."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("member_id", "local_date"),
        CheckConstraint("mood is null or mood between 1 and 5", name="mood"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    did: Mapped[str] = mapped_column(Text)
    next: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)
    mood: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where the public post landed, so an edit can update it in place.
    posted_channel: Mapped[str | None] = mapped_column(String(64))
    posted_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HourLog(Base):
    __tablename__ = "hour_logs"
    __table_args__ = (
        CheckConstraint("minutes > 0 and minutes <= 960", name="minutes"),
        CheckConstraint("category in ('learning', 'building', 'networking')", name="category"),
        Index("ix_hour_logs_member_date", "member_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MilestoneAward(Base):
    __tablename__ = "milestone_awards"
    __table_args__ = (UniqueConstraint("member_id", "milestone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    milestone: Mapped[str] = mapped_column(String(60))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the public celebration landed, so an undo can edit it.
    posted_channel: Mapped[str | None] = mapped_column(String(64))
    posted_message_id: Mapped[str | None] = mapped_column(String(64))


class OutboxRow(Base):
    """A message due to go out. ``key`` makes each scheduled message unique."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status in ('pending', 'sending', 'sent', 'failed', 'skipped')", name="status"
        ),
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    nudge_id: Mapped[str | None] = mapped_column(String(60))
    # Scheduled prompts are composed when they are sent, so a late prompt shows fresh
    # numbers; rows written with their words already (snoozes, digests) carry them here.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
