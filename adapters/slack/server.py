"""HTTP mode: a small threaded stdlib server in front of the Bolt app.

``POST /slack/events`` carries commands, interactivity and events; Bolt verifies
each signature (bad signature or a timestamp over five minutes old: 401). With
the OAuth flow on, ``GET /slack/install`` and ``GET /slack/oauth_redirect`` too.
Bolt's own development server binds every interface and serves one request at a
time; this one binds where it is told and serves requests in threads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is not Slack
# Each connection has a thread. One that sends nothing for this long is closed, and past
# this many open at once a new one gets 503 at once: idle or slow connections cannot pile
# up threads (Slack retries a 503).
IDLE_SECONDS = 30.0
MAX_CONNECTIONS = 128
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n"
)
SLACK_CONTENT_TYPES = ("application/x-www-form-urlencoded", "application/json")


class SlackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of connections must queue, not be reset

    def __init__(
        self,
        address: tuple[str, int],
        bolt_app: App,
        path: str = EVENTS_PATH,
        *,
        idle_seconds: float = IDLE_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.bolt_app = bolt_app
        self.events_path = path
        self.idle_seconds = idle_seconds
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            log.warning("slack http: too many connections open; answered 503")
            with contextlib.suppress(OSError):
                request.sendall(BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)  # its own thread
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):  # only for Unix sockets, which this server never binds
            host = host.decode()
        return f"http://{host}:{port}{self.events_path}"

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="slack-http",
        )
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: SlackHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive: Slack and the benchmark reuse connections

    def setup(self) -> None:
        super().setup()
        # Per server, not per class: an idle keep-alive connection frees its thread.
        self.connection.settimeout(self.server.idle_seconds)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/healthz":
            self._send(BoltResponse(status=200, body="ok"))
            return
        flow = self.server.bolt_app.oauth_flow
        if flow is not None and path in (flow.install_path, flow.redirect_uri_path):
            request = BoltRequest(body="", query=query, headers=dict(self.headers.items()))
            if path == flow.install_path:
                self._send(flow.handle_installation(request))
            else:
                self._send(flow.handle_callback(request))
            return
        self._send(BoltResponse(status=404, body="not found"))

    def do_POST(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(BoltResponse(status=413, body="payload too large"))
            return
        raw = self.rfile.read(length)
        if path != self.server.events_path:
            self._send(BoltResponse(status=404, body="not found"))
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in SLACK_CONTENT_TYPES:
            # Slack sends forms and JSON only; anything else is not Slack, signed or not.
            self._send(BoltResponse(status=415, body="unsupported content type"))
            return
        try:
            request = BoltRequest(
                body=raw.decode("utf-8"), query=query, headers=dict(self.headers.items())
            )
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
            # Malformed: not UTF-8, a payload that is not JSON, or JSON nested past reason.
            # Nothing reaches a listener.
            self._send(BoltResponse(status=400, body="malformed request"))
            return
        if not isinstance(request.body, dict) or malformed(request.body):
            self._send(BoltResponse(status=400, body="malformed request"))
            return
        try:
            response = self.server.bolt_app.dispatch(request)
        except Exception:
            log.exception("Bolt dispatch failed")
            response = BoltResponse(status=500, body="")
        self._send(response)

    def _send(self, response: BoltResponse) -> None:
        body = response.body if isinstance(response.body, str) else json.dumps(response.body)
        data = body.encode("utf-8")
        self.send_response(response.status)
        for name, values in response.headers.items():
            if name.lower() == "content-length":
                continue
            for value in values:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def malformed(body: dict[str, Any]) -> bool:
    """True for a payload whose shape no Slack request has (Bolt would fail on it with a 500).

    Checked only after the signature matched, so these are bugs or forgeries by someone
    holding the secret; either way a 400, and no listener runs.
    """
    kind = body.get("type")
    if kind is None:
        return False  # slash commands: flat form fields, checked by the listener
    if not isinstance(kind, str):
        return True
    if kind in ("block_actions", "view_submission", "view_closed", "block_suggestion"):
        if not isinstance(body.get("user"), dict):
            return True
        for key in ("team", "channel", "container", "view"):
            if key in body and body[key] is not None and not isinstance(body[key], dict):
                return True
        if kind.startswith("view") and not isinstance(body.get("view"), dict):
            return True
        if kind == "block_actions":
            actions = body.get("actions")
            if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
                return True
    return kind == "event_callback" and not isinstance(body.get("event"), dict)


def make_server(
    bolt_app: App, host: str, port: int, path: str = EVENTS_PATH, **limits: Any
) -> SlackHTTPServer:
    """Bind (port 0 picks a free one) without serving yet; call ``serve_forever``.
    ``limits``: ``idle_seconds`` and ``max_connections`` (see SlackHTTPServer)."""
    return SlackHTTPServer((host, port), bolt_app, path, **limits)
