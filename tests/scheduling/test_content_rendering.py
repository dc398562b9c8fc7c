"""Every content text, filled with the values the bot really computes for it.

Each nudge trigger and milestone kind declares the names it provides (``TRIGGERS`` and
``MILESTONE_KINDS`` in ``bot/content.py``); `content validate` holds the texts to them.
Here the real code computes the values for a member with a real history, and every
text must come out whole: no placeholder left, none declared but not provided.
"""

from __future__ import annotations

import re
import string
from datetime import timedelta

from bot.content import MILESTONE_KINDS, TRIGGERS
from bot.domain.progress import mix_drift
from bot.read import digest, stats
from bot.scheduling import nudges
from bot.storage.orm import Cohort
from bot.text import fill
from bot.usecases import milestones
from tests.support.world import MONDAY

_LEFT = re.compile(r"[{}]")


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def rendered(text: str, values: dict) -> str:  # type: ignore[type-arg]
    out = fill(text, values)
    assert not _LEFT.search(out), out
    return out


def a_member_with_history(world, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(MONDAY - timedelta(days=8))
    world.say("Ana", "/cohort start Rendering")
    world.say("Ana", "/cohort join finance part-time")
    for day in range(8):
        world.say("Ana", f"/checkin day {day + 1}")
        clock.advance(timedelta(days=1))
    world.say("Ana", "/hours 9h learning read the book")  # far ahead of building: a drift
    world.say("Ana", "/plan set 2 build a credit-risk model on public loan data")


def test_every_nudge_renders_whole_with_the_values_of_its_trigger(world, clock, content) -> None:  # type: ignore[no-untyped-def]
    a_member_with_history(world, clock)
    now = clock.now()
    with world.app.uow() as session:
        member = world.member("Ana")
        member = session.merge(member)
        values = nudges.member_values(content, session, member, now)
        week = stats.week_minutes(session, member, stats.today_for(member, now))
        drift = mix_drift(week, stats.budget_targets(content, member.budget))
        assert drift is not None
        cohort = session.get(Cohort, member.cohort_id)
        assert cohort is not None
        week_of = digest.digest_week(cohort, now)
        digest_values = digest.line_values(
            digest.cohort_digest(session, cohort, now, content, week_of)
        )
    provided = {
        trigger: values
        for trigger in TRIGGERS
        if trigger not in ("digest", "mix_drift", "milestone")
    }
    provided["mix_drift"] = nudges.drift_values(values, drift)
    provided["digest"] = digest_values
    provided["milestone"] = values
    for trigger, names in TRIGGERS.items():
        assert names <= set(provided[trigger]), (trigger, names - set(provided[trigger]))
    for nudge in content.nudges:
        assert fields(nudge.text) <= TRIGGERS[nudge.trigger], nudge.id
        rendered(nudge.text, provided[nudge.trigger])


def test_every_celebration_renders_whole_and_names_the_member(world, clock, content) -> None:  # type: ignore[no-untyped-def]
    a_member_with_history(world, clock)
    now = clock.now()
    with world.app.uow() as session:
        member = session.merge(world.member("Ana"))
        got = stats.achievements(session, member, now, content)
        for rule in content.milestones:
            values = milestones.celebration_values(session, content, member, now, rule, got)
            assert MILESTONE_KINDS[rule.kind] <= set(values), rule.id
            assert "Ana" in rendered(rule.message, values), rule.id
