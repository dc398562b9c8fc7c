"""What every use case is given (the open session, the content, who asks and when), and
what an adapter may know of it before it runs (its traits)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.content import Content
from bot.domain.actor import Actor
from bot.messages import Reply
from bot.storage.orm import Cohort, Member


@dataclass
class Ctx:
    """One command's world. The dispatcher owns the session's transaction."""

    session: Session
    content: Content
    actor: Actor
    now: datetime
    # Found by the lookups, for the notices the dispatcher adds to the reply.
    member: Member | None = None
    admin_cohort: Cohort | None = None


@dataclass(frozen=True)
class Traits:
    """What an adapter may need to know about a command before or after running it."""

    writes: bool = False  # it may change what is stored
    slow: bool = False  # acknowledge first, answer when done (reports, exports)
    home: bool = False  # it changes what the member's home view (Slack App Home) shows


Handler = Callable[[Ctx, Any], Reply]


@dataclass(frozen=True)
class UseCase:
    run: Handler
    traits: Traits


READS = Traits()
WRITES = Traits(writes=True)
SHOWN_ON_HOME = Traits(writes=True, home=True)
SLOW_REPORT = Traits(slow=True)
