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
# The balance (mix-drift) tip is not a scheduled message of its own: it rides on the
# mid-week reminder. Members still turn it off by name, like every scheduled kind.
MIX_DRIFT = "mix_drift"
REMINDER_KINDS = (*MEMBER_KINDS, MIX_DRIFT)
DEFAULT_GRACE = timedelta(hours=2)
# How often the scheduler ticks by default: a message is due for at least this long.
TICK_EVERY = timedelta(minutes=1)


def due_window(grace: timedelta, tick_every: timedelta = TICK_EVERY) -> timedelta:
    """How long after its moment a message is still due: the grace, and never less than
    one tick. A grace of zero means "no catch-up after downtime", not "nothing": with an
    empty window (``moment <= now < moment``) no tick could ever find a message due."""
    return max(grace, tick_every)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


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
    # The member's own away days alone: coming back from one starts the inactivity count
    # again (a cohort rest day only doesn't count, or the notes would never stop).
    own_away: frozenset[date] = frozenset()
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


def occurrences(day: date, clock: time, tz: ZoneInfo) -> list[datetime]:
    """Every real moment (in UTC) at which ``tz``'s wall clock shows ``clock`` on ``day``.

    Usually one; two in a repeated fall-back hour; in a skipped spring-forward hour
    none, so the first moment after the jump stands in (as :func:`at_local` does).
    """
    naive = datetime.combine(day, clock)
    utc = _zone("UTC")
    found = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=tz, fold=fold).astimezone(utc)
        if moment.astimezone(tz).replace(tzinfo=None) == naive and moment not in found:
            found.append(moment)
    return sorted(found) or [at_local(day, clock, tz).astimezone(utc)]


def quiet_hours_end(
    now: datetime, tz_name: str, start: time | None, end: time | None
) -> datetime | None:
    """When ``now`` falls in quiet hours, the next real moment after it at which they end.

    Never a moment in the past: inside a repeated fall-back hour the first showing of
    the end time has already gone by, and deferring to it re-deferred the same row in
    a loop. ``None`` when ``now`` is not in quiet hours.
    """
    tz = _zone(tz_name)
    local = now.astimezone(tz)
    if end is None or not in_quiet_hours(local.time(), start, end):
        return None
    day = local.date()
    for d in (day, day + timedelta(days=1), day + timedelta(days=2)):
        for moment in occurrences(d, end, tz):
            if moment > now:
                return moment
    raise AssertionError("quiet hours end within two days")  # pragma: no cover


@lru_cache(maxsize=65536)
def _delivery_moment(
    day: date, prompt_time: time, quiet_start: time | None, quiet_end: time | None, tz_name: str
) -> datetime:
    """The prompt moment on ``day`` in UTC, pushed past quiet hours if it falls in them.

    Cached: members share zones and prompt times, so a tick over 100,000 members
    computes only a few thousand distinct moments.
    """
    tz = _zone(tz_name)
    moment = at_local(day, prompt_time, tz)
    if quiet_end is not None and in_quiet_hours(moment.time(), quiet_start, quiet_end):
        end_day = day if moment.time() < quiet_end else day + timedelta(days=1)
        moment = at_local(end_day, quiet_end, tz)
    # In UTC: adding the grace to a local time is wall-clock arithmetic, which
    # made the window an hour longer or shorter across a DST change.
    return moment.astimezone(_zone("UTC"))


def _seen_on(m: MemberSchedule, day: date) -> date | None:
    """The day inactivity counts from: the last check-in, or the last away day since.

    Days missed before the member's time away do not carry over it: coming back
    from a break starts a fresh count, so the first day back brings the usual
    prompt, never "We miss you".
    """
    back_from = max((d for d in m.own_away if d < day), default=None)
    if back_from is None or (m.last_checkin is not None and m.last_checkin >= back_from):
        return m.last_checkin
    return back_from


def member_kind(m: MemberSchedule, day: date) -> str | None:
    """Which scheduled message (if any) a member gets on their local ``day``."""
    if not m.active or day < m.joined_on or day in m.away:
        return None
    study_day = day.weekday() in m.study_days
    checked_in = m.last_checkin is not None and m.last_checkin >= day
    if (
        study_day
        and not checked_in
        and m.inactivity_days > 0
        and (INACTIVITY not in m.reminders_off)
    ):
        missed = missed_study_days(
            _seen_on(m, day), since=m.joined_on, today=day, study_days=m.study_days, away=m.away
        )
        # Two kind notes, after N and 2N missed study days, then quiet: nagging someone
        # who has stepped away does not bring them back (admins still see them at risk).
        if missed in (m.inactivity_days, 2 * m.inactivity_days):
            return INACTIVITY
    candidates = []
    if day.weekday() == 0:
        candidates.append(SPRINT_KICKOFF)
    if day.weekday() == m.review_day:
        candidates.append(WEEKLY_REVIEW)
    if day.weekday() == m.reminder_day and study_day:
        candidates.append(MIDWEEK_REMINDER)
    if study_day and not checked_in:  # nobody needs "time to check in" after they did
        candidates.append(CHECKIN_PROMPT)
    for kind in candidates:
        if kind not in m.reminders_off:
            return kind
    return None


def member_key(kind: str, member_id: int, day: date) -> str:
    if kind in (SPRINT_KICKOFF, WEEKLY_REVIEW):
        return f"{kind}:m{member_id}:{iso_week(day)}"
    return f"{kind}:m{member_id}:{day.isoformat()}"


def due_for_member(
    m: MemberSchedule, now: datetime, grace: timedelta, today: date | None = None
) -> Due | None:
    if today is None:
        today = now.astimezone(_zone(m.timezone)).date()
    if m.snoozed_until is not None and now < m.snoozed_until:
        return None
    for day in (today - timedelta(days=1), today):
        moment = _delivery_moment(day, m.prompt_time, m.quiet_start, m.quiet_end, m.timezone)
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
    todays: dict[str, date] = {}  # one conversion per zone, not per member
    out = []
    for m in members:
        today = todays.get(m.timezone)
        if today is None:
            today = todays[m.timezone] = now.astimezone(_zone(m.timezone)).date()
        due = due_for_member(m, now, grace, today)
        if due is not None:
            out.append(due)
    out.extend(d for c in cohorts if (d := due_for_cohort(c, now, grace)) is not None)
    return out
