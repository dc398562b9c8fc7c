"""A fake Slack Web API: a real HTTP server on loopback that records every call.

Answers the methods the adapter uses, the files_upload_v2 flow (including the
upload URL itself) and response_url posts; can answer 429 with Retry-After or
an error such as ``channel_not_found`` on demand.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Call:
    method: str  # "chat.postMessage", "upload", "response_url", ...
    body: dict[str, Any]
    raw: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int = 1


class FakeSlackAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, newest first
        self.socket_url: str | None = None  # what apps.connections.open hands out
        self.holds: dict[str, threading.Event] = {}  # method -> gate (see hold())
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeSlackAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    @property
    def root(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The Web API base URL, as WebClient(base_url=...) wants it."""
        return f"{self.root}/api/"

    # -- test controls --------------------------------------------------------------------

    def user(
        self, user_id: str, *, tz: str | None = "UTC", admin: bool = False, name: str | None = None
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": (name or user_id).lower(),
            "tz": tz,
            "is_admin": admin,
            "is_owner": False,
            "profile": {"display_name": name or user_id, "real_name": ""},
        }

    def fail(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        with self._lock:
            self.failures.setdefault(method, []).append(
                Failure(status=status, error=error, retry_after=retry_after, times=times)
            )

    def hold(self, method: str) -> threading.Event:
        """Calls to ``method`` are recorded but get no answer until the returned event is
        set: a stuck API. Set it before the test ends (at most 10 s per call otherwise)."""
        gate = threading.Event()
        with self._lock:
            self.holds[method] = gate
        return gate

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    methods = [c.method for c in self.calls]
                    raise AssertionError(
                        f"{method} called {len(found)} times, wanted {count}; calls: {methods}"
                    )
                self._lock.wait(left)

    def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until no call has arrived for ``quiet`` seconds (background work is done)."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            with self._lock:
                now = len(self.calls)
            if now == seen:
                return
            seen = now
            time.sleep(quiet)

    def posted_texts(self) -> list[str]:
        """Every text the app sent anywhere: message texts, block texts, view texts."""
        out: list[str] = []
        with self._lock:
            calls = list(self.calls)
        for call in calls:
            out.extend(_texts(call.body))
        return out

    # -- answering ------------------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def take_failure(self, method: str) -> Failure | None:
        with self._lock:
            queue = self.failures.get(method) or []
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "cohortbot",
                "team_id": "T1",
                "user_id": "UBOT",
                "bot_id": "BBOT",
            }
        if method == "apps.connections.open" and self.socket_url:
            return {"ok": True, "url": self.socket_url}
        if method == "users.info":
            user_id = str(body.get("user"))
            if user_id not in self.users:
                self.user(user_id)
            return {"ok": True, "user": self.users[user_id]}
        if method == "conversations.open":
            users = str(body.get("users") or "")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}
        if method in ("chat.postMessage", "chat.update"):
            channel = str(body.get("channel"))
            ts = f"{1700000000 + n}.000100"
            message = {"ts": ts, "text": body.get("text"), "metadata": body.get("metadata")}
            with self._lock:
                self.history.setdefault(channel, []).insert(0, message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + n}.000200"}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": f"V{n}", **(body.get("view") or {})}}
        if method == "conversations.history":
            with self._lock:
                messages = list(self.history.get(str(body.get("channel")), []))
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "file_id": f"F{n}", "upload_url": f"{self.root}/upload/F{n}"}
        if method == "files.completeUploadExternal":
            files = json.loads(str(body.get("files") or "[]"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": False, "error": "unknown_method"}


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            elif key == "blocks" and isinstance(item, str):
                yield from _texts(json.loads(item))
            else:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _make_handler(fake: FakeSlackAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._handle(b"")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._handle(self.rfile.read(length))

        def _handle(self, raw: bytes) -> None:
            parts = urlsplit(self.path)
            body: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
            ctype = self.headers.get("Content-Type") or ""
            if parts.path.startswith("/upload/"):
                pass  # raw file bytes, kept in Call.raw
            elif raw and "json" in ctype:
                body.update(json.loads(raw))
            elif raw and "x-www-form-urlencoded" in ctype:
                body.update(parse_qsl(raw.decode(), keep_blank_values=True))
            if parts.path.startswith("/api/"):
                method = parts.path[len("/api/") :]
            elif parts.path.startswith("/upload/"):
                method = "upload"
            elif parts.path.startswith("/response/"):
                method = "response_url"
            else:
                method = parts.path
            fake.record(Call(method, body, raw, dict(self.headers.items())))
            gate = fake.holds.get(method)
            if gate is not None:
                gate.wait(10)
            failure = fake.take_failure(method)
            if failure is not None:
                status = failure.status
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                payload: dict[str, Any] = {"ok": False, "error": failure.error or "ratelimited"}
                self._send(status, payload, headers)
                return
            if method in ("upload", "response_url"):
                self._send(200, "OK")
                return
            self._send(200, fake.answer(method, body))

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
            self.send_response(status)
            self.send_header(
                "Content-Type", "text/plain" if isinstance(payload, str) else "application/json"
            )
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def running_fake() -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI().start()
    try:
        yield fake
    finally:
        fake.stop()
