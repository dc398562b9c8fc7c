"""Scheduled messages: turn a due decision into the words a member (or cohort) sees.

Code selects; content speaks. Every text comes from ``content/nudges.yaml``,
chosen by trigger and track, never the same nudge twice in a row for a member,
and filled with the member's own plan: "day 9 of 30 — this week: ...".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.content import Content
from bot.domain import schedule
from bot.domain.calendar import PLAN_DAYS, plan_day
from bot.domain.progress import Drift, choose, mix_drift
from bot.domain.schedule import MIX_DRIFT
from bot.messages import Button, Message, hours_text
from bot.read import cards, stats
from bot.storage.orm import Member
from bot.text import fill
from bot.usecases import nudging
from bot.usecases.sprint import sprint_for

CHECKIN_BUTTONS = (
    Button("Check in now", "checkin_open", style="primary"),
    Button("Log hours", "hours_open"),
    Button("Snooze 1 h", "snooze_1h"),
)
TITLES = {
    schedule.CHECKIN_PROMPT: "Check-in time",
    schedule.SPRINT_KICKOFF: "New sprint",
    schedule.MIDWEEK_REMINDER: "Mid-week hours",
    schedule.WEEKLY_REVIEW: "Weekly review",
    schedule.INACTIVITY: "We miss you",
}


# Numbers that stay between a member and the bot when their check-ins are private.
PRIVATE_VALUES = frozenset({"hours", "streak"})


def pick_nudge(
    content: Content,
    member: Member,
    trigger: str,
    seed: str,
    category: str | None = None,
    *,
    plan_over: bool = False,
    avoid: frozenset[str] = frozenset(),
) -> tuple[str, str] | None:
    """(nudge id, raw text) for the member, avoiding the last one of that trigger and any
    text that uses a placeholder in ``avoid`` (or, after the plan, names its day or week)."""
    candidates = [
        n
        for n in content.nudges_for(trigger, member.track, category, plan_over=plan_over)
        if not avoid & set(re.findall(r"\{(\w+)", n.text))
    ]
    chosen = choose(
        [n.id for n in candidates], last=(member.last_nudges or {}).get(trigger), seed=seed
    )
    if chosen is None:
        return None
    nudge = next(n for n in candidates if n.id == chosen)
    nudging.remember_nudge(member, trigger, chosen)
    return nudge.id, nudge.text


def member_values(
    content: Content, session: Session, member: Member, now: datetime
) -> dict[str, Any]:
    """The placeholder values of a scheduled member message: those ``TRIGGERS`` declares
    for the member triggers (``hours`` and ``target``: this week's)."""
    today = stats.today_for(member, now)
    week = stats.week_minutes(session, member, today)
    targets = stats.budget_targets(content, member.budget)
    return cards.values_for(
        session,
        content,
        member,
        now,
        streak=stats.member_streak(session, member, now).current,
        hours=hours_text(sum(week.values())),
        target=hours_text(sum(targets.values())),
    )


def drift_values(values: dict[str, Any], drift: Drift) -> dict[str, Any]:
    """A member's values plus the mix-drift tip's own (``TRIGGERS["mix_drift"]``)."""
    return {**values, "ahead": drift.ahead, "behind": drift.behind, "category": drift.behind}


def member_message(
    content: Content,
    session: Session,
    member: Member,
    kind: str,
    key: str,
    now: datetime,
    *,
    in_channel: bool = False,
) -> tuple[Message, str | None]:
    """The message for a scheduled member kind, and the nudge id it used.

    ``in_channel``: it is posted in the cohort channel, not sent by DM. Then it says whom
    it is for (by display name, never a ping), and a member whose check-ins are private
    gets no text that shows their hours or streak.
    """
    today = stats.today_for(member, now)
    week = stats.week_minutes(session, member, today)
    targets = stats.budget_targets(content, member.budget)
    plan = stats.plan_weeks(session, member.id)
    values = member_values(content, session, member, now)
    private = in_channel and not member.checkins_public
    avoid = PRIVATE_VALUES if private else frozenset()
    if not values["streak"]:
        avoid |= {"streak"}  # "your streak stands at 0" is no encouragement
    title = TITLES[kind] + (f" for {values['name']}" if in_channel else "")
    blocks: list[str] = [cards.plan_line(session, content, member, now, plan)]
    nudge_id: str | None = None
    plan_over = plan_day(member.plan_start, today) > PLAN_DAYS
    picked = pick_nudge(content, member, kind, seed=key, plan_over=plan_over, avoid=avoid)
    text = fill(picked[1], values) if picked else TITLES[kind]
    if picked:
        nudge_id = picked[0]
    buttons = CHECKIN_BUTTONS
    if kind == schedule.MIDWEEK_REMINDER and not private:
        blocks.append(
            "This week so far: "
            + ", ".join(
                f"{hours_text(week[c])} of {hours_text(targets[c])} {c}"
                # A category with no target still shows what was logged in it, so the
                # parts always add up to the total the text above names.
                for c in targets
                if targets[c] or week[c]
            )
        )
        # The balance tip rides on the mid-week reminder; it is its own kind to turn off.
        drift = None if MIX_DRIFT in member.reminders_off.split(",") else mix_drift(week, targets)
        if drift is not None:
            tip = pick_nudge(
                content,
                member,
                MIX_DRIFT,
                seed=key + ":drift",
                category=drift.behind,
                plan_over=plan_over,
            )
            if tip:
                blocks.append(fill(tip[1], drift_values(values, drift)))
    elif kind == schedule.WEEKLY_REVIEW:
        buttons = (
            Button("Done", "plan_week_done", style="primary"),
            Button("Not yet", "plan_week_not_yet"),
            *CHECKIN_BUTTONS[:1],
        )
    elif kind == schedule.SPRINT_KICKOFF:
        sprint = sprint_for(session, content, member, now)
        goals = "\n".join(f"{i}. {g.text}" for i, g in enumerate(sprint.goals, 1))
        if goals:
            blocks.append("This sprint:\n" + goals)
    return Message(text, title=title, blocks=tuple(blocks), buttons=buttons), nudge_id


def digest_line(content: Content, seed: str) -> str:
    chosen = choose([n.id for n in content.nudges_for("digest", None)], last=None, seed=seed)
    nudge = next((n for n in content.nudges if n.id == chosen), None)
    return nudge.text if nudge else ""
