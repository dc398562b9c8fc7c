"""Drive the real Bolt app over HTTP on loopback, the way Slack does: signed requests.

Payload shapes come from the recorded JSON files in ``payloads/``; each test
overrides only the fields it is about.
"""

from __future__ import annotations

import copy
import http.client
import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "test-signing-secret"


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def signed_headers(
    body: str,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


class Response:
    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.raw = body

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.raw) if self.raw else {}

    @property
    def texts(self) -> list[str]:
        data = self.json
        return [data.get("text", "")] + [
            b.get("text", {}).get("text", "")
            for b in data.get("blocks") or []
            if isinstance(b.get("text"), dict)
        ]


class SlackDriver:
    """Sends signed Slack requests to the app at ``url``; the fake API at ``fake_root``."""

    def __init__(self, host: str, port: int, fake_root: str) -> None:
        self.host, self.port = host, port
        self.fake_root = fake_root
        self._n = 0

    def post(self, body: str, headers: dict[str, str], path: str = "/slack/events") -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("POST", path, body=body.encode(), headers=headers)
            resp = conn.getresponse()
            return Response(resp.status, resp.read())
        finally:
            conn.close()

    def signed(self, body: str, **kwargs: Any) -> Response:
        return self.post(body, signed_headers(body, **kwargs))

    def _response_url(self) -> str:
        self._n += 1
        return f"{self.fake_root}/response/{self._n}"

    def command(
        self, name: str, text: str = "", *, user: str = "U1", channel: str = "C1", team: str = "T1"
    ) -> Response:
        data = payload("slash_command")
        data.update(
            command=name,
            text=text,
            user_id=user,
            user_name=user.lower(),
            channel_id=channel,
            team_id=team,
            response_url=self._response_url(),
        )
        return self.signed(urlencode(data))

    def action(
        self,
        action_id: str,
        value: str = "",
        *,
        user: str = "U1",
        channel: str = "D1",
        team: str = "T1",
    ) -> Response:
        data = payload("block_actions")
        data["user"].update(id=user, username=user.lower(), name=user.lower())
        data["team"]["id"] = team
        data["channel"]["id"] = channel
        data["container"]["channel_id"] = channel
        data["actions"][0].update(action_id=action_id, value=value)
        data["response_url"] = self._response_url()
        return self.signed(urlencode({"payload": json.dumps(data)}))

    def submit(
        self, view: dict[str, Any], values: dict[str, str], *, user: str = "U1", team: str = "T1"
    ) -> Response:
        """Submit ``view`` (as the app opened it) with text or selected values per block."""
        data = payload("view_submission")
        data["user"].update(id=user, username=user.lower(), name=user.lower())
        data["team"]["id"] = team
        submitted = copy.deepcopy(view)
        state: dict[str, Any] = {}
        for block in submitted.get("blocks", []):
            block_id = block.get("block_id")
            if block_id is None:
                continue
            element = block["element"]
            value = values.get(block_id)
            if element["type"] == "static_select":
                option = next((o for o in element["options"] if o["value"] == value), None)
                if option is None and value is None:
                    option = element.get("initial_option")
                state[block_id] = {"value": {"type": "static_select", "selected_option": option}}
            else:
                state[block_id] = {"value": {"type": "plain_text_input", "value": value}}
        data["view"].update(submitted)
        data["view"]["state"] = {"values": state}
        return self.signed(urlencode({"payload": json.dumps(data)}))

    def open_home(self, user: str = "U1", team: str = "T1") -> Response:
        data = payload("app_home_opened")
        data["team_id"] = team
        data["event"]["user"] = user
        return self.event(data)

    def event(self, data: dict[str, Any]) -> Response:
        body = json.dumps(data)
        return self.signed(body, content_type="application/json")


# -- cohortbot as a real process --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, proc: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Return once ``proc`` accepts connections on ``port``; fail if it exits or is slow."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            detail = proc.communicate()[1] if proc.stderr else f"status {proc.returncode}"
            raise AssertionError(f"cohortbot exited early: {detail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("cohortbot did not start listening")
