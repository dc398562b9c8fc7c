"""Faults, each with exact counts of what was stored and sent: the database going away
(cut at a TCP proxy of our own, never the shared server), the platform API down for ten
minutes, a migration run twice, and several processes migrating a fresh database at once.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from adapters.console.repl import ConsoleSession
from adapters.slack.platform import SlackPlatform
from bot.bootstrap import App, bootstrap
from bot.clock import FixedClock
from bot.commands import parse
from bot.domain.actor import Actor
from bot.scheduling.delivery import Delivery, RateLimiter, RetryPolicy
from bot.scheduling.runtime import SchedulerRuntime
from bot.scheduling.tick import enqueue_due
from bot.storage.db import (
    DB_BUSY,
    DB_UNCONFIRMED,
    current_revision,
    make_engine,
    slow_work,
    upgrade,
)
from bot.storage.orm import CheckInRow, Cohort, HourLog, Member, OutboxRow, SprintGoal
from bot.usecases import Outcome
from tests.discord.discord_harness import ADA, Harness, embed_text, run_with_bot
from tests.reliability.rel_proxy import TcpProxy
from tests.scheduling.sched_fakes import FakePlatform
from tests.scheduling.sched_world import populate
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_rig import serving
from tests.support.db import count

ROOT = Path(__file__).resolve().parents[2]
JOINED = datetime(2026, 11, 30, tzinfo=UTC)
PROMPT = datetime(2026, 12, 1, 8, 1, tzinfo=UTC)  # 09:01 in Berlin: the 09:00 prompt is due
PEOPLE = {f"p{i}": "Europe/Berlin" for i in range(4)}


def statuses(app: App) -> Counter[str]:
    with app.uow() as s:
        return Counter(s.scalars(select(OutboxRow.status)))


# -- the database refusing connections ---------------------------------------------------


@pytest.fixture
def proxied(pg_database_factory, content):
    """An app on a fresh PostgreSQL database reached only through a TCP proxy we control."""
    url = make_url(pg_database_factory())
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    engine = make_engine(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    )
    upgrade(engine)
    app = bootstrap(engine=engine, content=content, clock=FixedClock(JOINED), migrate=False)
    yield app, proxy
    proxy.stop()
    engine.dispose()


@pytest.mark.postgres
def test_database_outage_commands_say_try_again_and_the_scheduler_resumes(proxied):
    app, proxy = proxied
    populate(app, PEOPLE, at=JOINED)
    app.clock.set(PROMPT)
    fake = FakeSlackAPI().start()
    platform = FakePlatform()
    runtime = SchedulerRuntime(app, platform, limiter=RateLimiter(1e9, 1e9))
    try:
        with serving(app, fake) as rig:
            d = rig.driver
            d.command("/cohort", "start Outage", user="U1", channel="C9")
            assert (
                "Checked in"
                in d.command("/checkin", "before", user="U1", channel="C9").json["text"]
            )
            proxy.stop()  # the database goes away
            for _ in range(3):
                r = d.command("/hours", "1h learning", user="U1", channel="C9")
                assert r.status == 200 and r.json["text"] == DB_BUSY
            d.command("/checkin", "", user="U1", channel="C9")  # the form: no database
            r = d.command("/plan", "set 1 finish the course", user="U1", channel="C9")
            assert r.json["text"] == DB_BUSY
            assert runtime.tick() is None and runtime.deliver() is None  # logged, skipped
            proxy.start()  # ...and comes back
            r = d.command("/hours", "1h learning", user="U1", channel="C9")
            assert "Logged 1 h of learning" in r.json["text"]
        # Exactly what succeeded was stored: one check-in, one hour entry.
        assert (count(app, CheckInRow), count(app, HourLog)) == (1, 1)
        ticked = runtime.tick()
        assert ticked is not None and ticked.queued == len(PEOPLE)
        assert runtime.deliver().sent == len(PEOPLE)
        assert runtime.tick().queued == 0 and runtime.deliver().sent == 0
        assert sorted(platform.keys()) == sorted(
            f"checkin_prompt:m{i}:2026-12-01" for i in range(1, len(PEOPLE) + 1)
        )
        assert statuses(app) == Counter({"sent": len(PEOPLE)})
    finally:
        fake.stop()


STALL_SECONDS = 30.0


@pytest.mark.postgres
def test_a_stalled_database_answers_busy_quickly_writes_nothing_twice_and_recovers(proxied, caplog):
    """A network partition: connections are accepted, no byte passes, for 30 s. Every
    command answers "busy" within about 2 s (Slack gives 3), in parallel too, with one
    WARNING and no traceback; the scheduler's tick waits longer but gives up cleanly;
    when the stall ends the next command works and nothing was written twice."""
    app, proxy = proxied
    populate(app, PEOPLE, at=JOINED)
    app.clock.set(PROMPT)
    fake = FakeSlackAPI().start()
    runtime = SchedulerRuntime(app, FakePlatform(), limiter=RateLimiter(1e9, 1e9))
    try:
        with serving(app, fake) as rig:
            d = rig.driver
            d.command("/cohort", "start Stall", user="U1", channel="C9")
            d.command("/hours", "1h learning", user="U1", channel="C9")  # a pooled connection
            proxy.stall()
            ends = time.monotonic() + STALL_SECONDS
            threading.Timer(STALL_SECONDS, proxy.unstall).start()
            ticks: list[object] = []
            ticker = threading.Thread(target=lambda: ticks.append(runtime.tick()))
            ticker.start()

            def timed(name: str, text: str, user: str = "U1") -> tuple[float, str]:
                started = time.monotonic()
                r = d.command(name, text, user=user, channel="C9")
                return time.monotonic() - started, r.json["text"]

            answers = []
            while time.monotonic() < ends - 4:
                answers.append(timed("/hours", "1h learning"))
                answers.append(timed("/checkin", "during the stall"))
            with ThreadPoolExecutor(10) as pool:
                answers += pool.map(lambda i: timed("/hours", "2h building", f"U{i}"), range(10))
            assert len(answers) >= 20
            assert {text for _, text in answers} == {DB_BUSY}
            assert max(seconds for seconds, _ in answers) < 3.0, sorted(answers)[-3:]
            while time.monotonic() < ends + 0.5:
                time.sleep(0.1)
            ticker.join(timeout=STALL_SECONDS)
            # The tick has the slow bound: it waited out the stall, then went on with a
            # fresh connection (or gave up, writing nothing): never longer, never twice.
            assert not ticker.is_alive() and len(ticks) == 1
            r = d.command("/hours", "1h learning", user="U1", channel="C9")
            assert "Logged 1 h of learning" in r.json["text"]
        assert (count(app, CheckInRow), count(app, HourLog)) == (0, 2)
        first = ticks[0].queued if ticks[0] is not None else 0  # type: ignore[attr-defined]
        assert first + runtime.tick().queued == len(PEOPLE)  # each prompt queued once
        assert runtime.deliver().sent == len(PEOPLE)
        loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        assert not loud, [r.getMessage() for r in loud]
    finally:
        proxy.unstall()
        fake.stop()


def test_a_held_write_lock_answers_busy_quickly_and_writes_nothing(app, caplog):
    """Another writer holds the database (SQLite: the write lock; PostgreSQL: the member's
    row) for longer than a person waits: the command answers "busy" in about 2 s, not 30."""
    assert app.core.run(parse("/cohort start Locked"), _actor("U-admin")).ok
    assert app.core.run(parse("/hours 1h learning"), _actor("U-new")).ok
    with slow_work():  # the holder itself may keep its connection past the command bound
        holder = app.engine.connect()
    with holder:
        if app.engine.dialect.name == "sqlite":
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            holder.exec_driver_sql("BEGIN")
            holder.exec_driver_sql("LOCK TABLE hour_logs IN EXCLUSIVE MODE")
        started = time.monotonic()
        outcome = app.core.run(parse("/hours 2h building"), _actor("U-new"))
        waited = time.monotonic() - started
        holder.rollback()
    assert (outcome.problem, outcome.reply.message.text) == ("busy", DB_BUSY)
    assert waited < 3.0
    assert count(app, HourLog) == 1
    assert app.core.run(parse("/hours 2h building"), _actor("U-new")).ok  # lock gone: works
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_commit_lost_on_its_way_is_never_called_safe_to_retry(app, faults, caplog):
    """The database goes quiet during COMMIT (here: it cancels the commit, as a deadline
    would): the changes may have been kept, so the member is told to look before sending
    again — "try again" would record an hour twice whenever the commit had landed."""
    if app.engine.dialect.name != "postgresql":
        pytest.skip("a commit that fails after its changes were sent needs a server")
    assert app.core.run(parse("/cohort start Lost"), _actor("U-admin")).ok
    assert app.core.run(parse("/hours 1h learning"), _actor("U-new")).ok
    faults.lose_commits("hour_logs")
    outcome = app.core.run(parse("/hours 2h building"), _actor("U-new"))
    assert (outcome.problem, outcome.reply.message.text) == ("busy", DB_UNCONFIRMED)
    assert "/hours log" in outcome.reply.message.text and DB_BUSY != DB_UNCONFIRMED
    assert count(app, HourLog) == 1
    # A command that wrote nothing to that table still commits and answers as usual.
    assert app.core.run(parse("/progress"), _actor("U-new")).ok
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "2h building" not in caplog.text


@pytest.mark.postgres
def test_database_outage_on_discord_answers_try_again_and_writes_nothing(proxied):
    app, proxy = proxied

    async def scenario(h: Harness) -> None:
        await h.start_cohort(person=ADA)
        proxy.stop()
        answer = await h.slash("checkin", person=ADA, text="during the outage")
        assert DB_BUSY in embed_text(answer)
        proxy.start()
        answer = await h.slash("checkin", person=ADA, text="after the outage")
        assert "Check-in saved" in embed_text(answer)

    run_with_bot(app, scenario)
    with app.uow() as s:
        assert list(s.scalars(select(CheckInRow.did))) == ["after the outage"]
        assert s.scalar(select(func.count()).select_from(Member)) == 1


@pytest.mark.postgres
def test_database_outage_in_the_console_says_try_again_and_writes_nothing(proxied):
    app, proxy = proxied
    out = io.StringIO()
    session = ConsoleSession(app.core, "Ana Lima", "Outage", out)
    assert session.run_line("/cohort start Outage")
    proxy.stop()
    assert session.run_line("/checkin during the outage") is False
    assert f"⚠ {DB_BUSY}" in out.getvalue() and "Something went wrong" not in out.getvalue()
    proxy.start()
    assert session.run_line("/checkin after the outage")
    with app.uow() as s:
        assert list(s.scalars(select(CheckInRow.did))) == ["after the outage"]


@pytest.mark.postgres
def test_a_connection_dropped_mid_delivery_sends_each_message_once(proxied):
    app, proxy = proxied
    populate(app, PEOPLE, at=JOINED)
    app.clock.set(PROMPT)
    with app.engine.begin() as conn:
        assert enqueue_due(conn, PROMPT).queued == len(PEOPLE)
    # Every open connection is cut right after the second message went out, before it
    # is marked sent: that row stays claimed until its lease runs out.
    platform = FakePlatform(after_send=lambda n: proxy.drop() if n == 2 else None)
    delivery = Delivery(
        app.core, app.uow, platform, app.clock, worker="w", limiter=RateLimiter(1e9, 1e9)
    )
    delivery.drain()
    app.clock.advance(timedelta(minutes=6))  # past the lease
    heir = Delivery(
        app.core, app.uow, platform, app.clock, worker="heir", limiter=RateLimiter(1e9, 1e9)
    )
    heir.drain()
    assert statuses(app) == Counter({"sent": len(PEOPLE)})
    assert len(platform.keys()) == len(set(platform.keys())) == len(PEOPLE)


# -- the platform API down for ten minutes -------------------------------------------------


def test_slack_down_for_ten_minutes_the_outbox_holds_then_drains_once(app):
    populate(app, PEOPLE, at=JOINED)
    with app.engine.begin() as conn:
        assert enqueue_due(conn, PROMPT).queued == len(PEOPLE)
    app.clock.set(PROMPT)
    fake = FakeSlackAPI().start()
    try:
        fake.fail("chat.postMessage", status=503, error="service_unavailable", times=10_000)
        platform = SlackPlatform(WebClient(token="xoxb-test-token", base_url=fake.url))
        delivery = Delivery(
            app.core,
            app.uow,
            platform,
            app.clock,
            worker="w",
            limiter=RateLimiter(1e9, 1e9),
            retry=RetryPolicy(jitter=lambda: 0.5),
        )  # the default policy
        outage_end = PROMPT + timedelta(minutes=10)
        while app.clock.now() < outage_end:
            delivery.drain()
            assert set(statuses(app)) == {"pending"}  # held, not failed, not sent
            app.clock.advance(timedelta(seconds=20))
        attempts = len(fake.calls_to("chat.postMessage"))
        assert attempts >= 6 * len(PEOPLE)  # it kept trying through the outage
        fake.failures.clear()  # Slack is back
        for _ in range(120):
            delivery.drain()
            if statuses(app) == Counter({"sent": len(PEOPLE)}):
                break
            app.clock.advance(timedelta(seconds=20))
        assert statuses(app) == Counter({"sent": len(PEOPLE)})
        delivered = [m for messages in fake.history.values() for m in messages]
        keys = [m["metadata"]["event_payload"]["key"] for m in delivered]
        assert len(keys) == len(set(keys)) == len(PEOPLE)
        assert app.clock.now() - outage_end < timedelta(minutes=20)
    finally:
        fake.stop()


def test_a_reset_discord_token_pauses_nobody_and_the_outbox_waits(app, caplog):
    """A 401 is bad credentials, not a gone destination: one ERROR line, one request,
    every row kept (no attempt spent), no member or cohort paused; fixed, it all goes."""
    from adapters.discord.platform import DiscordPlatform
    from tests.discord.discord_harness import BO, CY

    app.clock.set(JOINED)
    path = r"/users/@me/channels|/channels/\d+/messages"  # prompts go by DM by default

    async def scenario(h: Harness) -> None:
        await h.start_cohort(person=ADA)
        for person in (ADA, BO, CY):
            h.fake.add_user(person.user_payload())
            await h.slash("cohort", "join", person=person, track="software_engineer")
        queued, moment = 0, JOINED
        while not queued:  # the first day the cohort's prompt is due
            moment += timedelta(hours=1)
            with app.engine.begin() as conn:
                queued = enqueue_due(conn, moment).queued
        app.clock.set(moment)
        h.fake.fail("POST", path, 401, {"message": "401: Unauthorized", "code": 0}, times=999)
        platform = DiscordPlatform(h.bot, timeout=10, credentials_retry=60)
        delivery = Delivery(
            app.core, app.uow, platform, app.clock, worker="w", limiter=RateLimiter(1e9, 1e9)
        )
        for _ in range(3):
            await asyncio.to_thread(delivery.drain)
            app.clock.advance(timedelta(minutes=2))
        assert set(statuses(app)) == {"pending"}
        with app.uow() as s:
            assert set(s.scalars(select(OutboxRow.attempts))) == {0}
            assert set(s.scalars(select(Member.status))) == {"active"}
            assert s.scalar(select(Cohort.paused)) is False
        assert len(h.fake.find("POST", path)) == 1
        h.fake.clear_failures()  # the operator fixed DISCORD_TOKEN and restarted
        fixed = DiscordPlatform(h.bot, timeout=10)
        heir = Delivery(
            app.core, app.uow, fixed, app.clock, worker="w", limiter=RateLimiter(1e9, 1e9)
        )
        app.clock.advance(timedelta(minutes=10))
        await asyncio.to_thread(heir.drain)
        assert statuses(app) == Counter({"sent": queued})

    with caplog.at_level("WARNING"):
        run_with_bot(app, scenario, timeout=60)
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "401" in errors[0].getMessage()
    assert not [r for r in caplog.records if r.name == "bot.scheduling.delivery"]


# -- migrations ----------------------------------------------------------------------------


def test_a_migration_run_twice_keeps_every_row(app):
    populate(app, PEOPLE, at=JOINED)
    with app.engine.begin() as conn:
        enqueue_due(conn, PROMPT)
    before = {m: count(app, m) for m in (Member, OutboxRow)}
    upgrade(app.engine)
    upgrade(app.engine)
    assert (
        {m: count(app, m) for m in (Member, OutboxRow)}
        == before
        == {Member: len(PEOPLE), OutboxRow: len(PEOPLE)}
    )


def _race_upgrade(url: str, processes: int = 3) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=90)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def _assert_migrated_once(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        head = current_revision(engine)
        upgrade(engine)
        assert current_revision(engine) == head is not None
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_processes_starting_together_migrate_a_fresh_database_once(backend, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = request.getfixturevalue("pg_database_factory")()
    results = _race_upgrade(url)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-500:] for r in results]
    _assert_migrated_once(url)


# -- concurrent first commands (real threads, PostgreSQL) -----------------------------------


def _actor(user: str) -> Actor:
    return Actor(
        platform="slack",
        workspace_id="T1",
        channel_id="C-race",
        user_id=user,
        display_name=user,
        timezone="Europe/Berlin",
    )


def _in_parallel(app: App, user: str, line: str, n: int) -> list[Outcome]:
    """``line`` typed ``n`` times by ``user`` in as many threads, released at once."""
    barrier = threading.Barrier(n)

    def one(_: int) -> Outcome:
        barrier.wait()
        return app.core.run(parse(line), _actor(user))

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.parametrize(
    ("line", "n", "joined"),
    [
        ("/checkin racing", 30, False),  # a new user: joined with defaults on the way
        ("/hours 1h learning", 30, False),
        ("/sprint", 10, True),  # a member's first look at the week: creates the sprint
        ("/sprint goal ship the demo", 9, True),  # with the plan's goal, a full sprint
    ],
)
def test_concurrent_first_commands_all_get_a_real_answer(app, caplog, line, n, joined):
    """No "Sorry", no ERROR: each succeeds, or says why not in words a person can use."""
    if app.engine.dialect.name != "postgresql":
        pytest.skip("real concurrency is PostgreSQL's; SQLite runs one writer at a time")
    assert app.core.run(parse("/cohort start Race"), _actor("U-admin")).ok
    if joined:
        assert app.core.run(parse("/cohort join"), _actor("U-new")).ok
    outcomes = _in_parallel(app, "U-new", line, n)
    texts = [o.reply.message.text for o in outcomes]
    assert not [o for o in outcomes if o.problem is not None and o.problem != "user"], texts
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    with app.uow() as s:
        new = s.scalar(select(func.count()).select_from(Member).where(Member.user_id == "U-new"))
    assert new == 1
    if line.startswith("/checkin"):
        assert count(app, CheckInRow) == 1
        assert sum(o.ok for o in outcomes) == 1, texts
        assert all("already checked in" in o.detail for o in outcomes if not o.ok), texts
    else:
        assert all(o.ok for o in outcomes), texts
    if line.startswith("/hours"):
        assert count(app, HourLog) == n  # every hour logged, once
    if line.startswith("/sprint goal"):
        with app.uow() as s:
            own = select(func.count()).select_from(SprintGoal).where(SprintGoal.source == "own")
            assert s.scalar(own) == n
