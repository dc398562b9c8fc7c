"""Alembic is the only way the schema is made: every step goes up and down on both databases,
running it again changes nothing, and the ORM classes match what the migrations build."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, MetaData, Table, inspect, text
from sqlalchemy.types import TypeDecorator

from bot.storage.db import (
    DatabaseUnavailable,
    alembic_config,
    current_revision,
    downgrade,
    make_engine,
    upgrade,
)
from bot.storage.orm import Base

ROOT = Path(__file__).resolve().parents[2]
OUR_TABLES = {t.name for t in Base.metadata.sorted_tables}
# Tables created by our migrations for slack_sdk's OAuth installation and state stores;
# slack_sdk defines them with its own MetaData, so our ORM does not map them.
SLACK_SDK_PREFIX = "slack_"


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database that has never seen a migration."""
    if request.param == "sqlite":
        url = _sqlite(tmp_path)
    else:
        url = request.getfixturevalue("pg_database_factory")()
    engine = make_engine(url)
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def schema(engine: Engine) -> dict[str, Any]:
    """Tables, columns, indexes and unique constraints, as the database reports them."""
    with engine.connect() as conn:
        insp = inspect(conn)
        return {
            name: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(name)],
                sorted(str(sorted(i.items())) for i in insp.get_indexes(name)),
                sorted(str(sorted(u.items())) for u in insp.get_unique_constraints(name)),
            )
            for name in sorted(insp.get_table_names())
        }


def revisions(engine: Engine) -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def head(engine: Engine) -> str:
    script = ScriptDirectory.from_config(alembic_config(engine))
    heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have more than one head: {heads}"
    return heads[0]


def test_every_revision_goes_up_and_down_and_head_to_base_to_head_leaves_our_tables(
    fresh: Engine,
) -> None:
    # One fresh database for both walks: on PostgreSQL each new database costs a checkpoint.
    assert current_revision(fresh) is None
    steps = revisions(fresh)
    assert steps, "no migrations found"
    previous = "base"
    for rev in steps:
        upgrade(fresh, rev)
        after_up = schema(fresh)
        downgrade(fresh, previous)
        assert current_revision(fresh) == (None if previous == "base" else previous)
        upgrade(fresh, rev)
        assert schema(fresh) == after_up, f"{rev} is not the same after down and up again"
        previous = rev

    assert current_revision(fresh) == head(fresh)
    built = tables(fresh)
    assert OUR_TABLES | {"alembic_version"} <= built
    first = schema(fresh)

    downgrade(fresh, "base")
    assert tables(fresh) <= {"alembic_version"}
    assert current_revision(fresh) is None

    upgrade(fresh)
    assert tables(fresh) == built
    assert schema(fresh) == first


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    fresh = engine  # already migrated once by the fixture
    with fresh.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cohorts (platform, workspace_id, channel_id, name, timezone, "
                "start_date, prompt_time, study_days, reminder_day, review_day, digest_day, "
                "inactivity_days, paused, created_at) VALUES ('slack', 'T', 'C', 'kept', 'UTC', "
                "'2026-11-30', '09:00:00', 'mon', 2, 4, 6, 3, false, '2026-11-30 10:00:00')"
            )
        )
    before = schema(fresh)
    upgrade(fresh)
    assert schema(fresh) == before
    assert current_revision(fresh) == head(fresh)
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT name FROM cohorts")).scalars().all() == ["kept"]


def _compare_type(
    context: MigrationContext,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    """Compare a TypeDecorator (UTCDateTime) by what it stores, and everything else as usual."""
    if isinstance(metadata_type, TypeDecorator):
        stored = Column(metadata_column.name, metadata_type.impl_instance)
        return context.impl.compare_type(inspected_column, stored)
    return None  # alembic's own comparison


def _ours(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (
        type_ == "table" and name and name.startswith(SLACK_SDK_PREFIX) and name not in OUR_TABLES
    )


def differences(engine: Engine, metadata: MetaData) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": _compare_type,
                "compare_server_default": True,
                "include_name": _ours,
            },
        )
        return compare_metadata(context, metadata)


def test_the_orm_matches_the_migrated_schema(engine: Engine) -> None:
    assert differences(engine, Base.metadata) == []


def test_the_schema_comparison_would_notice_a_difference(engine: Engine) -> None:
    """Guard the guard: an extra table or a changed column shows up."""
    meta = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(meta)
    Table("not_migrated", meta)
    meta.tables["hour_logs"].c.note.nullable = False
    kinds = {d[0] if isinstance(d, tuple) else d[0][0] for d in differences(engine, meta)}
    assert {"add_table", "modify_nullable"} <= kinds


