"""The Bolt app: slash commands here; buttons and modals in ``interactions``, App Home
in ``home``; each hands its payload to the core.

Built by :func:`build_app`, never at import (``App()`` calls ``auth.test``). A fast
command runs the core *before* ``ack()`` so the write is done when Slack shows the
reply; form-opening and slow commands acknowledge first and do their work after.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from adapters.slack.answers import ephemeral, error_message
from adapters.slack.interactions import ACTION_PATTERN, Interactions, open_checkin
from adapters.slack.listener import Listener
from adapters.slack.profiles import reason
from adapters.slack.views import CHECKIN_FORM, HOURS_FORM
from bot.commands import parse_command
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.errors import UserError
from bot.messages import Attachment, Message
from bot.usecases import Core

log = logging.getLogger(__name__)

LISTENER_THREADS = 32


def unescape(text: str) -> str:
    """Slack sends ``&``, ``<`` and ``>`` typed in a command as entities; store what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class SlashCommands:
    """The slash-command listener: text to a command, the core's answer back."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener

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
        listener = self.listener
        actor = listener.actor(client, team, channel, user, str(command.get("user_name") or ""))
        if listener.core.traits(cmd).slow:
            # Acknowledge at once; answer through response_url when done.
            ack()
            listener.later(self._slow, cmd, actor, client, respond)
            return
        outcome = listener.handle(cmd, actor, ack)
        if outcome is None:
            return
        reply = outcome.reply
        if reply.form is not None:
            ack()
            trigger = str(command.get("trigger_id") or "")
            listener.later(open_checkin, client, trigger, actor, reply)
            return
        ack(**ephemeral(reply.message, channel))
        listener.post_later(listener.answers.after, outcome, actor, client, respond)

    def _slow(self, cmd: c.Command, actor: Actor, client: WebClient, respond: Respond) -> None:
        """Summary and export: built after the ack; files go to the admin's DM only."""
        outcome = self.listener.handle(cmd, actor, respond, queue=False)
        if outcome is None:
            return
        message = outcome.reply.message
        files = ([message.image] if message.image else []) + list(message.files)
        if files:
            try:
                self._upload(client, actor, message.title or "Files", files)
                note = "I've sent the files to you in a direct message: they're for admins only."
            except (SlackClientError, OSError) as exc:
                log.warning("file upload failed in team %s: %s", actor.workspace_id, reason(exc))
                note = "I couldn't upload the files just now; please try again in a moment."
            message = Message(
                message.text,
                title=message.title,
                fields=message.fields,
                blocks=(*message.blocks, note),
                buttons=message.buttons,
            )
        self.listener.answers.respond(respond, client, actor, message)

    def _upload(self, client: WebClient, actor: Actor, title: str, files: list[Attachment]) -> None:
        dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            file_uploads=[
                {"content": f.content, "filename": f.filename, "title": f.filename} for f in files
            ],
            initial_comment=f"{title} for <#{actor.channel_id}>",
        )


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
    listener = Listener(core, background=background, posts=posts)
    commands = SlashCommands(listener)
    interactions = Interactions(listener)
    # One dispatcher for every slash command: the shared grammar knows the names,
    # and answers an unknown one with the command list.
    app.command(re.compile(r"^/\S+$"))(commands.on_command)
    app.action(ACTION_PATTERN)(interactions.on_action)
    app.view(CHECKIN_FORM)(interactions.on_checkin_submit)
    app.view(HOURS_FORM)(interactions.on_hours_submit)
    app.event("app_home_opened")(listener.home.on_home_opened)
    return app
