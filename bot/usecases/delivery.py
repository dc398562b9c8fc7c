"""Delivery's writes: pausing a member or a cohort that cannot be reached."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.storage.orm import Cohort, Member


def pause_member(member: Member) -> None:
    """Stop a member's reminders: direct messages to them fail. Told on their next command."""
    member.status = "paused"


def pause_cohort(session: Session, cohort_id: int) -> None:
    """Stop a cohort's prompts, reminders and digests: its channel cannot be posted in."""
    session.execute(update(Cohort).where(Cohort.id == cohort_id).values(paused=True))
