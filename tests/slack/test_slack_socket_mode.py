"""Socket Mode end to end: the real SocketModeHandler connects to a websocket served here.

The fake Web API's ``apps.connections.open`` hands out a ``ws://127.0.0.1`` URL;
this test's websocket server says hello, delivers a slash-command envelope the
way Slack does, and reads the acknowledgement the app sends back.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import select
from websockets.sync.server import ServerConnection, serve

from adapters.slack.main import prepare
from bot.bootstrap import App, bootstrap
from bot.config import Settings
from bot.storage.orm import CheckInRow, Cohort
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_harness import SECRET, payload


class FakeSocket:
    """A websocket endpoint that plays Slack's Socket Mode side."""

    def __init__(self) -> None:
        self.outgoing: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server = serve(self._session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def _session(self, ws: ServerConnection) -> None:
        ws.send(
            json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        )
        while True:
            try:
                envelope = self.outgoing.get(timeout=0.05)
                ws.send(json.dumps(envelope))
            except queue.Empty:
                pass
            try:
                message = ws.recv(timeout=0.05)
            except TimeoutError:
                continue
            except Exception:  # the client went away: the session is over
                return
            data = json.loads(message)
            if "envelope_id" in data:
                self.acks.put(data)

    def command(self, envelope_id: str, name: str, text: str, user: str = "U1") -> dict[str, Any]:
        body = payload("slash_command")
        body.update(
            command=name,
            text=text,
            user_id=user,
            channel_id="C1",
            team_id="T1",
            response_url="http://127.0.0.1:9/unused",
        )
        self.outgoing.put(
            {
                "envelope_id": envelope_id,
                "type": "slash_commands",
                "payload": body,
                "accepts_response_payload": True,
            }
        )
        return self.acks.get(timeout=10)


@pytest.fixture
def socket() -> Iterator[FakeSocket]:
    fake = FakeSocket()
    fake.thread.start()
    yield fake
    fake.server.shutdown()


def test_socket_mode_receives_a_command_and_acks_with_the_reply(
    app: App, fake_slack: FakeSlackAPI, socket: FakeSocket
) -> None:
    fake_slack.socket_url = socket.url
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_app_token="xapp-test",
        slack_api_url=fake_slack.url,
    )
    app = bootstrap(
        settings=settings, engine=app.engine, content=app.content, clock=app.clock, migrate=False
    )
    bolt, app_token = prepare(app, http=False)
    handler = SocketModeHandler(bolt, app_token)
    handler.connect()
    try:
        started = socket.command("e1", "/cohort", "start Socket cohort")
        checked = socket.command("e2", "/checkin", "wired up socket mode")
    finally:
        handler.close()
    assert started["envelope_id"] == "e1"
    assert checked["envelope_id"] == "e2"
    assert "Streak" in json.dumps(checked.get("payload", {}))
    assert fake_slack.calls_to("apps.connections.open")
    with app.uow() as s:
        assert s.scalars(select(Cohort.name)).all() == ["Socket cohort"]
        assert s.scalars(select(CheckInRow.did)).all() == ["wired up socket mode"]
