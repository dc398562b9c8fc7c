"""Nudging's write: remember the last nudge of each trigger, so none repeats twice in a row."""

from __future__ import annotations

from bot.storage.orm import Member


def remember_nudge(member: Member, trigger: str, nudge_id: str) -> None:
    member.last_nudges = {**(member.last_nudges or {}), trigger: nudge_id}
