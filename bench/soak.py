"""Soak: `cohortbot run slack --http` as a real process, under load and faults, for minutes.

    python bench/soak.py [--seconds 300] [--members 40] [--rate 8] [--db auto|sqlite|postgres]

The bot runs exactly as the Procfile starts it (its scheduler embedded, ticking every 2 s),
in a process of its own, so the memory figures are the bot's alone: the fake Slack Web
API, the database proxy and the simulated members live in this process.

Simulated members send signed ``/checkin`` and ``/hours`` requests; their prompt times are
spread over the run so the scheduler has real work every minute. Every minute a fault is
injected in turn: a 429/500 burst from the API, the API down for 10 s, the database
connections cut (PostgreSQL through a TCP proxy of our own; the shared server is never
touched). At the end the outbox is drained and a table is printed. Exit status 1 when
a message was duplicated or lost, or memory grew by 10% or more.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
for sub in ("", "tests/slack", "tests/reliability"):
    sys.path.insert(0, str(ROOT / sub))

from rel_proxy import TcpProxy  # noqa: E402
from slack_fake_api import Failure, FakeSlackAPI  # noqa: E402
from slack_harness import (  # noqa: E402
    SECRET,
    free_port,
    payload,
    signed_headers,
    wait_until_listening,
)
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.storage.db import DB_BUSY, make_engine, normalize_url  # noqa: E402
from bot.storage.orm import OutboxRow  # noqa: E402

LEASE_SECONDS = 300  # Delivery's default lease on a claimed row
PG_URL = normalize_url(
    os.environ.get("COHORTBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
)


class SoakSlack(FakeSlackAPI):
    """The fake Web API with outages, and bounded memory: counts instead of keeping calls."""

    def __init__(self) -> None:
        super().__init__()
        self.down_until = 0.0
        self.delivered: Counter[str] = Counter()  # outbox key -> accepted posts
        self.method_calls: Counter[str] = Counter()
        self.refused = 0

    def record(self, call: Any) -> None:
        with self._lock:
            self.method_calls[call.method] += 1

    def take_failure(self, method: str) -> Failure | None:
        if time.monotonic() < self.down_until and method not in ("response_url", "upload"):
            self.refused += 1
            return Failure(status=503, error="service_unavailable")
        failure = super().take_failure(method)
        if failure is not None:
            self.refused += 1
        return failure

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        result = super().answer(method, body)
        if method == "chat.postMessage":
            metadata = body.get("metadata")
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            key = ((metadata or {}).get("event_payload") or {}).get("key")
            with self._lock:
                if key:
                    self.delivered[key] += 1
                history = self.history.get(str(body.get("channel")), [])
                del history[200:]  # find_sent looks at the newest 50
        return result


class Load:
    """Simulated members: signed slash commands, latency and outcome of each."""

    def __init__(self, host: str, port: int, fake_root: str) -> None:
        self.host, self.port, self.fake_root = host, port, fake_root
        self.latencies: list[float] = []
        self.statuses: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._n = itertools.count()

    def command(self, name: str, text: str, user: str, channel: str) -> tuple[int, str]:
        data = payload("slash_command")
        data.update(
            command=name,
            text=text,
            user_id=user,
            user_name=user.lower(),
            channel_id=channel,
            team_id="T1",
            response_url=f"{self.fake_root}/response/{next(self._n)}",
        )
        body = urlencode(data)
        started = time.perf_counter()
        try:
            conn = HTTPConnection(self.host, self.port, timeout=15)
            conn.request("POST", "/slack/events", body=body.encode(), headers=signed_headers(body))
            resp = conn.getresponse()
            raw = resp.read()
            conn.close()
            status = resp.status
            answer = json.loads(raw).get("text", "") if raw else ""
        except Exception as exc:  # a crash or a hang is what the soak looks for
            status, answer = 0, type(exc).__name__
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
            if status != 200:
                self.statuses["error"] += 1
            elif answer == DB_BUSY:
                self.statuses["db busy, try again"] += 1
            else:
                self.statuses["ok"] += 1
        return status, answer


def make_database(kind: str) -> tuple[str, str, Any, Any]:
    """(url the bot uses, url to read the results by, proxy or None, cleanup)."""
    if kind in ("auto", "postgres"):
        try:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            if kind == "postgres":
                raise
        else:
            name = f"cohortbot_soak_{uuid.uuid4().hex[:10]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(PG_URL).set(database=name)
            proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
            via = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)

            def cleanup() -> None:
                proxy.stop()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

            return via, url.render_as_string(hide_password=False), proxy, cleanup
    folder = tempfile.mkdtemp(prefix="cohortbot-soak-")
    return f"sqlite:///{folder}/soak.db", f"sqlite:///{folder}/soak.db", None, lambda: None


def start_bot(url: str, api: str, port: int, log: Any, workdir: Path) -> subprocess.Popen[bytes]:
    """The Procfile's web process, with its scheduler embedded and ticking every 2 s."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-soak-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "slack",
            "--http",
            "--tick-seconds",
            "2",
            "--delivery-seconds",
            "1",
        ],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def proc_status(pid: int, field: str) -> int:
    """A number from /proc/<pid>/status: VmRSS (KiB) or Threads."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--members", type=int, default=80)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--rate", type=float, default=8.0, help="requests per second")
    parser.add_argument("--db", choices=("auto", "sqlite", "postgres"), default="auto")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    workdir = Path(tempfile.mkdtemp(prefix="cohortbot-soak-"))
    log_file = workdir / "soak.jsonl"
    url, direct_url, proxy, cleanup = make_database(args.db)
    fake = SoakSlack().start()
    port = free_port()
    log = log_file.open("wb")
    bot = start_bot(url, fake.url, port, log, workdir)
    wait_until_listening(port, bot, timeout=60)
    results = make_engine(direct_url)  # read past the proxy, after the run
    load = Load("127.0.0.1", port, fake.root)

    # The cohorts: every day a study day, UTC; prompts spread over the run's minutes.
    channels = [f"C{i + 1}" for i in range(args.channels)]
    members = [(f"U{i:03d}", channels[i % len(channels)]) for i in range(args.members)]
    # Half the members check in and log hours all the time; the other half stay quiet, so
    # their daily prompt is due (a check-in earlier that day would make it unnecessary).
    active, quiet = members[: len(members) // 2], members[len(members) // 2 :]
    for user, _ in members:
        fake.user(user, tz="UTC", name=f"member-{user}")
    for channel in channels:
        load.command("/cohort", "start Soak " + channel, f"UA{channel}", channel)
        load.command("/cohort", "settings study-days mon-sun", f"UA{channel}", channel)
    start = datetime.now(UTC)
    minutes = max(1, int(args.seconds // 60))
    for user, channel in active:
        load.command("/cohort", "join", user, channel)
    for index, (user, channel) in enumerate(quiet):
        load.command("/cohort", "join", user, channel)
        at = start + timedelta(minutes=1 + index % minutes)
        load.command("/cohort", f"me prompt-time {at:%H:%M}", user, channel)

    load.latencies.clear()
    load.statuses.clear()
    rss_start = threads_start = 0
    rss_by_minute: list[int] = []

    stop = threading.Event()
    faults: list[str] = []

    def members_checking_in() -> None:
        pause = 4.0 / args.rate
        while not stop.is_set():
            user, channel = rng.choice(active)
            if rng.random() < 0.6:
                load.command("/checkin", f"worked on lesson {rng.randint(1, 9)}", user, channel)
            else:
                load.command(
                    "/hours",
                    f"{rng.choice(['30m', '1h', '90m'])} "
                    f"{rng.choice(['learning', 'building', 'networking'])}",
                    user,
                    channel,
                )
            stop.wait(pause * rng.uniform(0.5, 1.5))

    def inject_faults() -> None:
        kinds = itertools.cycle(("api 429/500 burst", "db connections cut", "api down 10 s"))
        # Every minute; a short run cycles faster so that it still sees each kind once.
        every = min(60.0, args.seconds / 3.5)
        if stop.wait(min(30.0, every / 2)):
            return
        while not stop.is_set():
            kind = next(kinds)
            faults.append(f"{time.monotonic() - t0:5.0f}s {kind}")
            if kind.startswith("api 429"):
                fake.fail("chat.postMessage", status=429, retry_after=1, times=5)
                fake.fail("chat.postMessage", status=500, error="internal_error", times=5)
                fake.fail("users.info", status=500, error="internal_error", times=3)
            elif kind.startswith("api down"):
                fake.down_until = time.monotonic() + 10
            elif proxy is not None:
                proxy.stop()
                stop.wait(3)
                proxy.start()
            else:
                faults[-1] += " (skipped: SQLite has no connection to cut)"
            if stop.wait(every):
                return

    t0 = time.monotonic()
    threads = [threading.Thread(target=members_checking_in, daemon=True) for _ in range(4)]
    threads.append(threading.Thread(target=inject_faults, daemon=True))
    for t in threads:
        t.start()
    while time.monotonic() - t0 < args.seconds:
        time.sleep(0.5)
        if not rss_start and time.monotonic() - t0 >= min(15.0, args.seconds / 8):
            # After warm-up: thread pools and caches are filled.
            rss_start = proc_status(bot.pid, "VmRSS")
            threads_start = proc_status(bot.pid, "Threads")
        if time.monotonic() - t0 >= 60 * (len(rss_by_minute) + 1):
            # A plateau is warm-up; a steady climb, a leak.
            rss_by_minute.append(proc_status(bot.pid, "VmRSS"))
    stop.set()
    for t in threads:
        t.join(timeout=20)
    if proxy is not None and proxy._listener is None:
        proxy.start()
    fake.down_until = 0.0
    fake.failures.clear()
    end = datetime.now(UTC)

    # Drain: everything due by the end must go out. Retries back off for seconds; a claim
    # stranded by a cut connection waits for its lease to run out, as in production.
    started = time.monotonic()
    while True:
        with results.connect() as conn:
            waiting = dict(
                conn.execute(
                    select(OutboxRow.status, func.count())
                    .where(OutboxRow.status.in_(("pending", "sending")), OutboxRow.due_at <= end)
                    .group_by(OutboxRow.status)
                ).all()
            )
        waited = time.monotonic() - started
        if not waiting or waited > LEASE_SECONDS + 30 or (waited > 90 and "sending" not in waiting):
            break
        time.sleep(1)
    rss_end, threads_end = proc_status(bot.pid, "VmRSS"), proc_status(bot.pid, "Threads")
    bot.send_signal(signal.SIGTERM)  # how platforms stop a process
    try:
        bot.wait(timeout=30)
    except subprocess.TimeoutExpired:
        bot.send_signal(signal.SIGUSR1)  # every thread's stack into the log, then
        time.sleep(1)
        bot.kill()  # what the platform does after its grace period
        bot.wait()
    log.close()

    with results.connect() as conn:
        rows = conn.execute(select(OutboxRow.key, OutboxRow.status, OutboxRow.due_at)).all()
    due = [r for r in rows if r.due_at.replace(tzinfo=r.due_at.tzinfo or UTC) <= end]
    by_status = Counter(r.status for r in due)
    sent_keys = {r.key for r in due if r.status == "sent"}
    duplicated = sum(n - 1 for n in fake.delivered.values() if n > 1)
    never_arrived = [k for k in sent_keys if fake.delivered[k] == 0]
    lost = len(due) - len(sent_keys) - by_status["skipped"] + len(never_arrived)
    latencies = sorted(load.latencies)

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else 0.0
    table = [
        (
            "duration",
            f"{args.seconds:.0f} s, {args.members} members, {len(channels)} channels, "
            f"{'PostgreSQL via proxy' if proxy else 'SQLite'}",
        ),
        (
            "requests served",
            f"{sum(load.statuses.values())} "
            f"({load.statuses['ok']} ok, {load.statuses['db busy, try again']} "
            "'database busy, try again')",
        ),
        ("latency p50 / p99", f"{pct(0.50):.1f} ms / {pct(0.99):.1f} ms"),
        ("request errors (5xx, resets)", str(load.statuses["error"])),
        ("faults injected", "; ".join(faults) or "none"),
        ("API calls refused by faults", str(fake.refused)),
        ("messages due", str(len(due))),
        (
            "messages sent",
            f"{len(sent_keys)} (skipped by rule: {by_status['skipped']}, "
            f"failed: {by_status['failed']}, still pending: "
            f"{by_status['pending'] + by_status['sending']})",
        ),
        ("messages duplicated", str(duplicated)),
        ("messages lost", str(lost)),
        (
            "memory RSS after warm-up / end",
            f"{rss_start / 1024:.1f} MiB / {rss_end / 1024:.1f} MiB ({growth:+.1f}%)",
        ),
        ("memory RSS each minute", " ".join(f"{k / 1024:.1f}" for k in rss_by_minute) + " MiB"),
        ("threads after warm-up / end", f"{threads_start} / {threads_end}"),
        ("bot exit status after SIGTERM", str(bot.returncode)),
    ]
    levels: Counter[str] = Counter()
    for line in log_file.read_text(errors="replace").splitlines():
        try:
            levels[json.loads(line)["level"]] += 1
        except (ValueError, KeyError, TypeError):
            levels["not JSON"] += 1
    table.append(
        (
            "bot log lines (JSON on stderr)",
            f"{levels['WARNING']} warnings, {levels['ERROR']} errors, "
            f"{levels['not JSON']} not JSON -> {log_file}",
        )
    )
    width = max(len(k) for k, _ in table)
    print()
    for k, v in table:
        print(f"{k:<{width}}  {v}")
    fake.stop()
    results.dispose()
    cleanup()
    ok = (
        duplicated == 0
        and lost == 0
        and growth < 10
        and load.statuses["error"] == 0
        and levels["ERROR"] == 0
        and levels["not JSON"] == 0
        and bot.returncode == 0
    )
    print("\nresult:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
