"""The Bolt app: slash commands, buttons, modals and App Home, each handed to the core.

Built by :func:`build_app`, never at import (``App()`` calls ``auth.test``). A fast
command runs the core *before* ``ack()`` so the write is done when Slack shows the
reply; form-opening and slow commands acknowledge first and do their work after.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.render import fallback_text, home_view, message_blocks, read_button_value
from adapters.slack.views import (
    CHECKIN_FORM,
    HOURS_FORM,
    checkin_modal,
    hours_modal,
    read_checkin,
    read_hours,
    read_metadata,
)
from bot.commands import ACTION_IDS, button_command, parse_command
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.errors import UserError
from bot.messages import Attachment, Message, Reply, Update, safe_text
from bot.usecases import Core, Outcome

log = logging.getLogger(__name__)

PLATFORM = "slack"
PROFILE_TTL_SECONDS = 300.0
PROFILE_FAILURE_TTL_SECONDS = 30.0
LISTENER_THREADS = 32
# Work after the ack goes down one of two lanes. Replies are what a person is waiting
# for: a modal (its trigger_id dies 3 s after the click), an ephemeral answer, the App
# Home they just opened. Posts are channel cards, edits and App Home refreshes after a
# change: nobody waits on them, and Slack paces channel posts to about one a second
# anyway. Few post threads keep a burst of them from starving the next
# acknowledgements of CPU; they catch up when the burst ends.
REPLY_THREADS = 8
POST_THREADS = 2
# App Home is refreshed after a change only for people who opened it lately; opening
# the tab always publishes a fresh view, so nobody sees a stale one for long.
HOME_FRESH_SECONDS = 3600.0
# chat.update errors that mean the card is no longer there to edit: post a new one.
MESSAGE_GONE = ("message_not_found", "cant_update_message", "edit_window_closed")
# The buttons the core puts on messages (``bot.commands.ACTION_IDS``), "#n" made unique.
ACTION_PATTERN = re.compile(r"^(" + "|".join(ACTION_IDS) + r")(#[0-9]+)?$")


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
            log.warning("users.info failed for a user in team %s: %s", team_id, _reason(exc))
            found = Profile(display_name=fallback or user_id, timezone=None, admin=False)
            expires = now + min(self.ttl, PROFILE_FAILURE_TTL_SECONDS)
        with self._lock:
            self._cache[key] = (expires, found)
        return found


def _reason(exc: BaseException) -> str:
    """A short, token-free reason: Slack's error code, or the exception's type."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


