"""Who is asking: ``users.info`` answers (name, time zone, admin), kept a few minutes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)

PROFILE_TTL_SECONDS = 300.0
PROFILE_FAILURE_TTL_SECONDS = 30.0


def reason(exc: BaseException) -> str:
    """A short, token-free reason: Slack's error code, or the exception's type."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


@dataclass(frozen=True)
class Profile:
    display_name: str
    timezone: str | None
    admin: bool


class Profiles:
    """``users.info`` answers (name, time zone, admin) per team and user, kept a few minutes."""

    def __init__(
        self,
        ttl: float = PROFILE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, Profile]] = {}
        self._lock = threading.Lock()

    def get(self, client: WebClient, team_id: str, user_id: str, fallback: str) -> Profile:
        key = (team_id, user_id)
        now = self.clock()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            user = client.users_info(user=user_id).get("user") or {}
            profile = user.get("profile") or {}
            name = (
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
                or fallback
                or user_id
            )
            found = Profile(
                display_name=str(name),
                timezone=user.get("tz") or None,
                admin=bool(user.get("is_admin") or user.get("is_owner")),
            )
            expires = now + self.ttl
        except (SlackClientError, OSError) as exc:
            log.warning("users.info failed for a user in team %s: %s", team_id, reason(exc))
            found = Profile(display_name=fallback or user_id, timezone=None, admin=False)
            expires = now + min(self.ttl, PROFILE_FAILURE_TTL_SECONDS)
        with self._lock:
            self._cache[key] = (expires, found)
        return found
