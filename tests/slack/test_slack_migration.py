"""Migration 0002: Bolt's installation and state stores work on tables Alembic made."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import inspect

from bot.storage.db import current_revision, downgrade, make_engine, upgrade

TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def exercise_stores(engine) -> None:
    store = SQLAlchemyInstallationStore(client_id="1.2", engine=engine)
    store.save(
        Installation(
            app_id="A1",
            enterprise_id=None,
            team_id="T1",
            team_name="Cohort Lab",
            user_id="U1",
            bot_token="xoxb-1",
            bot_id="B1",
            bot_user_id="UBOT",
            bot_scopes=["commands"],
            user_token="xoxp-1",
            installed_at=datetime.now(UTC).timestamp(),
        )
    )
    assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-1"
    assert store.find_installation(enterprise_id=None, team_id="T1").user_token == "xoxp-1"
    store.delete_installation(enterprise_id=None, team_id="T1")
    store.delete_bot(enterprise_id=None, team_id="T1")
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False


def round_trip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        assert set(inspect(engine).get_table_names()) >= TABLES
        exercise_stores(engine)
        downgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_upgrade_and_downgrade_on_sqlite(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_upgrade_and_downgrade_on_postgresql(pg_database_factory):
    round_trip(pg_database_factory())
