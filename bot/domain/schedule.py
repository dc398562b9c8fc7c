"""What is due, when: pure decisions over members' settings and one moment.

The tick (and the demo) call :func:`due_messages` with the current moment; it
answers with every message whose scheduled moment has passed but is still
inside the grace window. Each answer carries an idempotency key, so asking
twice — or from two workers — can never produce two messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain.calendar import at_local, iso_week
from bot.domain.streaks import missed_study_days

# Kinds of scheduled message, in the order one wins over another on the same day:
# a member gets at most one scheduled prompt a day (plus, rarely, an inactivity note
# instead of it), because reminder noise is the first thing people mute.
SPRINT_KICKOFF = "sprint_kickoff"
WEEKLY_REVIEW = "weekly_review"
MIDWEEK_REMINDER = "midweek_reminder"
CHECKIN_PROMPT = "checkin_prompt"
INACTIVITY = "inactivity"
DIGEST = "digest"
MEMBER_KINDS = (SPRINT_KICKOFF, WEEKLY_REVIEW, MIDWEEK_REMINDER, CHECKIN_PROMPT, INACTIVITY)
DEFAULT_GRACE = timedelta(hours=2)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date_of(moment: datetime, tz: str) -> date:
    """The local calendar date of an aware moment in the zone named ``tz``."""
    return moment.astimezone(_zone(tz)).date()


@dataclass(frozen=True)
class MemberSchedule:
    member_id: int
    cohort_id: int
    timezone: str
    prompt_time: time
    study_days: frozenset[int]
    joined_on: date
    reminder_day: int = 2
    review_day: int = 4
    inactivity_days: int = 3
    quiet_start: time | None = None
    quiet_end: time | None = None
    reminders_off: frozenset[str] = frozenset()
    away: frozenset[date] = frozenset()  # the member's away days and the cohort's rest days
    last_checkin: date | None = None
    snoozed_until: datetime | None = None
    active: bool = True


@dataclass(frozen=True)
class CohortSchedule:
    cohort_id: int
    timezone: str
    digest_day: int
    digest_time: time
    paused: bool = False


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    cohort_id: int
    member_id: int | None
    local_date: date
    due_at: datetime
    expires_at: datetime


def in_quiet_hours(clock: time, start: time | None, end: time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end  # the window wraps midnight


def _delivery_moment(day: date, m: MemberSchedule, tz: ZoneInfo) -> datetime:
    """The prompt moment on ``day``, pushed to the end of quiet hours if it falls in them."""
    moment = at_local(day, m.prompt_time, tz)
    if m.quiet_end is not None and in_quiet_hours(moment.time(), m.quiet_start, m.quiet_end):
        end_day = day if moment.time() < m.quiet_end else day + timedelta(days=1)
        moment = at_local(end_day, m.quiet_end, tz)
    return moment


def member_kind(m: MemberSchedule, day: date) -> str | None:
    """Which scheduled message (if any) a member gets on their local ``day``."""
    if not m.active or day < m.joined_on or day in m.away:
        return None
    study_day = day.weekday() in m.study_days
    if study_day and INACTIVITY not in m.reminders_off:
        missed = missed_study_days(
            m.last_checkin, since=m.joined_on, today=day, study_days=m.study_days, away=m.away
        )
        if missed >= m.inactivity_days and missed % m.inactivity_days == 0:
            return INACTIVITY
    candidates = []
    if day.weekday() == 0:
        candidates.append(SPRINT_KICKOFF)
    if day.weekday() == m.review_day:
        candidates.append(WEEKLY_REVIEW)
    if day.weekday() == m.reminder_day and study_day:
        candidates.append(MIDWEEK_REMINDER)
    if study_day:
        candidates.append(CHECKIN_PROMPT)
    for kind in candidates:
        if kind not in m.reminders_off:
            return kind
    return None


def member_key(kind: str, member_id: int, day: date) -> str:
    if kind in (SPRINT_KICKOFF, WEEKLY_REVIEW):
        return f"{kind}:m{member_id}:{iso_week(day)}"
    return f"{kind}:m{member_id}:{day.isoformat()}"


def due_for_member(m: MemberSchedule, now: datetime, grace: timedelta) -> Due | None:
    tz = _zone(m.timezone)
    today = now.astimezone(tz).date()
    if m.snoozed_until is not None and now < m.snoozed_until:
        return None
    for day in (today - timedelta(days=1), today):
        # In UTC: adding the grace to a local time is wall-clock arithmetic, which
        # made the window an hour longer or shorter across a DST change.
        moment = _delivery_moment(day, m, tz).astimezone(_zone("UTC"))
        if not (moment <= now < moment + grace):
            continue
        kind = member_kind(m, day)
        if kind is None:
            continue
        return Due(
            key=member_key(kind, m.member_id, day),
            kind=kind,
            cohort_id=m.cohort_id,
            member_id=m.member_id,
            local_date=day,
            due_at=moment,
            expires_at=moment + grace,
        )
    return None


def due_for_cohort(c: CohortSchedule, now: datetime, grace: timedelta) -> Due | None:
    if c.paused:
        return None
    tz = _zone(c.timezone)
    today = now.astimezone(tz).date()
    for day in (today - timedelta(days=1), today):
        if day.weekday() != c.digest_day:
            continue
        moment = at_local(day, c.digest_time, tz).astimezone(_zone("UTC"))  # as above
        if moment <= now < moment + grace:
            return Due(
                key=f"{DIGEST}:c{c.cohort_id}:{iso_week(day)}",
                kind=DIGEST,
                cohort_id=c.cohort_id,
                member_id=None,
                local_date=day,
                due_at=moment,
                expires_at=moment + grace,
            )
    return None


def due_messages(
    now: datetime,
    members: Iterable[MemberSchedule],
    cohorts: Iterable[CohortSchedule] = (),
    grace: timedelta = DEFAULT_GRACE,
) -> list[Due]:
    """Everything due at ``now`` (aware), members first, then cohort digests."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    out = [d for m in members if (d := due_for_member(m, now, grace)) is not None]
    out.extend(d for c in cohorts if (d := due_for_cohort(c, now, grace)) is not None)
    return out
