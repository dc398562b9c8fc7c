"""Streaks: consecutive study days with a check-in, forgiving by design.

A missed non-study day never breaks a streak, nor does a day marked away or a
cohort rest day. Every 7 check-in days in a run earn a freeze (at most 2 held);
a freeze covers one missed study day automatically. The streak is derived from
the entries every time, so a late entry repairs it with no bookkeeping.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

FREEZE_EVERY = 7
MAX_FREEZES = 2


@dataclass(frozen=True)
class Streak:
    current: int = 0
    longest: int = 0
    freezes: int = 0  # held now
    frozen_days: tuple[date, ...] = ()  # missed study days a freeze covered, oldest first
    at_risk: bool = False  # today is a study day and has no check-in yet
    checkin_days: int = field(default=0)  # total days with a check-in


def compute_streak(
    checkins: Collection[date],
    *,
    study_days: Collection[int],
    today: date,
    since: date,
    away: Collection[date] = (),
) -> Streak:
    """Walk from ``since`` to ``today`` (the member's local dates) and count.

    ``today`` never breaks a streak: the day is not over yet.
    """
    checked = set(checkins)
    start = min([since, *checked]) if checked else since
    # ``credit`` is check-in days banked toward freezes: FREEZE_EVERY of them make
    # one freeze. It stops growing at MAX_FREEZES freezes instead of earning on every
    # 7th day of the run and throwing the surplus away: with the old rule a late or
    # extra check-in shifted when freezes were earned, so one could be wasted at the
    # cap and the streak broke later; adding a check-in (or an away day) could lower
    # the streak. Banked this way, more check-ins never mean fewer freezes.
    current = longest = credit = 0
    frozen: list[date] = []
    day = start
    while day <= today:
        if day in checked:
            current += 1
            longest = max(longest, current)
            credit = min(MAX_FREEZES * FREEZE_EVERY, credit + 1)
        elif day == today or day.weekday() not in study_days or day in away:
            pass
        elif credit >= FREEZE_EVERY:
            credit -= FREEZE_EVERY
            frozen.append(day)
        else:
            current = 0
            credit = 0
        day += timedelta(days=1)
    freezes = credit // FREEZE_EVERY
    at_risk = today not in checked and today.weekday() in study_days and today not in away
    return Streak(
        current=current,
        longest=longest,
        freezes=freezes,
        frozen_days=tuple(frozen),
        at_risk=at_risk,
        checkin_days=len([d for d in checked if d <= today]),
    )


def missed_study_days(
    last_checkin: date | None,
    *,
    since: date,
    today: date,
    study_days: Collection[int],
    away: Collection[date] = (),
) -> int:
    """Study days (not away, not today) since the last check-in, or since ``since``."""
    day = (last_checkin + timedelta(days=1)) if last_checkin else since
    missed = 0
    while day < today:
        if day.weekday() in study_days and day not in away:
            missed += 1
        day += timedelta(days=1)
    return missed
