"""The core's Platform port on Slack: deliver scheduled messages, classify refusals.

429 carries Slack's Retry-After; 5xx and network trouble are worth retrying; a
gone channel, a deactivated user or a revoked token are permanent, so the
delivery loop stops trying at once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.render import fallback_text, message_blocks
from bot.messages import Message
from bot.ports import DeliveryError, Destination

log = logging.getLogger(__name__)

METADATA_EVENT = "cohortbot_outbox"
HISTORY_LOOKBACK = 50  # messages searched for an idempotency key after a crash
PERMANENT_ERRORS = frozenset(
    {
        # the place or the person is gone
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        # the app is gone from the workspace
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "team_not_found",
        "missing_scope",
        "no_permission",
        "restricted_action",
        # the message itself will never be accepted
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "invalid_arguments",
    }
)


def delivery_error(exc: Exception) -> DeliveryError:
    """A Slack failure as the core understands it. Never carries a token or message text."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = response.status_code
        data = response.data if isinstance(response.data, dict) else {}
        error = str(data.get("error") or f"http_{status}")
        if status == 429:
            return DeliveryError("ratelimited", retry_after=_retry_after(response.headers))
        if status >= 500:
            return DeliveryError(f"slack_{status}")
        return DeliveryError(error, permanent=error in PERMANENT_ERRORS)
    return DeliveryError(f"connection: {type(exc).__name__}")


def _retry_after(headers: Any) -> float | None:
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


class SlackPlatform:
    """Sends neutral messages to cohort channels and members' DMs.

    With an installation store (multi-workspace), each workspace's bot token is
    looked up per message; otherwise the client's own token is used.
    """

    name = "slack"

    def __init__(self, client: WebClient, *, installation_store: Any = None) -> None:
        self.client = client
        self.installation_store = installation_store
        self._dms: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def send(self, destination: Destination, message: Message, *, key: str | None = None) -> str:
        try:
            auth = self._auth(destination.workspace_id)
            channel = self._channel(destination, auth)
            extra: dict[str, Any] = {}
            if key:
                extra["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
            response = self.client.chat_postMessage(
                channel=channel,
                text=fallback_text(message),
                blocks=message_blocks(message, channel_id=destination.channel_id),
                unfurl_links=False,
                unfurl_media=False,
                **extra,
                **auth,
            )
        except (SlackClientError, OSError) as exc:
            raise delivery_error(exc) from None
        self._upload(channel, message, auth)
        return f"{response.get('channel') or channel}:{response.get('ts')}"

    def find_sent(self, destination: Destination, key: str) -> str | None:
        """The id of a recent message carrying ``key``, if one went out (needs history scopes)."""
        try:
            auth = self._auth(destination.workspace_id)
            channel = self._channel(destination, auth)
            history = self.client.conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True, **auth
            )
        except (SlackClientError, OSError) as exc:
            raise delivery_error(exc) from None
        for item in history.get("messages") or []:
            metadata = item.get("metadata") or {}
            if (metadata.get("event_payload") or {}).get("key") == key:
                return f"{channel}:{item.get('ts')}"
        return None

    def _auth(self, workspace_id: str) -> dict[str, Any]:
        """The token keyword for this workspace's installation; none with a single token."""
        if self.installation_store is None:
            return {}
        bot = self.installation_store.find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            raise DeliveryError("app not installed in this workspace", permanent=True)
        return {"token": bot.bot_token}

    def _channel(self, destination: Destination, auth: dict[str, Any]) -> str:
        if destination.user_id is None:
            return destination.channel_id
        cache_key = (destination.workspace_id, destination.user_id)
        with self._lock:
            known = self._dms.get(cache_key)
        if known:
            return known
        opened = self.client.conversations_open(users=destination.user_id, **auth)
        channel = str(opened["channel"]["id"])
        with self._lock:
            self._dms[cache_key] = channel
        return channel

    def _upload(self, channel: str, message: Message, auth: dict[str, Any]) -> None:
        """Charts and files follow the message. A failed upload is logged, not retried:
        retrying the delivery would post the message twice."""
        files = ([message.image] if message.image else []) + list(message.files)
        if not files:
            return
        try:
            self.client.files_upload_v2(
                channel=channel,
                file_uploads=[
                    {"content": f.content, "filename": f.filename, "title": f.filename}
                    for f in files
                ],
                **auth,
            )
        except (SlackClientError, OSError) as exc:
            log.warning("file upload to %s failed: %s", channel, delivery_error(exc).reason)
