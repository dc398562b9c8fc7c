"""Acknowledgement latency of signed ``/checkin <text>`` over HTTP on loopback.

Twenty concurrent clients send correctly signed slash commands to cohortbot's
Slack app (core + SQLite write before the ack) and, in the same run, to a bare
Bolt app that only calls ``ack("ok")``. Prints p50/p90/p99 and the ratio of the
medians. Both apps talk to a tiny fake Web API on loopback; everything binds
127.0.0.1 on free ports and stops by itself.

    .venv/bin/python bench/slack_ack.py [--requests 2000] [--clients 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import multiprocessing as mp
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECRET = "bench-signing-secret"
HOST = "127.0.0.1"
TARGET_P99_MS = 100.0
TARGET_RATIO = 2.0


# -- a fake Slack Web API: every method answers ok ----------------------------------------


class _FakeAPI(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        user = self.path.rsplit("user=", 1)[-1] if "user=" in self.path else "U0"
        body = json.dumps(
            {
                "ok": True,
                "team_id": "T1",
                "user_id": "UBOT",
                "bot_id": "B1",
                "channel": {"id": "D1"},
                "ts": "1700000000.000100",
                "view": {"id": "V1"},
                "user": {
                    "id": user,
                    "name": user.lower(),
                    "tz": "Europe/Berlin",
                    "is_admin": False,
                    "profile": {"display_name": user},
                },
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _fake_api_process(ports: Any) -> None:
    """The fake Web API in its own process: real Slack's work is not on our CPU."""
    ThreadingHTTPServer.request_queue_size = 256  # bursts queue instead of being reset
    server = ThreadingHTTPServer((HOST, 0), _FakeAPI)
    server.daemon_threads = True
    ports.put(server.server_address[1])
    server.serve_forever(0.05)


def _serve(server: ThreadingHTTPServer) -> threading.Thread:
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return thread


# -- the load: run in a separate process so the clients do not share the servers' GIL ------


# A member checks in once per day; joined members can also fill in the last three days,
# so each pre-joined member sends four check-ins (3d, 2d, yesterday, today).
DAYS = ("3d: ", "2d: ", "yesterday: ", "")


def _requests(prefix: str, count: int, per_member: int) -> list[str]:
    out = []
    for i in range(count):
        member, day = divmod(i, per_member)
        when = DAYS[day] if per_member > 1 else ""
        out.append(
            urlencode(
                {
                    "token": "x",
                    "team_id": "T1",
                    "team_domain": "bench",
                    "channel_id": "C1",
                    "channel_name": "bench",
                    "user_id": f"{prefix}{member}",
                    "user_name": f"{prefix}{member}",
                    "command": "/checkin",
                    "text": f"{when}finished lesson {i % 7} | next: lesson {i % 7 + 1}",
                    "api_app_id": "A1",
                    "response_url": "http://127.0.0.1:9/unused",
                    "trigger_id": "1.2.3",
                }
            )
        )
    return out


