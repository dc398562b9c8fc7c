"""Shared fixtures: real databases (SQLite and PostgreSQL), a movable clock, a world.

The helpers these fixtures hand out live in ``tests.support``.

Storage-touching tests take the ``engine`` fixture, which runs each test on
SQLite and on PostgreSQL. PostgreSQL comes from ``COHORTBOT_TEST_PG_URL``
(default: the local server as user postgres). Locally a missing server skips
those tests; with ``CI=true`` it fails them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.bootstrap import App, bootstrap
from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.storage.db import make_engine, normalize_url, upgrade
from bot.storage.orm import Base
from tests.support.world import MONDAY, World

# Shared fixtures that need more than this file: Slack's fake Web API and the served app.
pytest_plugins = ["tests.support.slack"]

PG_URL = normalize_url(
    os.environ.get("COHORTBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_admin() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _pg_unavailable(exc: Exception) -> None:
    message = f"PostgreSQL at {make_url(PG_URL).render_as_string()} is unavailable: {exc}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_database_factory() -> Iterator[object]:
    """Creates throwaway PostgreSQL databases; drops them all at the end of the session."""
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "no server"
        admin.dispose()
        _pg_unavailable(exc)
    created: list[str] = []

    def create() -> str:
        name = f"cohortbot_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_database_factory) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """One migrated PostgreSQL database per test session, emptied before each test."""
    engine = make_engine(pg_database_factory())
    upgrade(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    """Empty every table and restart ids. Row deletes beat TRUNCATE on near-empty tables."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        sequences = (
            conn.execute(
                text(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = 'public'"
                )
            )
            .scalars()
            .all()
        )
        for name in sequences:
            conn.execute(text(f'ALTER SEQUENCE "{name}" RESTART WITH 1'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: the test runs once on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        eng = make_engine(f"sqlite:///{target}")
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("pg_engine")
        _truncate(eng)
        yield eng


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def app(engine: Engine, content: Content, clock: FixedClock) -> App:
    return bootstrap(engine=engine, content=content, clock=clock, migrate=False)


@pytest.fixture
def world(app: App) -> World:
    return World(app)


class DatabaseFaults:
    """Faults injected at the database edge — never by replacing the bot's own functions.

    ``refuse_inserts(table)``: the database rejects every new row of ``table`` with an
    error the bot cannot expect (the shape of a bug). ``writes_held()``: another
    connection holds the write lock for the block, so every write waits for its end.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._refused: list[str] = []

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def refuse_inserts(self, table: str) -> None:
        name = f"cohortbot_fault_{table}"
        with self.engine.begin() as conn:
            if self.sqlite:
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                )
            else:
                conn.exec_driver_sql(
                    "CREATE OR REPLACE FUNCTION cohortbot_fault() RETURNS trigger AS "
                    "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql"
                )
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION cohortbot_fault()"
                )
        self._refused.append(table)

    def lose_commits(self, table: str) -> None:
        """PostgreSQL: every transaction that inserted into ``table`` fails at COMMIT as a
        cancelled statement would (a deadline or a server going away in mid-commit)."""
        name = f"cohortbot_fault_{table}"
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION cohortbot_commit_fault() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = 'query_canceled'; END $$ "
                "LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION cohortbot_commit_fault()"
            )
        self._refused.append(table)

    def clear(self) -> None:
        with self.engine.begin() as conn:
            for table in self._refused:
                name = f"cohortbot_fault_{table}"
                if self.sqlite:
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
                else:
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        self._refused.clear()

    @contextlib.contextmanager
    def writes_held(self) -> Iterator[None]:
        if self.sqlite:
            holder = sqlite3.connect(str(self.engine.url.database), isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            return
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with self.engine.connect() as conn:
            transaction = conn.begin()
            # EXCLUSIVE lets reads through and makes every write wait.
            conn.exec_driver_sql(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            try:
                yield
            finally:
                transaction.rollback()


@pytest.fixture
def faults(engine: Engine) -> Iterator[DatabaseFaults]:
    injected = DatabaseFaults(engine)
    yield injected
    injected.clear()
