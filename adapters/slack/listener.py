"""What every Slack listener shares: who is asking, running the core, and the two lanes
for work after the acknowledgement."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from slack_sdk import WebClient

from adapters.slack.answers import Answers, ephemeral, error_message
from adapters.slack.home import PLATFORM, AppHome
from adapters.slack.profiles import Profiles
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.usecases import Core, Outcome

log = logging.getLogger(__name__)

# Work after the ack goes down one of two lanes. Replies are what a person is waiting
# for: a modal (its trigger_id dies 3 s after the click), an ephemeral answer, the App
# Home they just opened. Posts are channel cards, edits and App Home refreshes after a
# change: nobody waits on them, and Slack paces channel posts to about one a second
# anyway. Few post threads keep a burst of them from starving the next
# acknowledgements of CPU; they catch up when the burst ends.
REPLY_THREADS = 8
POST_THREADS = 2


class Listener:
    """The core, the profile cache, the lanes, the answers and App Home, built once per app."""

    def __init__(
        self,
        core: Core,
        profiles: Profiles | None = None,
        background: Executor | None = None,
        clock: Callable[[], float] = time.monotonic,
        posts: Executor | None = None,
    ) -> None:
        self.core = core
        self.profiles = profiles or Profiles()
        # Work after the ack runs in these pools, so the acknowledgement never waits
        # for it, whichever way Bolt runs listeners (see REPLY_THREADS for the lanes).
        self.background = background or ThreadPoolExecutor(
            max_workers=REPLY_THREADS, thread_name_prefix="slack-reply"
        )
        self.posts = posts or ThreadPoolExecutor(
            max_workers=POST_THREADS, thread_name_prefix="slack-post"
        )
        # SQLite takes one writer at a time and makes the others sleep and retry, which
        # turns a burst into a long tail; queueing here is fairer. PostgreSQL needs none.
        engine = getattr(core.uow, "engine", None)
        sqlite = engine is not None and engine.dialect.name == "sqlite"
        self.writes: AbstractContextManager[Any] = threading.Lock() if sqlite else nullcontext()
        self.home = AppHome(core, self.later, clock)
        self.answers = Answers(core, self.writes, self.home)

    def run_core(self, cmd: c.Command, actor: Actor, queue: bool = True) -> Outcome:
        if not queue:
            return self.core.run(cmd, actor)
        with self.writes:
            return self.core.run(cmd, actor)

    def handle(
        self, cmd: c.Command, actor: Actor, answer: Callable[..., Any], queue: bool = True
    ) -> Outcome | None:
        """Run the core; when it did not succeed, answer ephemerally with its text, return None."""
        # Reports only read: they need not wait behind check-ins (nor hold them up).
        outcome = self.run_core(cmd, actor, queue=queue)
        if not outcome.ok:
            answer(**ephemeral(error_message(outcome.reply.message.text)))
            return None
        return outcome

    def later(self, work: Callable[..., None], *args: Any) -> None:
        """Run ``work`` after the ack, in the reply lane; a failure is logged, never lost."""
        self._submit_to(self.background, work, *args)

    def post_later(self, work: Callable[..., None], *args: Any) -> None:
        """Run ``work`` after the ack, in the post lane: channel cards and refreshes."""
        self._submit_to(self.posts, work, *args)

    @staticmethod
    def _submit_to(pool: Executor, work: Callable[..., None], *args: Any) -> None:

        def run() -> None:
            try:
                work(*args)
            except Exception:
                log.exception("slack background %s failed", getattr(work, "__name__", "work"))

        pool.submit(run)

    def actor(
        self, client: WebClient, team_id: str, channel_id: str, user_id: str, name: str = ""
    ) -> Actor:
        profile = self.profiles.get(client, team_id, user_id, name)
        return Actor(
            platform=PLATFORM,
            workspace_id=team_id,
            channel_id=channel_id,
            user_id=user_id,
            display_name=profile.display_name,
            timezone=profile.timezone,
            platform_admin=profile.admin,
        )

    def sender(
        self, body: dict[str, Any], context: dict[str, Any], channel: str, client: WebClient
    ) -> Actor:
        """The actor behind a button click or a modal submission."""
        team = str((body.get("team") or {}).get("id") or context.get("team_id") or "")
        user = body.get("user") or {}
        return self.actor(
            client, team, channel, str(user.get("id") or ""), str(user.get("name") or "")
        )
