"""Benchmark: delivery throughput against a rate-limited fake chat API with failures.

    .venv/bin/python bench/delivery_bench.py [--messages 600] [--limit 60] [--fail 0.10]

A real HTTP server on 127.0.0.1 plays the chat platform: it allows ``--limit``
calls a second (a token bucket with a burst of 5; beyond it, 429 with Retry-After) and answers a
random ``--fail`` share of calls with 500. The real delivery loop sends
``--messages`` outbox rows through it over HTTP, on SQLite and PostgreSQL, and
the table shows calls per second as a fraction of the limit, delivered
messages per second, and duplicates and losses (both must be zero).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from bot.bootstrap import bootstrap
from bot.clock import SystemClock
from bot.messages import Message
from bot.ports import DeliveryError, Destination
from bot.scheduling.delivery import Delivery, RateLimiter, RetryPolicy
from bot.storage.db import make_engine, normalize_url, upgrade
from bot.storage.orm import Cohort, OutboxRow


class FakeChatAPI:
    """POST /send {"key": ...}: rate limited, sometimes failing, remembers what it accepted."""

    def __init__(self, limit: float, fail: float, seed: int = 1, burst: float = 5.0) -> None:
        # Like real APIs: a sustained rate with a small burst allowance on top.
        self.limit, self.fail, self.burst = limit, fail, burst
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.tokens, self.last = 1.0, time.monotonic()
        self.accepted: Counter[str] = Counter()
        self.calls = self.limited = self.failed = 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # /sent?key=...
                key = self.path.partition("key=")[2]
                with api.lock:
                    found = api.accepted.get(key, 0) > 0
                self._answer(200, {"ok": True, "found": found})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, payload = api.handle(body["key"])
                self._answer(status, payload)

            def _answer(self, status: int, payload: dict[str, object]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", f"{1 / api.limit:.3f}")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, key: str) -> tuple[int, dict[str, object]]:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.limit)
            self.last = now
            if self.tokens < 1:
                self.limited += 1
                return 429, {"ok": False, "error": "ratelimited"}
            self.tokens -= 1
            self.calls += 1
            if self.rng.random() < self.fail:
                self.failed += 1
                return 500, {"ok": False, "error": "internal_error"}
            self.accepted[key] += 1
            return 200, {"ok": True, "ts": str(self.calls)}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HttpPlatform:
    """The Platform port over HTTP to the fake API, mapping statuses like the real adapters."""

    name = "bench"

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, destination: Destination, message: Message, *, key: str | None = None) -> str:
        request = urllib.request.Request(
            self.url + "/send",
            data=json.dumps({"key": key}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return str(json.loads(response.read())["ts"])
        except urllib.error.HTTPError as exc:
            retry_after = exc.headers.get("Retry-After")
            raise DeliveryError(
                f"HTTP {exc.code}", retry_after=float(retry_after) if retry_after else None
            ) from None

    def find_sent(self, destination: Destination, key: str) -> str | None:
        with urllib.request.urlopen(f"{self.url}/sent?key={key}", timeout=5) as response:
            return "found" if json.loads(response.read())["found"] else None


def run(url: str, messages: int, limit: float, fail: float) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Cohort),
            [
                {
                    "id": 1,
                    "platform": "bench",
                    "workspace_id": "W",
                    "channel_id": "C",
                    "name": "b",
                    "timezone": "UTC",
                    "start_date": now.date(),
                    "prompt_time": now.time(),
                    "study_days": "mon",
                    "reminder_day": 2,
                    "review_day": 4,
                    "digest_day": 6,
                    "inactivity_days": 3,
                    "paused": False,
                    "created_at": now,
                }
            ],
        )
        payload = Message("Check-in time", title="Check-in time").to_dict()
        conn.execute(
            insert(OutboxRow),
            [
                {
                    "key": f"bench:{i}",
                    "cohort_id": 1,
                    "kind": "bench",
                    "payload": payload,
                    "due_at": now - timedelta(seconds=1),
                    "expires_at": now + timedelta(hours=1),
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                }
                for i in range(messages)
            ],
        )
    api = FakeChatAPI(limit, fail)
    app = bootstrap(engine=engine, clock=SystemClock(), migrate=False)
    delivery = Delivery(
        app.core,
        app.uow,
        HttpPlatform(api.url),
        app.clock,
        worker="bench",
        batch=100,
        limiter=RateLimiter(limit, limit, burst=1),
        retry=RetryPolicy(max_attempts=10, base=0.05, cap=1.0),
    )
    start = time.perf_counter()
    deadline = start + 10 * messages / limit + 30
    while time.perf_counter() < deadline:
        stats = delivery.drain()
        with engine.connect() as conn:
            left = conn.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.status.in_(("pending", "sending")))
            )
        if not left:
            break
        if stats.claimed == 0:
            time.sleep(0.02)  # rows waiting for their retry moment
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        statuses = Counter(
            dict(
                conn.execute(
                    select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
                ).all()
            )
        )
    api.close()
    engine.dispose()
    return {
        "seconds": elapsed,
        "calls": api.calls,
        "calls_per_s": api.calls / elapsed,
        "delivered_per_s": statuses["sent"] / elapsed,
        "failed_calls": api.failed,
        "refused_429": api.limited,
        "duplicates": sum(n - 1 for n in api.accepted.values() if n > 1),
        "lost": messages - len(api.accepted),
        "rows_not_sent": messages - statuses["sent"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--limit", type=float, default=60.0, help="calls per second allowed")
    parser.add_argument("--fail", type=float, default=0.10, help="share of calls answered 500")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.db in ("sqlite", "both"):
            results.append(
                ("SQLite", run(f"sqlite:///{tmp}/d.db", args.messages, args.limit, args.fail))
            )
        if args.db in ("postgresql", "both"):
            base = normalize_url(
                os.environ.get(
                    "COHORTBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
                )
            )
            name = f"cohortbot_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(base).set(database=name).render_as_string(hide_password=False)
                results.append(("PostgreSQL", run(url, args.messages, args.limit, args.fail)))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(
        f"\nlimit {args.limit:g} calls/s, {args.fail:.0%} of calls fail, {args.messages} messages\n"
    )
    print(
        f"{'database':<11} {'seconds':>7} {'calls/s':>8} {'of limit':>8} {'sent/s':>7} "
        f"{'500s':>5} {'429s':>5} {'dupes':>5} {'lost':>5}"
    )
    for label, r in results:
        print(
            f"{label:<11} {r['seconds']:>7.1f} {r['calls_per_s']:>8.1f} "
            f"{r['calls_per_s'] / args.limit:>8.0%} {r['delivered_per_s']:>7.1f} "
            f"{r['failed_calls']:>5} {r['refused_429']:>5} {r['duplicates']:>5} "
            f"{r['lost']:>5}"
        )
    print("\ntarget: calls at >= 90% of the limit; zero duplicates, zero lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
