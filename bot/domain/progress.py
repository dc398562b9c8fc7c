"""Milestones, nudge choice and the balance (mix-drift) rule: pure decisions."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class MilestoneRule(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def threshold(self) -> int | None: ...


@dataclass(frozen=True)
class Achievements:
    """What a member has done so far, as the milestone rules need it."""

    checkins: int = 0
    streak: int = 0
    total_minutes: int = 0
    budget_weeks_met: int = 0
    plan_weeks_done: frozenset[int] = frozenset()
    portfolio_projects: int = 0


def reached(rules: Sequence[MilestoneRule], a: Achievements) -> list[str]:
    """Ids of every milestone the achievements satisfy (awarded or not)."""
    out: list[str] = []
    for r in rules:
        t = r.threshold or 0
        ok = {
            "first_checkin": a.checkins >= 1,
            "streak": a.streak >= t,
            "total_hours": a.total_minutes >= t * 60,
            "budget_week": a.budget_weeks_met >= max(t, 1),
            "plan_week": t in a.plan_weeks_done,
            "plan_complete": a.plan_weeks_done >= {1, 2, 3, 4},
            "portfolio_project": a.portfolio_projects >= t,
        }.get(r.kind, False)
        if ok:
            out.append(r.id)
    return out


def choose(candidates: Sequence[str], *, last: str | None, seed: str) -> str | None:
    """Pick one id, never ``last`` when there is another, deterministically from ``seed``.

    Determinism matters: a retried tick must choose the same nudge it chose before.
    """
    pool = [c for c in candidates if c != last] or list(candidates)
    if not pool:
        return None
    digest = hashlib.sha256(seed.encode()).digest()
    return pool[int.from_bytes(digest[:8], "big") % len(pool)]


@dataclass(frozen=True)
class Drift:
    ahead: str
    behind: str
    ahead_minutes: int
    behind_minutes: int


def mix_drift(
    logged: Mapping[str, int], targets: Mapping[str, int], *, min_total: int = 180
) -> Drift | None:
    """One category far past its share while another that has a target is near zero.

    e.g. 9 h learning, 0 h building against a 5/8/2 split. ``logged`` and ``targets``
    are minutes per category for the week so far / the whole week.
    """
    total = sum(logged.values())
    if total < min_total:
        return None
    total_target = sum(targets.values()) or 1
    ahead = max(
        logged,
        key=lambda c: logged[c] / max(targets.get(c, 0), 1),
        default=None,
    )
    if ahead is None:
        return None
    share = targets.get(ahead, 0) / total_target
    if logged[ahead] / total < share + 0.25 and logged[ahead] < targets.get(ahead, 0):
        return None
    behind = [c for c, t in targets.items() if c != ahead and t > 0 and logged.get(c, 0) <= 0.1 * t]
    if not behind:
        return None
    worst = max(behind, key=lambda c: targets[c])
    return Drift(ahead, worst, logged[ahead], logged.get(worst, 0))