def _client(
    port: int,
    bodies: list[str],
    out: list[float],
    errors: list[int],
    interval: float,
    offset: float,
) -> None:
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(SECRET)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    next_send = time.perf_counter() + offset  # paced clients are spread out, not in step
    for body in bodies:
        if interval:  # paced: a client sends at most one request per interval
            time.sleep(max(0.0, next_send - time.perf_counter()))
            next_send += interval
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
        }
        data = body.encode()
        start = time.perf_counter()
        conn.request("POST", "/slack/events", body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        out.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            errors.append(response.status)


def _drive(
    port: int, prefix: str, count: int, clients: int, per_member: int, rate: float, results: Any
) -> None:
    bodies = _requests(prefix, count, per_member)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[int] = []
    threads = [
        threading.Thread(
            target=_client,
            args=(
                port,
                bodies[i::clients],
                latencies[i],
                errors,
                clients / rate if rate else 0.0,
                i / rate if rate else 0.0,
            ),
        )
        for i in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    results.put((sorted(x for lat in latencies for x in lat), errors, elapsed))


RATE = 0.0  # requests per second over all clients; 0 = as fast as answered (--rate)


def load(
    port: int, prefix: str, count: int, clients: int, per_member: int = 1
) -> tuple[list[float], list[int], float]:
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    proc = ctx.Process(
        target=_drive, args=(port, prefix, count, clients, per_member, RATE, results)
    )
    proc.start()
    got = results.get(timeout=600)
    proc.join(timeout=30)
    return got


# -- the two apps ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument(
        "--first",
        type=int,
        default=500,
        help="check-ins by members never seen before (each joins on first use)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="pace all clients together to this many requests per second "
        "(default: no pacing, each client sends as soon as answered)",
    )
    args = parser.parse_args()
    global RATE
    RATE = args.rate
    logging.basicConfig(level=logging.ERROR)

    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime, timedelta

    from slack_bolt import App as BoltApp
    from slack_sdk import WebClient
    from sqlalchemy import func, select

    from adapters.slack.app import LISTENER_THREADS, build_app
    from adapters.slack.listener import POST_THREADS, REPLY_THREADS
    from adapters.slack.server import make_server
    from bot.bootstrap import bootstrap, settle_heap
    from bot.clock import FixedClock
    from bot.commands import parse_command
    from bot.domain import commands as c
    from bot.domain.actor import Actor
    from bot.storage.db import make_engine, upgrade
    from bot.storage.orm import CheckInRow

    ctx = mp.get_context("spawn")
    ports = ctx.Queue()
    fake = ctx.Process(target=_fake_api_process, args=(ports,), daemon=True)
    fake.start()
    api = f"http://{HOST}:{ports.get(timeout=60)}/api/"

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        clock = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
        app = bootstrap(engine=engine, migrate=False, clock=clock)
        # Both apps run as `cohortbot run slack --http` runs ours (see adapters/slack/main.py).
        # The two lanes of work after the ack, sized as the app sizes its own; passed in
        # so the run can wait for them and report how long the channel cards lagged.
        replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="slack-reply")
        posts = ThreadPoolExecutor(POST_THREADS, thread_name_prefix="slack-post")
        ours = build_app(
            app.core,
            signing_secret=SECRET,
            process_before_response=True,
            client=WebClient(token="xoxb-bench", base_url=api),
            background=replies,
            posts=posts,
        )
        bare = BoltApp(
            name="bare",
            signing_secret=SECRET,
            process_before_response=True,
            client=WebClient(token="xoxb-bench", base_url=api),
            listener_executor=ThreadPoolExecutor(LISTENER_THREADS),
        )

        @bare.command("/checkin")
        def _ack_only(ack: Any) -> None:
            ack("ok")

        servers = [make_server(bolt, HOST, 0) for bolt in (ours, bare)]
        for server in servers:
            _serve(server)
        ours_port, bare_port = (s.server_address[1] for s in servers)
        app.core.handle(
            parse_command("/cohort", "start Bench cohort"),
            Actor("slack", "T1", "C1", "UADMIN", "Admin"),
        )
        # Members who joined three days ago (not timed): the everyday case.
        per = len(DAYS)
        for prefix, count in (("Uw", args.warmup), ("U", args.requests)):
            for m in range(-(-count // per)):
                actor = Actor(
                    "slack", "T1", "C1", f"{prefix}{m}", f"{prefix}{m}", timezone="Europe/Berlin"
                )
                app.core.handle(c.JoinCohort(), actor)
        clock.advance(timedelta(days=3))
        settle_heap()  # as `cohortbot run` does just before it serves

        rows: dict[str, tuple[list[float], list[int], float]] = {}
        load(bare_port, "Bw", args.warmup, args.clients)
        rows["bare Bolt ack('ok')"] = load(bare_port, "B", args.requests, args.clients)
        load(ours_port, "Uw", args.warmup, args.clients, per)
        rows["cohortbot /checkin"] = load(ours_port, "U", args.requests, args.clients, per)
        if args.first:
            rows["  first check-in ever"] = load(ours_port, "N", args.first, args.clients)
        last_ack = time.perf_counter()
        replies.shutdown(wait=True)  # let the work after each ack finish before counting
        posts.shutdown(wait=True)
        drain = time.perf_counter() - last_ack
        with app.uow() as session:
            written = session.scalar(select(func.count()).select_from(CheckInRow))
            carded = session.scalar(
                select(func.count())
                .select_from(CheckInRow)
                .where(CheckInRow.posted_message_id.is_not(None))
            )
        for server in servers:
            server.shutdown()
            server.server_close()
        engine.dispose()
    fake.terminate()
    fake.join(timeout=10)

    def pct(xs: list[float], p: float) -> float:
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]

    print(
        f"signed /checkin over HTTP on loopback, {args.clients} concurrent clients, "
        f"{args.requests} requests each"
        + (f", paced to {args.rate:g} req/s" if args.rate else ", unpaced")
        + ", SQLite (temp file); members joined before the run "
        "except on the 'first check-in ever' row (join + check-in in one command)"
    )
    print(
        f"{'app':<22}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'req/s':>9}{'errors':>8}"
    )
    for name, (lat, errors, elapsed) in rows.items():
        print(
            f"{name:<22}{statistics.median(lat):>9.1f}{pct(lat, 90):>9.1f}"
            f"{pct(lat, 99):>9.1f}{lat[-1]:>9.1f}{len(lat) / elapsed:>9.0f}{len(errors):>8}"
        )
    ours_lat = rows["cohortbot /checkin"][0]
    bare_lat = rows["bare Bolt ack('ok')"][0]
    ratio = statistics.median(ours_lat) / statistics.median(bare_lat)
    p99 = pct(ours_lat, 99)
    expected = args.requests + args.warmup + args.first
    print(f"check-ins written: {written} (expected {expected})")
    print(
        f"public cards posted in the channel: {carded} of {written}; "
        f"the last one {drain:.1f} s after the last ack"
    )
    print(
        f"median ratio cohortbot/bare: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x)  "
        f"p99: {p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms)"
    )
    ok = ratio <= TARGET_RATIO and p99 < TARGET_P99_MS and carded == written == expected
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