def test_migration_files_are_the_only_schema_source() -> None:
    """Nothing in bot/ calls create_all: the schema comes from migrations alone."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "bot").rglob("*.py")
        if "create_all(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def _run_together(count: int, work: Callable[[], None]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as exc:  # collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.postgres
def test_two_threads_upgrading_a_fresh_postgres_database_both_succeed(
    pg_database_factory: Callable[[], str],
) -> None:
    url = pg_database_factory()
    engines = [make_engine(url), make_engine(url)]
    try:
        it = iter(engines)
        lock = threading.Lock()

        def work() -> None:
            with lock:
                engine = next(it)
            upgrade(engine)

        assert _run_together(2, work) == []
        assert current_revision(engines[0]) == head(engines[0])
        assert differences(engines[0], Base.metadata) == []
    finally:
        for e in engines:
            e.dispose()


THREADS = """
import sys, threading
from bot.storage.db import make_engine, upgrade
engines = [make_engine(sys.argv[1]) for _ in range(2)]
barrier, errors = threading.Barrier(2), []
def run(engine):
    barrier.wait()
    try:
        upgrade(engine)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=run, args=(e,)) for e in engines]
[t.start() for t in threads]
[t.join() for t in threads]
sys.exit("; ".join(errors) or 0)
"""


def test_two_threads_upgrading_a_fresh_sqlite_file_both_succeed(tmp_path: Path) -> None:
    # In a child process: alembic's shared globals once made this crash the interpreter.
    url = _sqlite(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", THREADS, url], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    engine = make_engine(url)
    assert current_revision(engine) == head(engine)
    engine.dispose()


def test_two_processes_upgrading_a_fresh_sqlite_file_both_succeed(tmp_path: Path) -> None:
    code = (
        "import sys; from bot.storage.db import make_engine, upgrade; "
        "upgrade(make_engine(sys.argv[1]))"
    )
    url = _sqlite(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(*p.communicate(timeout=60), p.returncode) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    engine = make_engine(url)
    assert current_revision(engine) == head(engine)
    engine.dispose()


def test_a_failing_migration_says_what_failed_not_that_the_server_is_gone(tmp_path: Path) -> None:
    engine = make_engine(_sqlite(tmp_path))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE cohorts (id integer)")  # in the way of 0001
    with pytest.raises(DatabaseUnavailable) as info:
        upgrade(engine)
    message = str(info.value)
    assert "cannot reach" not in message
    assert "failed: table cohorts already exists" in message
    assert "\n" not in message
    # Nothing half-done: the failed migration left no tables behind but the one in the way.
    assert tables(engine) == {"cohorts"}
    engine.dispose()


def test_0005_gives_each_member_their_period_and_goes_back_down(fresh: Engine) -> None:
    """Members still in, or who left at a known time, get one period each; a member who
    left before 0004 (no known time) gets none, so past weeks leave them out as before."""
    upgrade(fresh, "0004")
    with fresh.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cohorts (id, platform, workspace_id, channel_id, name, timezone, "
                "start_date, prompt_time, study_days, reminder_day, review_day, digest_day, "
                "inactivity_days, paused, created_at) VALUES (1, 'slack', 'T', 'C', 'c', 'UTC', "
                "'2026-11-30', '09:00:00', 'mon', 2, 4, 6, 3, false, '2026-11-30 10:00:00')"
            )
        )
        for mid, status, left in (
            (1, "active", None),
            (2, "left", "2026-12-14 09:00:00"),
            (3, "left", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO members (id, cohort_id, user_id, display_name, timezone, track, "
                    "budget, plan_start, delivery, checkins_public, leaderboard, reminders_off, "
                    "status, last_nudges, joined_at, left_at) VALUES (:id, 1, :u, 'm', 'UTC', "
                    "'other', 'part-time', '2026-11-30', 'dm', true, false, '', :status, '{}', "
                    "'2026-11-30 10:00:00', :left)"
                ),
                {"id": mid, "u": f"U{mid}", "status": status, "left": left},
            )
    upgrade(fresh, "0005")
    with fresh.connect() as conn:
        got = conn.execute(
            text("SELECT member_id, joined_at, left_at FROM member_periods ORDER BY member_id")
        ).all()
    assert [(m, str(j)[:16], left and str(left)[:16]) for m, j, left in got] == [
        (1, "2026-11-30 10:00", None),
        (2, "2026-11-30 10:00", "2026-12-14 09:00"),
    ]
    downgrade(fresh, "0004")
    assert "member_periods" not in tables(fresh)
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == 3
