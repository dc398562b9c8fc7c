"""HTTP mode cannot be tied up: idle connections are closed, and past the cap a new
connection gets 503 at once instead of another thread."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from adapters.slack.server import SlackHTTPServer, make_server
from tests.slack.slack_harness import signed_headers


@contextmanager
def limited(slack, **limits) -> Iterator[SlackHTTPServer]:
    server = make_server(slack.bolt, "127.0.0.1", 0, **limits)
    thread = server.start_in_thread()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def connect(server: SlackHTTPServer) -> socket.socket:
    return socket.create_connection(server.server_address[:2], timeout=5)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(4096):
        chunks.append(chunk)
    return b"".join(chunks)


def help_request(server: SlackHTTPServer) -> bytes:
    body = "command=%2Fhelp&text=&team_id=T1&channel_id=C1&user_id=U1&user_name=ada"
    head = "".join(f"{k}: {v}\r\n" for k, v in signed_headers(body).items())
    sock = connect(server)
    sock.sendall(
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        f"Content-Length: {len(body)}\r\n{head}\r\n{body}".encode()
    )
    try:
        return read_all(sock)
    finally:
        sock.close()


def test_a_connection_that_sends_nothing_is_closed(slack):
    with limited(slack, idle_seconds=0.3) as server:
        idle = connect(server)
        start = time.monotonic()
        assert read_all(idle) == b""  # closed by the server, no answer
        assert time.monotonic() - start < 3
        idle.close()
        assert help_request(server).startswith(b"HTTP/1.1 200")


def test_past_the_cap_a_connection_gets_503_and_a_freed_slot_serves_again(slack):
    with limited(slack, max_connections=2) as server:
        held = [connect(server), connect(server)]
        time.sleep(0.2)  # both are being served (and waiting for a request)
        refused = connect(server)
        answer = read_all(refused)
        refused.close()
        assert answer.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in answer
        held.pop().close()
        deadline = time.monotonic() + 3
        while (reply := help_request(server)).startswith(b"HTTP/1.1 503"):
            assert time.monotonic() < deadline, "the closed connection's slot never came back"
            time.sleep(0.05)
        assert reply.startswith(b"HTTP/1.1 200")
        for sock in held:
            sock.close()
