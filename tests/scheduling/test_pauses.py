"""Pauses end: a member whose DMs fail and a cohort whose channel is gone are told, shown
to admins, and started again by one command; nothing stays silently stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.commands import parse
from bot.domain import schedule
from bot.domain.errors import NotAllowed, UsageError
from bot.scheduling.delivery import Delivery, RateLimiter, RetryPolicy
from bot.scheduling.tick import enqueue_due
from bot.storage.orm import Cohort, Member, OutboxRow
from bot.usecases.core import PAUSED_COHORT, PAUSED_MEMBER
from tests.scheduling.sched_fakes import FakePlatform, channel_gone
from tests.scheduling.sched_world import actor, populate

PEOPLE = {"ada": "Europe/Berlin", "ben": "Europe/Berlin", "cy": "Europe/Berlin"}
JOINED = datetime(2026, 11, 30, tzinfo=UTC)  # a Monday
PROMPT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, Tuesday
NEXT_PROMPT = PROMPT + timedelta(days=1)
ADMIN = "ada"  # the first person populate() adds starts the cohort


def say(app, who: str, text: str):
    return app.core.handle(parse(text), actor(who, PEOPLE[who]))


def dm_fails_for(user_id: str) -> FakePlatform:
    return FakePlatform(fail_when=lambda d, m: channel_gone() if d.user_id == user_id else None)


def drain(app, platform) -> None:
    Delivery(
        app.core,
        app.uow,
        platform,
        app.clock,
        worker="w",
        limiter=RateLimiter(1e9, 1e9),
        retry=RetryPolicy(max_attempts=4, base=10),
    ).drain()


def queued_for(app, at: datetime) -> set[str]:
    """Who the tick at ``at`` queues a message for (None: the channel)."""
    with app.engine.begin() as conn:
        enqueue_due(conn, at)
    with app.uow() as s:
        return set(
            s.scalars(
                select(Member.user_id)
                .join(OutboxRow, OutboxRow.member_id == Member.id)
                .where(OutboxRow.due_at == at)
            )
        )


@pytest.fixture
def cohort(app):
    populate(app, PEOPLE, at=JOINED)
    app.clock.set(PROMPT)
    return app


def pause_ben_by_a_failed_dm(app) -> None:
    assert queued_for(app, PROMPT) == {"U-ada", "U-ben", "U-cy"}
    drain(app, dm_fails_for("U-ben"))
    with app.uow() as s:
        assert s.scalar(select(Member.status).where(Member.user_id == "U-ben")) == "paused"


def test_a_paused_member_is_told_on_every_reply_and_shown_to_admins(cohort) -> None:
    app = cohort
    pause_ben_by_a_failed_dm(app)
    reply = say(app, "ben", "/checkin read chapter 2")
    assert reply.message.text.startswith("Checked in for today")
    assert reply.message.text.endswith(PAUSED_MEMBER)
    assert PAUSED_MEMBER not in say(app, "cy", "/checkin read chapter 3").message.text
    summary = say(app, ADMIN, "/cohort summary")
    risk = {f.name: f.value for f in summary.message.fields}.get("At risk", "") + str(
        summary.message.blocks
    )
    assert "ben" in risk and "my direct messages to them fail" in risk
    # Still a member: counted in the summary, App Home shows them their cohort.
    assert app.core.home_cards("fake", "W1", "U-ben")
    assert queued_for(app, NEXT_PROMPT) == {"U-ada", "U-cy"}  # no prompts while paused


def test_choosing_a_delivery_ends_a_members_pause(cohort) -> None:
    app = cohort
    pause_ben_by_a_failed_dm(app)
    reply = say(app, "ben", "/cohort me delivery channel")
    assert reply.message.text == "Done: delivery is now channel. Your reminders are back on."
    assert PAUSED_MEMBER not in say(app, "ben", "/progress").message.text
    assert queued_for(app, NEXT_PROMPT) == {"U-ada", "U-ben", "U-cy"}


def test_a_failed_private_note_to_a_channel_member_pauses_nobody(cohort) -> None:
    """Inactivity notes always go by DM; a channel member whose DMs are closed keeps the
    channel prompts, and the cohort is not paused for one person's closed DMs."""
    app = cohort
    say(app, "cy", "/cohort me delivery channel")
    with app.uow() as s:
        cy = s.scalar(select(Member).where(Member.user_id == "U-cy"))
        s.add(
            OutboxRow(
                key="inactivity:test:cy",
                cohort_id=cy.cohort_id,
                member_id=cy.id,
                kind=schedule.INACTIVITY,
                due_at=PROMPT,
                created_at=PROMPT,
            )
        )
    drain(app, dm_fails_for("U-cy"))
    with app.uow() as s:
        assert s.scalar(select(Cohort.paused)) is False
        assert s.scalar(select(Member.status).where(Member.user_id == "U-cy")) == "active"
        row = s.scalar(select(OutboxRow).where(OutboxRow.key == "inactivity:test:cy"))
        assert (row.status, row.last_error) == ("failed", "channel_not_found")


def test_a_cohort_paused_by_a_lost_channel_is_told_to_admins_and_resumed(cohort) -> None:
    app = cohort
    say(app, "cy", "/cohort me delivery channel")
    queued_for(app, PROMPT)
    drain(app, FakePlatform(fail_when=lambda d, m: None if d.is_dm else channel_gone()))
    with app.uow() as s:
        assert s.scalar(select(Cohort.paused)) is True
    assert queued_for(app, NEXT_PROMPT) == set()
    # Admins hear it on whatever they do; members are not burdened with it.
    assert say(app, ADMIN, "/cohort summary").message.text.endswith(PAUSED_COHORT)
    assert PAUSED_COHORT not in say(app, "ben", "/checkin done").message.text
    with pytest.raises(NotAllowed):
        say(app, "ben", "/cohort settings paused off")
    reply = say(app, ADMIN, "/cohort settings paused off")
    assert reply.message.text == (
        "Done: prompts, reminders and digests for this cohort are on again."
    )
    assert PAUSED_COHORT not in say(app, ADMIN, "/cohort summary").message.text
    assert queued_for(app, NEXT_PROMPT) == {"U-ada", "U-ben", "U-cy"}


def test_an_admin_can_pause_a_cohort_and_bad_values_change_nothing(cohort) -> None:
    app = cohort
    with pytest.raises(UsageError):
        say(app, ADMIN, "/cohort settings paused maybe")
    with app.uow() as s:
        assert s.scalar(select(Cohort.paused)) is False
    reply = say(app, ADMIN, "/cohort settings paused on")
    assert "are paused. Members can still check in" in reply.message.text
    assert queued_for(app, PROMPT) == set()
    assert say(app, "ben", "/checkin still studying").message.text.startswith("Checked in")
