"""What every use case is given: the open session, the content, who asks and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.content import Content
from bot.domain.actor import Actor
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
