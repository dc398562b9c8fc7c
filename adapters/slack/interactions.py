"""Buttons and modals: a click becomes a command (or opens a form), a submission is
validated, written, then the modal closes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from adapters.slack.listener import Listener
from adapters.slack.profiles import reason
from adapters.slack.render import read_button_value
from adapters.slack.views import (
    checkin_modal,
    hours_modal,
    read_checkin,
    read_hours,
    read_metadata,
)
from bot.commands import ACTION_IDS, button_command
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.messages import Reply, safe_text

log = logging.getLogger(__name__)

# The buttons the core puts on messages (``bot.commands.ACTION_IDS``), "#n" made unique.
ACTION_PATTERN = re.compile(r"^(" + "|".join(ACTION_IDS) + r")(#[0-9]+)?$")

Reader = Callable[[dict[str, Any]], tuple[c.Command | None, dict[str, str]]]


def open_view(client: WebClient, trigger: str, view: dict[str, Any], actor: Actor) -> None:
    try:
        client.views_open(trigger_id=trigger, view=view)
    except (SlackClientError, OSError) as exc:
        log.warning("views.open failed in team %s: %s", actor.workspace_id, reason(exc))


def open_checkin(client: WebClient, trigger: str, actor: Actor, reply: Reply) -> None:
    """The check-in modal the core asked for: its questions, and the entry when editing."""
    form = reply.form
    assert form is not None
    questions = tuple(line for line in reply.message.text.split("\n") if line.strip())
    view = checkin_modal(
        actor.channel_id, questions=questions, initial=form.initial, edit=form.edit
    )
    open_view(client, trigger, view, actor)


class Interactions:
    """The button and view-submission listeners."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener

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
        self.listener.later(self._act, body, action, client, respond, context)

    def _act(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        listener, answers = self.listener, self.listener.answers
        action_id = str(action.get("action_id") or "").split("#", 1)[0]
        channel, _value = read_button_value(action.get("value"))
        channel = (
            channel
            or (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            or ""
        )
        actor = listener.sender(body, context, channel, client)
        trigger = str(body.get("trigger_id") or "")

        def answer(**kwargs: Any) -> None:
            answers.respond(respond, client, actor, None, **kwargs)

        cmd = button_command(action_id)
        if cmd is None:  # the hours button (ACTION_PATTERN lets no unknown id in)
            open_view(client, trigger, hours_modal(channel), actor)
            return
        outcome = listener.handle(cmd, actor, answer)
        if outcome is None:
            return
        reply = outcome.reply
        if reply.form is not None:
            open_checkin(client, trigger, actor, reply)
            return
        answers.respond(respond, client, actor, reply.message)
        listener.post_later(answers.after, outcome, actor, client, respond)

    # -- modals ---------------------------------------------------------------------------

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
        reader: Reader,
    ) -> None:
        """Validate, then write, then close the modal: a refused entry keeps the form open."""
        listener, answers = self.listener, self.listener.answers
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
        actor = listener.sender(body, context, channel, client)
        outcome = listener.run_core(cmd, actor)
        if not outcome.ok:
            about_day = outcome.problem == "user" and any(
                w in outcome.detail for w in ("day", "joined", "back")
            )
            block = "day" if has_day and about_day else top
            ack(response_action="errors", errors={block: safe_text(outcome.detail, 150)})
            return
        ack()
        listener.later(answers.respond, None, client, actor, outcome.reply.message)
        listener.post_later(answers.after, outcome, actor, client, None)
