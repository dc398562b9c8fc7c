"""Who sent a command, and from where: the one value every way in builds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who sent a command, and from where, as the adapter saw it."""

    platform: str
    workspace_id: str
    channel_id: str
    user_id: str
    display_name: str
    timezone: str | None = None  # from the platform profile, when it has one
    platform_admin: bool = False  # workspace admin / Manage Server
