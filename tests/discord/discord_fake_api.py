"""A fake Discord on loopback: the REST API and the gateway, for the real discord.py client.

One aiohttp server on 127.0.0.1 (port 0) serves ``/api/v10/...`` (login, interaction
callbacks, follow-ups, channel messages, DMs, command sync) and ``/gateway`` (HELLO,
READY and GUILD_CREATE after IDENTIFY, heartbeat ACKs, then whatever dispatches a test
pushes). Everything the client sends is recorded for assertions; failures (429 with
``retry_after``, 404 Unknown Channel, 403) can be scripted per route.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

PAYLOADS = Path(__file__).parent / "payloads"
API_PREFIX = "/api/v10"


def load_payload(name: str) -> dict[str, Any]:
    """A recorded payload from ``payloads/<name>.json`` (a fresh copy each time)."""
    return copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))


APPLICATION = load_payload("application")
BOT_USER = load_payload("bot_user")
GUILD = load_payload("guild_create")
APP_ID = APPLICATION["id"]
GUILD_ID = GUILD["id"]
COHORT_CHANNEL_ID = GUILD["channels"][0]["id"]
OTHER_CHANNEL_ID = GUILD["channels"][1]["id"]
# A forum and a media channel: they take threads (posts), never a message.
FORUM_CHANNEL_ID = "1160000000000000215"
MEDIA_CHANNEL_ID = "1160000000000000216"
for _id, _type, _name in ((FORUM_CHANNEL_ID, 15, "questions"), (MEDIA_CHANNEL_ID, 16, "demos")):
    GUILD["channels"].append(
        {
            "id": _id,
            "type": _type,
            "name": _name,
            "position": len(GUILD["channels"]),
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "permission_overwrites": [],
            "flags": 0,
            "available_tags": [],
            "default_reaction_emoji": None,
            "default_thread_rate_limit_per_user": 0,
            "default_sort_order": None,
            "default_forum_layout": 0,
        }
    )


@dataclass
class Recorded:
    """One request the client made."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    status: int = 200
    at: float = field(default_factory=time.perf_counter)  # when the request arrived

    @property
    def content_type_multipart(self) -> bool:
        return bool(self.files)


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json.
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


