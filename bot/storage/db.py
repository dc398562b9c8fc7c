"""Engines and migrations: connect to the configured database and bring it up to date."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


DB_BUSY = "The bot's database is busy — please try again in a minute."


class DatabaseUnavailable(Exception):
    """The database URL is malformed or the server cannot be reached."""


def is_unavailable(exc: BaseException) -> bool:
    """True for "the database is not there right now" (refused, dropped, locked, restarting).

    Such a failure rolled the unit of work back, so nothing was written and the person
    can simply try again; any other database error is a bug and is reported as one.
    """
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


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
    except ArgumentError:
        return "<unparseable database URL>"


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    # A failed statement must never echo its parameters (check-in text, names) into an
    # exception message, a log line or an error report.
    kwargs.setdefault("hide_parameters", True)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable("DATABASE_URL is not a valid database URL") from exc
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

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    try:
        return create_engine(url, **kwargs)
    except Exception as exc:  # a missing driver or bad option: say so without the URL
        raise DatabaseUnavailable(f"cannot use {safe_url(url)}: {type(exc).__name__}") from exc


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
    with _ALEMBIC_LOCK:
        try:
            conn = engine.connect()
        except OperationalError as exc:
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
