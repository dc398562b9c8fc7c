"""The dispatcher: one unit of work per command, the one error policy, and the traits
adapters read instead of keeping their own lists of commands.

Faults come from the edges only: a database that refuses rows, one that cannot be
reached. Nothing here replaces a function of the bot.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.commands import parse
from bot.content import Content
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.storage.db import DB_BUSY, make_engine
from bot.storage.orm import Cohort, CohortAdmin, Sprint
from bot.storage.uow import UnitOfWork
from bot.usecases import APOLOGY, Core
from bot.usecases.dispatch import USE_CASES
from bot.usecases.membership import NO_COHORT


def ana(channel: str = "C-cohort") -> Actor:
    return Actor("console", "W1", channel, "U-ana", "Ana")


def count(app: Any, model: Any) -> int:
    with app.uow() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def run(app: Any, line: str, actor: Actor | None = None) -> Any:
    return app.core.run(parse(line), actor or ana())


def test_every_command_has_exactly_one_use_case() -> None:
    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(s) for s in found)) if found else found

    assert subclasses(c.Command) == set(USE_CASES)


def test_a_users_mistake_comes_back_as_its_message_and_writes_nothing(app) -> None:
    outcome = run(app, "/checkin finished lesson 4")
    assert not outcome.ok and outcome.problem == "user"
    assert outcome.reply.message.text == NO_COHORT
    assert outcome.detail == NO_COHORT
    assert not outcome.writes and not outcome.home


def test_a_usage_line_is_part_of_the_answer_but_not_of_the_detail(app) -> None:
    run(app, "/cohort start Spring")
    outcome = run(app, "/cohort join astronaut")
    assert outcome.problem == "user"
    assert outcome.detail.startswith("Unknown track 'astronaut'.")
    assert "\nUsage: " in outcome.reply.message.text
    assert "Usage" not in outcome.detail


def test_a_bug_is_logged_with_its_traceback_and_answered_with_the_one_apology(
    app, faults, caplog
) -> None:
    faults.refuse_inserts("cohort_admins")
    with caplog.at_level(logging.ERROR, logger="bot.usecases.dispatch"):
        outcome = run(app, "/cohort start Secret name")
    assert not outcome.ok and outcome.problem == "bug"
    assert outcome.reply.message.text == APOLOGY == outcome.detail
    [record] = caplog.records
    assert record.exc_info is not None
    assert "StartCohort failed on console (workspace W1, channel C-cohort)" in record.getMessage()
    assert "Secret name" not in caplog.text  # statement parameters are never logged


def test_a_failed_command_rolls_back_what_it_had_already_flushed(app, faults) -> None:
    # The cohort row is flushed first (to get its id); the admin row then fails.
    faults.refuse_inserts("cohort_admins")
    outcome = run(app, "/cohort start Half done")
    assert outcome.problem == "bug" and not outcome.writes
    assert count(app, Cohort) == 0 and count(app, CohortAdmin) == 0
    faults.clear()
    assert run(app, "/cohort start Whole").ok
    assert count(app, Cohort) == 1 and count(app, CohortAdmin) == 1


def test_an_unreachable_database_is_answered_as_busy(
    content: Content, clock: FixedClock, caplog
) -> None:
    # Port 1 on loopback: nothing listens, every connection is refused at once.
    engine = make_engine("postgresql://postgres@127.0.0.1:1/cohortbot")
    core = Core(UnitOfWork(engine), content, clock)
    with caplog.at_level(logging.WARNING, logger="bot.usecases.dispatch"):
        outcome = core.run(c.StartCohort("Spring"), ana())
    engine.dispose()
    assert not outcome.ok and outcome.problem == "busy"
    assert outcome.reply.message.text == DB_BUSY
    assert "database unavailable (OperationalError)" in caplog.text
    assert all(r.exc_info is None for r in caplog.records)  # expected, not a bug


def test_writes_tells_whether_the_command_wrote_anything(app) -> None:
    assert not run(app, "/help").writes
    assert run(app, "/cohort start Spring").writes
    assert run(app, "/cohort join").writes
    assert not run(app, "/progress").writes
    first, second = run(app, "/sprint"), run(app, "/sprint")
    assert first.writes and not second.writes  # the first one created this week's sprint
    assert count(app, Sprint) == 1
    assert not run(app, "/cohort forget-me").writes  # only asks to confirm
    assert run(app, "/cohort forget-me confirm").writes


def test_reports_are_slow_before_and_after_they_run(app) -> None:
    assert app.core.traits(c.ShowSummary()).slow and app.core.traits(c.ExportCohort()).slow
    assert not app.core.traits(c.CheckIn("did")).slow
    refused = run(app, "/cohort summary")  # no cohort yet: refused, still slow
    assert refused.slow and refused.problem == "user"


def test_home_is_stale_only_after_a_change_that_succeeded(app) -> None:
    assert not run(app, "/checkin before any cohort").home
    run(app, "/cohort start Spring")
    assert run(app, "/checkin shipped the README").home
    assert not run(app, "/progress").home
    assert not run(app, "/cohort me timezone Europe/Lisbon").home


def test_handle_raises_what_run_answers(app) -> None:
    from bot.domain.errors import NotFound

    with pytest.raises(NotFound):
        app.core.handle(c.ShowProgress(), ana())
    assert app.core.run(c.ShowProgress(), ana()).problem == "user"
