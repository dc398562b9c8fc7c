"""App Home: published when a member opens the tab, refreshed after a change while fresh."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from adapters.slack.profiles import reason
from adapters.slack.render import home_view
from bot.usecases import Core

log = logging.getLogger(__name__)

PLATFORM = "slack"
# App Home is refreshed after a change only for people who opened it lately; opening
# the tab always publishes a fresh view, so nobody sees a stale one for long.
HOME_FRESH_SECONDS = 3600.0


class AppHome:
    """Who opened App Home lately, and publishing their view."""

    def __init__(
        self,
        core: Core,
        later: Callable[..., None],
        clock: Callable[[], float],
    ) -> None:
        self.core = core
        self.later = later  # the reply lane: the member is looking at the tab
        self.clock = clock
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def on_home_opened(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        team = str(body.get("team_id") or context.get("team_id") or "")
        user = str(event.get("user") or "")
        with self._lock:
            self._seen[(team, user)] = self.clock()
        self.later(self.publish, client, team, user)

    def recently_open(self, team_id: str, user_id: str) -> bool:
        with self._lock:
            seen = self._seen.get((team_id, user_id))
        return seen is not None and self.clock() - seen < HOME_FRESH_SECONDS

    def publish(self, client: WebClient, team_id: str, user_id: str) -> None:
        if not user_id:
            return
        try:
            cards = self.core.home_cards(PLATFORM, team_id, user_id)
            client.views_publish(user_id=user_id, view=home_view(cards))
        except (SlackClientError, OSError) as exc:
            log.warning("views.publish failed in team %s: %s", team_id, reason(exc))
        except Exception:
            log.exception("App Home failed in team %s", team_id)
