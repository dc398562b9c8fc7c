"""The core as adapters see it: run a command, read its traits, the home view, card posts.

A thin facade over the use-case functions (one module per capability) and the
dispatcher that runs them. ``run`` applies the one error policy and returns an
:class:`Outcome`; ``handle`` raises instead (for tests and scripts that want the
exception).
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.content import Content
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.schedule import MIX_DRIFT, REMINDER_KINDS
from bot.messages import Message, Reply
from bot.storage.uow import UnitOfWork
from bot.usecases import checkins, milestones, progress
from bot.usecases.checkins import checkin_ref
from bot.usecases.dispatch import (
    APOLOGY,
    PAUSED_COHORT,
    PAUSED_MEMBER,
    Dispatcher,
    Outcome,
    Traits,
    traits_of,
)
from bot.usecases.membership import NO_COHORT, profile_zone

log = logging.getLogger(__name__)

__all__ = [
    "APOLOGY",
    "MIX_DRIFT",
    "NO_COHORT",
    "PAUSED_COHORT",
    "PAUSED_MEMBER",
    "REMINDER_KINDS",
    "Core",
    "Outcome",
    "Traits",
    "checkin_ref",
    "profile_zone",
]


class Core:
    """The use cases, bound to their dependencies by ``bot.bootstrap``."""

    def __init__(self, uow: UnitOfWork, content: Content, clock: Clock) -> None:
        self.uow = uow
        self.content = content
        self.clock = clock
        self.dispatcher = Dispatcher(uow, content, clock)

    def run(self, command: c.Command, actor: Actor) -> Outcome:
        """Run one command; mistakes, a busy database and bugs come back as an Outcome."""
        return self.dispatcher.run(command, actor)

    def handle(self, command: c.Command, actor: Actor) -> Reply:
        """Run one command; a user's mistake raises ``UserError``, a failure its exception."""
        return self.dispatcher.handle(command, actor)

    @staticmethod
    def traits(command: c.Command) -> Traits:
        """Whether ``command`` is slow, may write, or changes the home view: ask before running."""
        return traits_of(command)

    def home_cards(self, platform: str, workspace_id: str, user_id: str) -> list[Message]:
        """Plan, sprint and progress for every cohort the user is in on this workspace."""
        now = self.clock.now()
        with self.uow() as session:
            return progress.home_cards(session, self.content, platform, workspace_id, user_id, now)

    def record_post(self, ref: str, channel_id: str, message_id: str) -> bool:
        """An adapter reports where a public card with ``ref`` landed; an edit updates it there.

        Returns False for a ref the core does not know (or a check-in deleted since).
        """
        parsed = checkins.parse_ref(ref)
        if parsed is None or not channel_id or not message_id:
            log.warning("record_post: unknown ref %r", ref[:40])
            return False
        kind, ident = parsed
        record = checkins.record_post if kind == "checkin" else milestones.record_post
        with self.uow() as session:
            return record(session, ident, channel_id, message_id)
