"""Shared fixtures: real databases (SQLite and PostgreSQL), a movable clock, a world.

The helpers these fixtures hand out live in ``tests.support``.

Storage-touching tests take the ``engine`` fixture, which runs each test on
SQLite and on PostgreSQL. PostgreSQL comes from ``COHORTBOT_TEST_PG_URL``
(default: the local server as user postgres). Locally a missing server skips
those tests; with ``CI=true`` it fails them.
"""

from __future__ import annotations

import os
import shutil
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