def unescape(text: str) -> str:
    """Slack sends ``&``, ``<`` and ``>`` typed in a command as entities; store what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def ephemeral(message: Message, channel_id: str | None = None) -> dict[str, Any]:
    return {
        "text": fallback_text(message),
        "blocks": message_blocks(message, channel_id=channel_id),
        "response_type": "ephemeral",
    }


def error_message(text: str) -> Message:
    return Message(safe_text(text))


class SlackAdapter:
    """The listeners. Each turns one Slack payload into an actor and a command for the core."""

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
        self.clock = clock
        # SQLite takes one writer at a time and makes the others sleep and retry, which
        # turns a burst into a long tail; queueing here is fairer. PostgreSQL needs none.
        engine = getattr(core.uow, "engine", None)
        sqlite = engine is not None and engine.dialect.name == "sqlite"
        self._writes: AbstractContextManager[Any] = threading.Lock() if sqlite else nullcontext()
        self._home_seen: dict[tuple[str, str], float] = {}
        self._home_lock = threading.Lock()

    def run_core(self, cmd: c.Command, actor: Actor, queue: bool = True) -> Outcome:
        if not queue:
            return self.core.run(cmd, actor)
        with self._writes:
            return self.core.run(cmd, actor)

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

    # -- who is asking ------------------------------------------------------------------

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

    # -- slash commands -------------------------------------------------------------------

    def on_command(
        self,
        ack: Callable[..., Any],
        command: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        name = str(command.get("command") or "")
        team = str(command.get("team_id") or context.get("team_id") or "")
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        try:
            cmd = parse_command(name, unescape(str(command.get("text") or "")))
        except UserError as exc:
            ack(**ephemeral(error_message(str(exc))))
            return
        actor = self.actor(client, team, channel, user, str(command.get("user_name") or ""))
        if self.core.traits(cmd).slow:
            # Acknowledge at once; answer through response_url when done.
            ack()
            self.later(self._slow, cmd, actor, client, respond)
            return
        outcome = self._handle(cmd, actor, ack)
        if outcome is None:
            return
        reply = outcome.reply
        if reply.form is not None:
            ack()
            self.later(
                self._open_checkin, client, str(command.get("trigger_id") or ""), actor, reply
            )
            return
        ack(**ephemeral(reply.message, channel))
        self.post_later(self._after, outcome, actor, client, respond)

    def _handle(
        self, cmd: c.Command, actor: Actor, answer: Callable[..., Any], queue: bool = True
    ) -> Outcome | None:
        """Run the core; when it did not succeed, answer ephemerally with its text, return None."""
        # Reports only read: they need not wait behind check-ins (nor hold them up).
        outcome = self.run_core(cmd, actor, queue=queue)
        if not outcome.ok:
            answer(**ephemeral(error_message(outcome.reply.message.text)))
            return None
        return outcome

    def _slow(self, cmd: c.Command, actor: Actor, client: WebClient, respond: Respond) -> None:
        """Summary and export: built after the ack; files go to the admin's DM only."""
        outcome = self._handle(cmd, actor, respond, queue=False)
        if outcome is None:
            return
        message = outcome.reply.message
        files = ([message.image] if message.image else []) + list(message.files)
        if files:
            try:
                self._upload(client, actor, message.title or "Files", files)
                note = "I've sent the files to you in a direct message: they're for admins only."
            except (SlackClientError, OSError) as exc:
                log.warning("file upload failed in team %s: %s", actor.workspace_id, _reason(exc))
                note = "I couldn't upload the files just now; please try again in a moment."
            message = Message(
                message.text,
                title=message.title,
                fields=message.fields,
                blocks=(*message.blocks, note),
                buttons=message.buttons,
            )
        self._respond(respond, client, actor, message)

    def _upload(self, client: WebClient, actor: Actor, title: str, files: list[Attachment]) -> None:
        dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            file_uploads=[
                {"content": f.content, "filename": f.filename, "title": f.filename} for f in files
            ],
            initial_comment=f"{title} for <#{actor.channel_id}>",
        )

    # -- buttons --------------------------------------------------------------------------

    def on_action(
        self,
        ack: Callable[..., Any],
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        ack()
        self.later(self._act, body, action, client, respond, context)

    def _act(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        action_id = str(action.get("action_id") or "").split("#", 1)[0]
        channel, _value = read_button_value(action.get("value"))
        channel = (
            channel
            or (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            or ""
        )
        team = str((body.get("team") or {}).get("id") or context.get("team_id") or "")
        user = body.get("user") or {}
        actor = self.actor(
            client, team, channel, str(user.get("id") or ""), str(user.get("name") or "")
        )
        trigger = str(body.get("trigger_id") or "")

        def answer(**kwargs: Any) -> None:
            self._respond(respond, client, actor, None, **kwargs)

        cmd = button_command(action_id)
        if cmd is None:  # the hours button (ACTION_PATTERN lets no unknown id in)
            self._open_view(client, trigger, hours_modal(channel), actor)
            return
        outcome = self._handle(cmd, actor, answer)
        if outcome is None:
            return
        reply = outcome.reply
        if reply.form is not None:
            self._open_checkin(client, trigger, actor, reply)
            return
        self._respond(respond, client, actor, reply.message)
        self.post_later(self._after, outcome, actor, client, respond)

    # -- modals ---------------------------------------------------------------------------

    def _open_checkin(self, client: WebClient, trigger: str, actor: Actor, reply: Reply) -> None:
        form = reply.form
        assert form is not None
        questions = tuple(line for line in reply.message.text.split("\n") if line.strip())
        view = checkin_modal(
            actor.channel_id, questions=questions, initial=form.initial, edit=form.edit
        )
        self._open_view(client, trigger, view, actor)

    def _open_view(
        self, client: WebClient, trigger: str, view: dict[str, Any], actor: Actor
    ) -> None:
        try:
            client.views_open(trigger_id=trigger, view=view)
        except (SlackClientError, OSError) as exc:
            log.warning("views.open failed in team %s: %s", actor.workspace_id, _reason(exc))

    def on_checkin_submit(
        self,
        ack: Callable[..., Any],
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        self._submit(ack, body, view, client, context, read_checkin)

    def on_hours_submit(
        self,
        ack: Callable[..., Any],
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        self._submit(ack, body, view, client, context, read_hours)

    def _submit(
        self,
        ack: Callable[..., Any],
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: dict[str, Any],
        reader: Callable[[dict[str, Any]], tuple[c.Command | None, dict[str, str]]],
    ) -> None:
        """Validate, then write, then close the modal: a refused entry keeps the form open."""
        cmd, errors = reader(view)
        top = "did" if reader is read_checkin else "amount"
        has_day = any(b.get("block_id") == "day" for b in view.get("blocks") or [])
        if cmd is None:
            ack(response_action="errors", errors=errors)
            return
        channel = read_metadata(view).get("c")
        if not isinstance(channel, str) or not channel:
            ack(response_action="errors", errors={top: "This form has expired; open it again."})
            return
        team = str((body.get("team") or {}).get("id") or context.get("team_id") or "")
        user = body.get("user") or {}
        actor = self.actor(
            client, team, channel, str(user.get("id") or ""), str(user.get("name") or "")
        )
        outcome = self.run_core(cmd, actor)
        if not outcome.ok:
            about_day = outcome.problem == "user" and any(
                w in outcome.detail for w in ("day", "joined", "back")
            )
            block = "day" if has_day and about_day else top
            ack(response_action="errors", errors={block: safe_text(outcome.detail, 150)})
            return
        ack()
        self.later(self._respond, None, client, actor, outcome.reply.message)
        self.post_later(self._after, outcome, actor, client, None)

    # -- App Home -------------------------------------------------------------------------

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
        with self._home_lock:
            self._home_seen[(team, user)] = self.clock()
        self.later(self.publish_home, client, team, user)

    def home_recently_open(self, team_id: str, user_id: str) -> bool:
        with self._home_lock:
            seen = self._home_seen.get((team_id, user_id))
        return seen is not None and self.clock() - seen < HOME_FRESH_SECONDS

    def publish_home(self, client: WebClient, team_id: str, user_id: str) -> None:
        if not user_id:
            return
        try:
            cards = self.core.home_cards(PLATFORM, team_id, user_id)
            client.views_publish(user_id=user_id, view=home_view(cards))
        except (SlackClientError, OSError) as exc:
            log.warning("views.publish failed in team %s: %s", team_id, _reason(exc))
        except Exception:
            log.exception("App Home failed in team %s", team_id)

    # -- after the acknowledgement ------------------------------------------------------

    def _after(
        self,
        outcome: Outcome,
        actor: Actor,
        client: WebClient,
        respond: Respond | None,
    ) -> None:
        """Public posts and in-place updates, then the App Home refresh. Failures are told,
        never raised."""
        for message in outcome.reply.public:
            if not self._post(client, actor, message, respond):
                break
        for update in outcome.reply.updates:
            self._update(client, actor, update, respond)
        if outcome.home and self.home_recently_open(actor.workspace_id, actor.user_id):
            self.publish_home(client, actor.workspace_id, actor.user_id)

    def _post(
        self, client: WebClient, actor: Actor, message: Message, respond: Respond | None
    ) -> bool:
        """Post a public card in the cohort channel; report where it landed when it has a ref."""
        try:
            result = client.chat_postMessage(
                channel=actor.channel_id,
                text=fallback_text(message),
                blocks=message_blocks(message, channel_id=actor.channel_id),
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackClientError, OSError) as exc:
            reason = _reason(exc)
            log.warning("public post failed in team %s: %s", actor.workspace_id, reason)
            hint = (
                " Invite me to the channel with `/invite @cohortbot`."
                if reason in ("not_in_channel", "channel_not_found")
                else ""
            )
            self._respond(
                respond,
                client,
                actor,
                Message(f"Saved, but I couldn't post it in the channel ({reason}).{hint}"),
            )
            return False
        if message.ref:
            channel = str(result.get("channel") or actor.channel_id)
            self._record_post(message.ref, channel, str(result.get("ts") or ""))
        return True

    def _update(
        self, client: WebClient, actor: Actor, update: Update, respond: Respond | None
    ) -> None:
        """Edit a card in place (``chat.update``); when it was deleted, post it fresh."""
        message = update.message
        try:
            client.chat_update(
                channel=update.channel_id,
                ts=update.message_id,
                text=fallback_text(message),
                blocks=message_blocks(message, channel_id=actor.channel_id),
            )
            return
        except (SlackClientError, OSError) as exc:
            reason = _reason(exc)
            if reason not in MESSAGE_GONE:
                log.warning("chat.update failed in team %s: %s", actor.workspace_id, reason)
                self._respond(
                    respond,
                    client,
                    actor,
                    Message(f"Saved, but I couldn't update the post in the channel ({reason})."),
                )
                return
        # Someone deleted the original: the new text goes out as a new card.
        self._post(client, actor, message, respond)

    def _record_post(self, ref: str, channel_id: str, ts: str) -> None:
        try:
            with self._writes:
                self.core.record_post(ref, channel_id, ts)
        except Exception:  # the post is out; only a later edit will post anew instead
            log.exception("recording where %s was posted failed", ref.partition(":")[0])

    def _respond(
        self,
        respond: Respond | None,
        client: WebClient,
        actor: Actor,
        message: Message | None,
        **kwargs: Any,
    ) -> None:
        """An ephemeral answer: through response_url when there is one, else postEphemeral."""
        payload = ephemeral(message, actor.channel_id) if message is not None else kwargs
        try:
            if respond is not None and respond.response_url:
                respond(**payload, replace_original=False)
                return
            client.chat_postEphemeral(
                channel=actor.channel_id,
                user=actor.user_id,
                text=payload.get("text", ""),
                blocks=payload.get("blocks"),
            )
        except (SlackClientError, OSError) as exc:
            log.warning("ephemeral answer failed in team %s: %s", actor.workspace_id, _reason(exc))


def build_app(
    core: Core,
    *,
    signing_secret: str,
    token: str | None = None,
    client: WebClient | None = None,
    installation_store: Any = None,
    oauth_settings: Any = None,
    process_before_response: bool = False,
    background: Executor | None = None,
    posts: Executor | None = None,
) -> App:
    """The Bolt app with every listener registered. Calls ``auth.test`` once (single team).

    ``background`` (replies) and ``posts`` (channel cards) run the work after each
    acknowledgement; pass them to wait for that work.
    """
    if client is None:
        client = WebClient(token=None if oauth_settings is not None else token)
    app = App(
        name="cohortbot",
        signing_secret=signing_secret,
        client=client,
        installation_store=installation_store,
        oauth_settings=oauth_settings,
        process_before_response=process_before_response,
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="slack-listener"
        ),
    )
    adapter = SlackAdapter(core, background=background, posts=posts)
    # One dispatcher for every slash command: the shared grammar knows the names,
    # and answers an unknown one with the command list.
    app.command(re.compile(r"^/\S+$"))(adapter.on_command)
    app.action(ACTION_PATTERN)(adapter.on_action)
    app.view(CHECKIN_FORM)(adapter.on_checkin_submit)
    app.view(HOURS_FORM)(adapter.on_hours_submit)
    app.event("app_home_opened")(adapter.on_home_opened)
    return app
