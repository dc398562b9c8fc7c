"""The dispatcher: runs one command in one unit of work and applies the one error policy.

Every way in (Slack, Discord, the console, the scheduler's buttons) ends here. A use case
is looked up by its command class together with its traits, so adapters ask the core
whether a command is slow or changes the member's home view instead of keeping lists.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.commands import USAGE
from bot.content import Content
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.errors import UsageError, UserError
from bot.messages import Message, Reply
from bot.storage.db import (
    DB_BUSY,
    DB_UNCONFIRMED,
    CommitUnconfirmed,
    is_unavailable,
    is_unique_violation,
    slow_work,
)
from bot.storage.uow import UnitOfWork
from bot.usecases import (
    admin,
    checkins,
    hours,
    membership,
    plan,
    privacy,
    progress,
    settings,
    snooze,
    sprint,
)
from bot.usecases.context import READS, Ctx, Traits, UseCase

log = logging.getLogger(__name__)

# The one answer to a bug, on every platform.
APOLOGY = (
    "Sorry — something went wrong on my side. It has been logged; please try again in a moment."
)
# Said on every reply to the person concerned while the pause lasts.
PAUSED_MEMBER = (
    "Your reminders are paused: my direct messages to you fail. Allow direct messages "
    "from me and run `/cohort me delivery dm`, or get them here with "
    "`/cohort me delivery channel`."
)
PAUSED_COHORT = (
    "Prompts, reminders and digests for this cohort are paused: I couldn't post in this "
    "channel, or an admin paused them. Make sure I'm in the channel, then "
    "`/cohort settings paused off`."
)

Problem = Literal["user", "busy", "bug"]
# Runs of a unit of work that lost an insert race before its error is reported.
RACE_ATTEMPTS = 12


# Every command, with the use case that carries it out: each capability lists its own.
USE_CASES: dict[type[c.Command], UseCase] = {
    **progress.USE_CASES,
    **checkins.USE_CASES,
    **hours.USE_CASES,
    **plan.USE_CASES,
    **sprint.USE_CASES,
    **membership.USE_CASES,
    **settings.USE_CASES,
    **admin.USE_CASES,
    **privacy.USE_CASES,
    **snooze.USE_CASES,
}


@dataclass(frozen=True)
class Outcome:
    """A command's result as an adapter renders it: never an exception."""

    reply: Reply
    ok: bool = True
    writes: bool = False  # something was written and committed
    slow: bool = False
    home: bool = False  # succeeded, and the member's home view is now stale
    problem: Problem | None = None
    # For a problem: the text without its usage line (short enough for a form field).
    detail: str = ""


def traits_of(command: c.Command) -> Traits:
    use_case = USE_CASES.get(type(command))
    return use_case.traits if use_case is not None else READS


def refuse_nul(command: c.Command) -> None:
    """No text field may hold NUL: PostgreSQL cannot store it, so refuse it on every path
    (typed commands, Slack and Discord forms) with the same clear answer."""
    for value in vars(command).values():
        if isinstance(value, str) and "\x00" in value:
            raise UsageError(
                "That text contains a NUL character (\\0), which I can't store.", USAGE["help"]
            )


def with_notices(ctx: Ctx, command: c.Command, reply: Reply) -> Reply:
    """Tell the person a pause that concerns them, on whatever they asked, until it ends:
    a pause nobody hears about is a cohort that silently stops."""
    if reply.form is not None or isinstance(command, c.ForgetMe):
        return reply
    if isinstance(command, c.ChangeCohortSetting) and command.key == "paused":
        return reply
    notes = []
    if ctx.member is not None and ctx.member.status == "paused":
        notes.append(PAUSED_MEMBER)
    if ctx.admin_cohort is not None and ctx.admin_cohort.paused:
        notes.append(PAUSED_COHORT)
    if not notes:
        return reply
    text = "\n".join([reply.message.text, *notes])
    return replace(reply, message=replace(reply.message, text=text))


class Dispatcher:
    """Owns the unit of work of every command, its notices and the error policy."""

    def __init__(self, uow: UnitOfWork, content: Content, clock: Clock) -> None:
        self.uow = uow
        self.content = content
        self.clock = clock

    def handle(self, command: c.Command, actor: Actor) -> Reply:
        """Run ``command``; a user's mistake or a failure is raised (and nothing is written)."""
        return self._execute(command, actor)[0]

    def run(self, command: c.Command, actor: Actor) -> Outcome:
        """Run ``command`` and apply the one error policy: the adapter only renders."""
        traits = traits_of(command)
        try:
            reply, wrote = self._execute(command, actor)
        except UserError as exc:
            return _failed(traits, "user", str(exc), exc.message)
        except CommitUnconfirmed as exc:
            log.warning(
                "%s on %s (workspace %s, channel %s): database lost during commit (%s)",
                *_where(command, actor),
                exc,
            )
            return _failed(traits, "busy", DB_UNCONFIRMED, DB_UNCONFIRMED)
        except Exception as exc:  # the unit of work rolled back: nothing was written
            where = _where(command, actor)
            if is_unavailable(exc):
                # A person can simply try again.
                log.warning(
                    "%s on %s (workspace %s, channel %s): database unavailable (%s)",
                    *where,
                    type(exc).__name__,
                )
                return _failed(traits, "busy", DB_BUSY, DB_BUSY)
            log.exception("%s failed on %s (workspace %s, channel %s)", *where)
            return _failed(traits, "bug", APOLOGY, APOLOGY)
        return Outcome(reply, writes=wrote, slow=traits.slow, home=traits.home)

    def _execute(self, command: c.Command, actor: Actor) -> tuple[Reply, bool]:
        """Run once; again, from the start, when a concurrent command inserted the same
        row first (a new member's first commands in parallel, two goals taking the same
        position): the whole unit of work rolled back, and the next attempt sees that row."""
        for attempt in range(1, RACE_ATTEMPTS + 1):
            try:
                return self._attempt(command, actor)
            except IntegrityError as exc:
                if attempt == RACE_ATTEMPTS or not is_unique_violation(exc):
                    raise
                log.info("%s lost a race on insert, attempt %s", type(command).__name__, attempt)
                time.sleep(random.uniform(0, 0.02 * attempt))
        raise AssertionError("unreachable")

    def _attempt(self, command: c.Command, actor: Actor) -> tuple[Reply, bool]:
        use_case = USE_CASES.get(type(command))
        if use_case is None:
            raise UsageError("I don't know that command.", USAGE["help"])
        refuse_nul(command)
        now = self.clock.now()
        # Reports and exports (acknowledged first) may take the slow bound.
        bounded = slow_work() if use_case.traits.slow else contextlib.nullcontext()
        with bounded, self.uow() as session:
            ctx = Ctx(session, self.content, actor, now)
            reply = with_notices(ctx, command, use_case.run(ctx, command))
        # Read after the commit: its flush may be the one that wrote.
        return reply, UnitOfWork.wrote(session)


def _where(command: c.Command, actor: Actor) -> tuple[str, str, str, str]:
    return type(command).__name__, actor.platform, actor.workspace_id, actor.channel_id


def _failed(traits: Traits, problem: Problem, text: str, detail: str) -> Outcome:
    return Outcome(Reply(Message(text)), ok=False, slow=traits.slow, problem=problem, detail=detail)
