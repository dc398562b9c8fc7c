"""The real Bolt app built by build_app, served over HTTP on loopback, for tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import App as BoltApp
from slack_sdk import WebClient

from adapters.slack.app import build_app
from adapters.slack.server import SlackHTTPServer, make_server
from bot.bootstrap import App
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_harness import SECRET, SlackDriver


@dataclass
class SlackRig:
    app: App
    fake: FakeSlackAPI
    bolt: BoltApp
    server: SlackHTTPServer
    driver: SlackDriver


@contextmanager
def serving(app: App, fake: FakeSlackAPI, **options: Any) -> Iterator[SlackRig]:
    """The whole adapter: core on the test database, Bolt over HTTP, Web API faked."""
    client = WebClient(token="xoxb-test-token", base_url=fake.url)
    bolt = build_app(app.core, signing_secret=SECRET, client=client, **options)
    server = make_server(bolt, "127.0.0.1", 0)
    thread = server.start_in_thread()
    host, port = server.server_address[:2]
    try:
        yield SlackRig(app, fake, bolt, server, SlackDriver(host, port, fake.root))
    finally:
        fake.settle(quiet=0.03, timeout=2)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        bolt.listener_runner.listener_executor.shutdown(wait=True)
