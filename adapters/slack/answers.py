"""What goes back to Slack after the core answered: the ephemeral answer, public cards,
in-place edits and the App Home refresh. Failures are told to the member, never raised."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from adapters.slack.home import AppHome
from adapters.slack.profiles import reason
from adapters.slack.render import fallback_text, message_blocks
from bot.domain.actor import Actor
from bot.messages import Message, Update, safe_text
from bot.usecases import Core, Outcome

log = logging.getLogger(__name__)

# chat.update errors that mean the card is no longer there to edit: post a new one.
MESSAGE_GONE = ("message_not_found", "cant_update_message", "edit_window_closed")


def ephemeral(message: Message, channel_id: str | None = None) -> dict[str, Any]:
    return {
        "text": fallback_text(message),
        "blocks": message_blocks(message, channel_id=channel_id),
        "response_type": "ephemeral",
    }


def error_message(text: str) -> Message:
    return Message(safe_text(text))


class Answers:
    """Sends a core outcome to Slack: to the member who asked, and to the channel."""

    def __init__(self, core: Core, writes: AbstractContextManager[Any], home: AppHome) -> None:
        self.core = core
        self.writes = writes  # the write queue, for recording where a card landed
        self.home = home

    def after(
        self,
        outcome: Outcome,
        actor: Actor,
        client: WebClient,
        respond: Respond | None,
    ) -> None:
        """Public posts and in-place updates, then the App Home refresh. Failures are told,
        never raised."""
        for message in outcome.reply.public:
            if not self.post(client, actor, message, respond):
                break
        for update in outcome.reply.updates:
            self.update(client, actor, update, respond)
        if outcome.home and self.home.recently_open(actor.workspace_id, actor.user_id):
            self.home.publish(client, actor.workspace_id, actor.user_id)

    def post(
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
            why = reason(exc)
            log.warning("public post failed in team %s: %s", actor.workspace_id, why)
            hint = (
                " Invite me to the channel with `/invite @cohortbot`."
                if why in ("not_in_channel", "channel_not_found")
                else ""
            )
            self.respond(
                respond,
                client,
                actor,
                Message(f"Saved, but I couldn't post it in the channel ({why}).{hint}"),
            )
            return False
        if message.ref:
            channel = str(result.get("channel") or actor.channel_id)
            self.record_post(message.ref, channel, str(result.get("ts") or ""))
        return True

    def update(
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
            why = reason(exc)
            if why not in MESSAGE_GONE:
                log.warning("chat.update failed in team %s: %s", actor.workspace_id, why)
                self.respond(
                    respond,
                    client,
                    actor,
                    Message(f"Saved, but I couldn't update the post in the channel ({why})."),
                )
                return
        # Someone deleted the original: the new text goes out as a new card (if it should).
        if update.repost:
            self.post(client, actor, message, respond)

    def record_post(self, ref: str, channel_id: str, ts: str) -> None:
        try:
            with self.writes:
                self.core.record_post(ref, channel_id, ts)
        except Exception:  # the post is out; only a later edit will post anew instead
            log.exception("recording where %s was posted failed", ref.partition(":")[0])

    def respond(
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
            log.warning("ephemeral answer failed in team %s: %s", actor.workspace_id, reason(exc))
