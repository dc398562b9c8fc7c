"""Engines and migrations: connect to the configured database and bring it up to date."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


DB_BUSY = "The bot's database is busy — please try again in a minute."
# A commit that failed on its way: the database may have kept it, so "try again" could
# record it twice.
DB_UNCONFIRMED = (
    "The bot's database stopped answering just as I saved that, so I can't tell whether it "
    "was kept. Look with `/progress` or `/hours log` before you send it again."
)


# Every wait on the database is bounded (README, "Database timeouts"): a command's unit
# of work by DB_TIMEOUT_SECONDS, the scheduler's and admin reports' by the larger
# DB_SLOW_TIMEOUT_SECONDS.
TIMEOUT_SECONDS = 2.0
SLOW_TIMEOUT_SECONDS = 120.0


class DatabaseUnavailable(Exception):
    """The database URL is malformed or the server cannot be reached."""


class CommitUnconfirmed(Exception):
    """The database became unavailable during COMMIT, after the changes were sent: the
    transaction may or may not have been kept, so the person must look before retrying."""


class DatabaseStalled(Exception):
    """A unit of work ran past its deadline: the connection was cut, nothing committed."""


def is_unavailable(exc: BaseException) -> bool:
    """True for "the database is not there right now" (refused, dropped, locked, stalled,
    restarting, every pooled connection busy).

    Such a failure rolled the unit of work back, so nothing was written and the person
    can simply try again; any other database error is a bug and is reported as one.
    """
    if isinstance(exc, OperationalError | PoolTimeout | DatabaseStalled | CommitUnconfirmed):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def is_unique_violation(exc: BaseException) -> bool:
    """A unique constraint refused an insert: another transaction wrote that row first."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    return isinstance(orig, sqlite3.IntegrityError) and "UNIQUE constraint failed" in str(orig)


_SLOW: ContextVar[bool] = ContextVar("cohortbot_db_slow", default=False)


@contextlib.contextmanager
def slow_work() -> Iterator[None]:
    """Units of work begun inside get the slow bound: scheduler ticks, reports, exports."""
    token = _SLOW.set(True)
    try:
        yield
    finally:
        _SLOW.reset(token)


class _Watchdog:
    """Shuts down the socket of a connection whose unit of work outlived its deadline.

    A server-side statement_timeout cannot help when the network stalls after connect,
    and psycopg waits on a blocked read without any timeout of its own; shutting the
    socket down makes that read return at once with "server closed the connection", an
    OperationalError that invalidates the connection and rolls the work back.
    """

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, int]] = {}  # id(pool record) -> (deadline, fd)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, key: int, fd: int, deadline: float) -> None:
        with self._cond:
            self._armed[key] = (deadline, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="db-watchdog")
                self._thread.start()
            self._cond.notify()

    def disarm(self, key: int) -> None:
        with self._cond:
            self._armed.pop(key, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                for key, (deadline, fd) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[key]
                        _shut_down(fd)
                nearest = min((d for d, _ in self._armed.values()), default=now + 60)
                self._cond.wait(max(0.01, nearest - now))


def _shut_down(fd: int) -> None:
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(fd))
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
    log.debug("database connection cut at its deadline")


_WATCHDOG = _Watchdog()