class FakeDiscord:
    """The fake. ``await start()``, point discord.py at ``api_base``/``gateway_url``, ``stop()``."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.callbacks: dict[str, Recorded] = {}  # interaction id -> its callback
        self._callback_waiters: dict[str, asyncio.Future[Recorded]] = {}
        self.messages_posted = 0  # successful POST /channels/{id}/messages
        self.followups: dict[str, list[Recorded]] = {}  # interaction token -> its follow-ups
        self._followup_waiters: dict[str, asyncio.Future[Recorded]] = {}
        self.gateway_queries: list[dict[str, str]] = []
        self.identify: dict[str, Any] | None = None
        self.identified = asyncio.Event()
        self.deleted_channels: set[str] = set()
        self.deleted_messages: set[str] = set()  # message ids a "moderator" deleted
        self.posted: dict[str, dict[str, Any]] = {}  # message id -> its latest body
        self.closed_dms: set[str] = set()  # user ids whose DMs refuse the bot
        self.users: dict[str, dict[str, Any]] = {}
        self._failures: list[Failure] = []
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._zlib: Any = None
        self._seq = itertools.count(1)
        self._ids = itertools.count(1160000000000800000)
        self._token_channel: dict[str, str] = {}
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            ("GET", re.compile(r"/users/@me"), self._me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self._application),
            ("GET", re.compile(r"/gateway(/bot)?"), self._gateway_info),
            (
                "POST",
                re.compile(r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback"),
                self._callback,
            ),
            ("POST", re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"), self._followup),
            (
                "PATCH",
                re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/[^/]+"),
                self._followup,
            ),
            ("POST", re.compile(r"/channels/(?P<cid>\d+)/messages"), self._channel_message),
            (
                "PATCH",
                re.compile(r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)"),
                self._edit_message,
            ),
            ("GET", re.compile(r"/channels/(?P<cid>\d+)"), self._get_channel),
            ("POST", re.compile(r"/users/@me/channels"), self._create_dm),
            ("GET", re.compile(r"/users/(?P<uid>\d+)"), self._get_user),
            (
                "PUT",
                re.compile(r"/applications/(?P<app>\d+)(/guilds/(?P<gid>\d+))?/commands"),
                self._sync_commands,
            ),
        ]

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_ws)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    # -- scripting ------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` matching requests get this answer instead of the normal one."""
        self._failures.append(
            Failure(method, re.compile(path_regex), status, body, headers or {}, times)
        )

    def clear_failures(self) -> None:
        """Discord is well again: every scripted failure is forgotten."""
        self._failures.clear()

    def rate_limit(self, method: str, path_regex: str, retry_after: float, times: int = 1) -> None:
        """A real-looking 429: JSON ``retry_after`` and a ``Via`` header (no Via = Cloudflare)."""
        self.fail(
            method,
            path_regex,
            429,
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
            {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fake-bucket",
                "X-RateLimit-Scope": "user",
            },
            times,
        )

    def add_user(self, user: dict[str, Any]) -> None:
        self.users[user["id"]] = user

    # -- gateway --------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one DISPATCH frame (op 0) to the connected client."""
        await self._send_frame({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def _send_frame(self, frame: dict[str, Any]) -> None:
        if self._ws is None or self._ws.closed:
            raise RuntimeError("no client is connected to the fake gateway")
        text = json.dumps(frame)
        if self._zlib is not None:
            # zlib-stream: one shared context, each message ends with a Z_SYNC_FLUSH marker.
            data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            await self._ws.send_bytes(data)
        else:
            await self._ws.send_str(text)

    async def _gateway_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        # Honour the transport compression discord.py asks for; zstd would need a library,
        # and plain text frames are always valid, so anything else gets text.
        self._zlib = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        self._ws = ws
        await self._send_frame({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op = frame.get("op")
            if op == 1:  # heartbeat
                await self._send_frame({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:  # identify
                self.identify = frame["d"]
                ready = load_payload("ready")
                await self.dispatch("READY", ready)
                await self.dispatch("GUILD_CREATE", copy.deepcopy(GUILD))
                self.identified.set()
            elif op == 6:  # resume: not supported; make the client identify again
                await self._send_frame({"op": 9, "d": False, "s": None, "t": None})
        return ws

    # -- REST -----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        record = Recorded(request.method, path, dict(request.query), body, files)
        for failure in self._failures:
            if (
                failure.times > 0
                and failure.method == request.method
                and failure.pattern.fullmatch(path)
            ):
                failure.times -= 1
                record.status = failure.status
                await self._record(record)
                return json_response(failure.body, failure.status, failure.headers)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                status, data = handler(record, **match.groupdict())
                record.status = status
                await self._record(record)
                if status == 204:
                    return web.Response(status=204)
                return json_response(data, status)
        record.status = 404
        await self._record(record)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(data)
                else:
                    files.append((part.filename or "", bytes(data)))  # type: ignore[union-attr]
            return payload, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    async def _record(self, record: Recorded) -> None:
        async with self._changed:
            self.requests.append(record)
            self._changed.notify_all()

    def _me(self, record: Recorded) -> tuple[int, Any]:
        return 200, BOT_USER

    def _application(self, record: Recorded) -> tuple[int, Any]:
        return 200, APPLICATION

    def _gateway_info(self, record: Recorded) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    def _callback(self, record: Recorded, iid: str, token: str) -> tuple[int, Any]:
        self.callbacks.setdefault(iid, record)
        waiter = self._callback_waiters.pop(iid, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(record)
        kind = (record.json or {}).get("type")
        flags = ((record.json or {}).get("data") or {}).get("flags") or 0
        return 200, {
            "interaction": {
                "id": iid,
                "type": 2,
                "response_message_id": str(next(self._ids)) if kind in (4, 5) else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": {"type": kind},
        }

    def _followup(self, record: Recorded, app: str, token: str) -> tuple[int, Any]:
        self.followups.setdefault(token, []).append(record)
        waiter = self._followup_waiters.pop(token, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(record)
        return 200, self._message(self._token_channel.get(token, COHORT_CHANNEL_ID), record.json)

    def _channel_message(self, record: Recorded, cid: str) -> tuple[int, Any]:
        if cid in self.deleted_channels:
            return 404, {"message": "Unknown Channel", "code": 10003}
        if cid.startswith("9") and cid[1:] in self.closed_dms:
            return 403, {"message": "Cannot send messages to this user", "code": 50007}
        self.messages_posted += 1
        message = self._message(cid, record.json)
        self.posted[message["id"]] = message
        return 200, message

    def _edit_message(self, record: Recorded, cid: str, mid: str) -> tuple[int, Any]:
        if cid in self.deleted_channels:
            return 404, {"message": "Unknown Channel", "code": 10003}
        old = self.posted.get(mid)
        if old is None or mid in self.deleted_messages or old["channel_id"] != cid:
            return 404, {"message": "Unknown Message", "code": 10008}
        message = {
            **self._message(cid, {**old, **(record.json or {})}),
            "id": mid,
            "edited_timestamp": "2026-11-30T10:05:00.000000+00:00",
        }
        self.posted[mid] = message
        return 200, message

    def _get_channel(self, record: Recorded, cid: str) -> tuple[int, Any]:
        for channel in GUILD["channels"]:
            if channel["id"] == cid and cid not in self.deleted_channels:
                return 200, {**channel, "guild_id": GUILD_ID}
        return 404, {"message": "Unknown Channel", "code": 10003}

    def _create_dm(self, record: Recorded) -> tuple[int, Any]:
        uid = str((record.json or {}).get("recipient_id"))
        user = self.users.get(uid)
        if user is None:
            return 400, {"message": "Invalid Recipient(s)", "code": 50033}
        # A DM channel id derived from the user, so tests can find it again.
        return 200, {
            "id": "9" + uid[1:],
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user],
        }

    def _get_user(self, record: Recorded, uid: str) -> tuple[int, Any]:
        user = self.users.get(uid)
        if user is None:
            return 404, {"message": "Unknown User", "code": 10013}
        return 200, user

    def _sync_commands(self, record: Recorded, app: str, gid: str | None = None) -> tuple[int, Any]:
        out = []
        for command in record.json or []:
            out.append(
                {
                    **command,
                    "id": str(next(self._ids)),
                    "application_id": APP_ID,
                    "version": str(next(self._ids)),
                    "guild_id": gid,
                    "default_member_permissions": command.get("default_member_permissions"),
                    "dm_permission": command.get("dm_permission", True),
                    "nsfw": False,
                }
            )
        return 200, out

    def _message(self, channel_id: str, body: dict[str, Any] | None) -> dict[str, Any]:
        body = body or {}
        message = load_payload("message")
        message.update(
            id=str(next(self._ids)),
            channel_id=channel_id,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            flags=body.get("flags") or 0,
        )
        return message

    # -- what tests read ------------------------------------------------------------------

    def remember_interaction(self, payload: dict[str, Any]) -> None:
        self._token_channel[payload["token"]] = payload.get("channel_id", COHORT_CHANNEL_ID)

    async def wait_callback(self, interaction_id: str, timeout: float = 5.0) -> Recorded:
        """The interaction callback for one interaction id, without scanning every request."""
        if interaction_id in self.callbacks:
            return self.callbacks[interaction_id]
        waiter = asyncio.get_running_loop().create_future()
        self._callback_waiters[interaction_id] = waiter
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise AssertionError(f"no callback for interaction {interaction_id}") from None
        finally:
            self._callback_waiters.pop(interaction_id, None)

    async def wait_followup(self, token: str, timeout: float = 5.0) -> Recorded:
        """The first follow-up (or original-response edit) for one interaction token."""
        if self.followups.get(token):
            return self.followups[token][0]
        waiter = asyncio.get_running_loop().create_future()
        self._followup_waiters[token] = waiter
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise AssertionError(f"no follow-up for interaction token {token}") from None
        finally:
            self._followup_waiters.pop(token, None)

    def find(self, method: str, path_regex: str) -> list[Recorded]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "a request"
    ) -> Any:
        """Wait until ``predicate()`` is truthy (checked after each recorded request)."""

        async def waiter() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except TimeoutError:
            seen = "\n".join(f"  {r.method} {r.path} -> {r.status}" for r in self.requests[-15:])
            raise AssertionError(f"timed out waiting for {what}; last requests:\n{seen}") from None

    async def wait_request(
        self, method: str, path_regex: str, count: int = 1, timeout: float = 5.0
    ) -> list[Recorded]:
        return await self.wait_for(
            lambda: (found := self.find(method, path_regex)) and len(found) >= count and found,
            timeout,
            f"{count} x {method} {path_regex}",
        )