def normalize_url(url: str) -> str:
    """Let people write ``postgresql://`` or ``postgres://``; we talk psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unparseable database URL>"


def make_engine(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    slow_timeout: float = SLOW_TIMEOUT_SECONDS,
    **kwargs: Any,
) -> Engine:
    """An engine whose every wait is bounded: ``timeout`` seconds for a unit of work (and
    a free pooled connection), ``slow_timeout`` inside :func:`slow_work`."""
    url = normalize_url(url)
    slow_timeout = max(slow_timeout, timeout)

    def bound() -> float:
        return slow_timeout if _SLOW.get() else timeout

    # A failed statement must never echo its parameters (check-in text, names) into an
    # exception message, a log line or an error report.
    kwargs.setdefault("hide_parameters", True)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUnavailable(
            "DATABASE_URL is not a valid database URL (its port must be a number)"
            if isinstance(exc, ValueError)
            else "DATABASE_URL is not a valid database URL"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if parsed.database not in (None, "", ":memory:"):
                _enable_wal(cur, timeout=30.0)
            cur.close()

        @event.listens_for(engine, "checkout")
        def _sqlite_bound(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            # A write lock held elsewhere: an interactive command answers "busy" quickly.
            dbapi_conn.execute(f"PRAGMA busy_timeout={int(bound() * 1000)}")

        return engine
    if parsed.get_backend_name() == "postgresql":
        slow_ms = int(slow_timeout * 1000)
        kwargs.setdefault(
            "connect_args",
            {
                # psycopg enforces it client-side (whole seconds, at least 2).
                "connect_timeout": max(2, round(timeout)),
                "options": f"-c statement_timeout={slow_ms} "
                f"-c idle_in_transaction_session_timeout={slow_ms}",
            },
        )
        kwargs.setdefault("pool_timeout", timeout)  # every pooled connection in use
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # a missing driver or bad option: say so without the URL
        raise DatabaseUnavailable(f"cannot use {safe_url(url)}: {type(exc).__name__}") from exc
    _bound_units_of_work(engine, bound)
    return engine


def _bound_units_of_work(engine: Engine, bound: Any) -> None:
    """Arm the watchdog for every checkout; ping a reused connection under that deadline
    (SQLAlchemy's own pre-ping runs before any event, so it could block unbounded)."""

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn: Any, record: Any) -> None:
        record.info["cohortbot.fresh"] = True

    @event.listens_for(engine, "checkout")
    def _arm(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        deadline = time.monotonic() + bound()
        fd = _socket_of(dbapi_conn)
        if fd is not None:
            _WATCHDOG.arm(id(record), fd, deadline)
        if record.info.pop("cohortbot.fresh", False):
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            _WATCHDOG.disarm(id(record))
            if time.monotonic() >= deadline:
                raise DatabaseStalled("the database did not answer in time") from exc
            raise DisconnectionError("stale pooled connection") from exc  # the pool retries

    def _disarm(_dbapi_conn: Any, record: Any, *_rest: Any) -> None:
        _WATCHDOG.disarm(id(record))

    for name in ("checkin", "invalidate", "soft_invalidate", "close", "detach"):
        event.listen(engine, name, _disarm)


def _socket_of(dbapi_conn: Any) -> int | None:
    pgconn = getattr(dbapi_conn, "pgconn", None)
    try:
        return int(pgconn.socket) if pgconn is not None else None
    except Exception:  # closed already
        return None


def _enable_wal(cur: Any, timeout: float) -> None:
    """Switch the file to WAL, waiting for another process's write as busy_timeout would.

    A new file is not WAL until its first write commits. While another process holds the
    write lock (a migration), SQLite answers this switch "database is locked" at once
    rather than waiting, since waiting there could deadlock: so two processes upgrading
    a fresh file sometimes failed to connect. Try again until the write is done.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return cfg


# Alembic keeps its ``op`` and ``context`` proxies in module globals, so two migrations
# running at once in one process (two threads) would share them: run them one at a time.
_ALEMBIC_LOCK = threading.Lock()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run again and from two processes at once."""
    cfg = alembic_config(engine)
    with _ALEMBIC_LOCK, slow_work():
        try:
            conn = engine.connect()
        except OperationalError as exc:
            if _authentication_failed(exc):
                raise DatabaseUnavailable(
                    f"authentication failed for the database at {safe_url(str(engine.url))}:"
                    " check the user name and password in DATABASE_URL"
                ) from None
            raise DatabaseUnavailable(
                f"cannot reach the database at {safe_url(str(engine.url))}"
            ) from exc
        try:
            with conn, conn.begin():
                if conn.dialect.name == "postgresql":
                    # Two processes starting together must not both run the same migration.
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
                elif conn.dialect.name == "sqlite":
                    # pysqlite runs DDL outside any transaction unless one is open, so two
                    # processes upgrading a fresh file raced ("table cohorts already exists").
                    # An IMMEDIATE transaction takes the write lock first; the other waits
                    # (busy_timeout), then finds the schema at head and does nothing.
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        except OperationalError as exc:
            # Connected, so the server is there: say what went wrong, in one line.
            lines = str(exc.orig or exc).strip().splitlines()
            detail = (lines[0] if lines else type(exc.orig or exc).__name__)[:200]
            raise DatabaseUnavailable(
                f"migrating the database at {safe_url(str(engine.url))} failed: {detail}"
            ) from exc


def _authentication_failed(exc: OperationalError) -> bool:
    """The server answered and refused the credentials (SQLSTATE 28P01 / 28000)."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in ("28P01", "28000") or "authentication failed" in str(exc.orig)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
