"""Starting on Slack: configuration errors name the variable, OAuth keeps installs in our DB."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select

from adapters.slack.main import BOT_SCOPES, SlackConfigError, SlackOAuthEnv, make_platform, prepare
from adapters.slack.server import make_server
from bot.commands import COMMAND_NAMES
from bot.config import Settings
from bot.messages import Message
from bot.ports import Destination
from bot.storage.orm import CheckInRow
from tests.slack.slack_harness import SECRET, SlackDriver

MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yml"
TOKEN = "xoxb-secret-value-123"


def with_settings(app, **values):
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    return dataclasses.replace(app, settings=settings)


def no_oauth() -> SlackOAuthEnv:
    return SlackOAuthEnv(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_STATE_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("values", "http", "missing"),
    [
        ({"slack_bot_token": TOKEN}, True, "SLACK_SIGNING_SECRET"),
        ({"slack_signing_secret": "s"}, True, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": TOKEN, "slack_signing_secret": "s"}, False, "SLACK_APP_TOKEN"),
    ],
)
def test_missing_settings_are_named_in_one_line(app, values, http, missing):
    with pytest.raises(SlackConfigError) as info:
        prepare(with_settings(app, **values), http=http, env=no_oauth())
    message = str(info.value)
    assert missing in message and "\n" not in message and TOKEN not in message


def test_a_refused_token_is_reported_without_its_value(app, fake_slack):
    fake_slack.fail("auth.test", error="invalid_auth")
    configured = with_settings(
        app, slack_bot_token=TOKEN, slack_signing_secret="s", slack_api_url=fake_slack.url
    )
    with pytest.raises(SlackConfigError) as info:
        prepare(configured, http=True, env=no_oauth())
    assert "SLACK_BOT_TOKEN" in str(info.value) and "invalid_auth" in str(info.value)
    assert TOKEN not in str(info.value)


def test_slack_api_url_points_the_app_at_another_web_api(app, fake_slack):
    configured = with_settings(
        app,
        slack_bot_token=TOKEN,
        slack_signing_secret="s",
        slack_app_token="xapp-1",
        slack_api_url=fake_slack.url,
    )
    _bolt, app_token = prepare(configured, http=False, env=no_oauth())
    assert app_token == "xapp-1"
    auth = fake_slack.calls_to("auth.test")[0]
    assert auth.headers["Authorization"] == f"Bearer {TOKEN}"
    make_platform(configured, env=no_oauth()).send(Destination("slack", "T1", "C1"), Message("hi"))
    assert fake_slack.calls_to("chat.postMessage")[0].body["channel"] == "C1"


def test_multi_workspace_needs_http_mode(app):
    env = SlackOAuthEnv(_env_file=None, slack_client_id="1.2", slack_client_secret="x")  # type: ignore[call-arg]
    configured = with_settings(app, slack_signing_secret="s", slack_app_token="xapp-1")
    with pytest.raises(SlackConfigError, match="--http"):
        prepare(configured, http=False, env=env)


def test_multi_workspace_serves_each_team_with_its_installed_token(app, fake_slack):
    env = SlackOAuthEnv(_env_file=None, slack_client_id="1.2", slack_client_secret="x")  # type: ignore[call-arg]
    configured = with_settings(app, slack_signing_secret=SECRET, slack_api_url=fake_slack.url)
    bolt, _ = prepare(configured, http=True, env=env)
    team = "T" + uuid.uuid4().hex[:8].upper()
    store = bolt.installation_store
    store.save(
        Installation(
            app_id="A1",
            team_id=team,
            user_id="U1",
            bot_token=f"xoxb-{team}",
            bot_id="B1",
            bot_user_id="UBOT",
            bot_scopes=list(BOT_SCOPES),
            installed_at=datetime.now(UTC).timestamp(),
        )
    )
    server = make_server(bolt, "127.0.0.1", 0)
    thread = server.start_in_thread()
    try:
        driver = SlackDriver(*server.server_address[:2], fake_slack.root)
        assert bolt.oauth_flow is not None
        driver.command("/cohort", "start Second workspace", team=team)
        r = driver.command("/checkin", "from another workspace", team=team)
        assert r.status == 200 and "Checked in" in r.json["text"]
        post = fake_slack.wait_for("chat.postMessage")[0]
        assert post.headers["Authorization"] == f"Bearer xoxb-{team}"
        with app.uow() as s:
            assert s.scalar(select(func.count()).select_from(CheckInRow)) == 1
        # The install page is served, and its state is kept in our database.
        conn = __import__("http.client").client.HTTPConnection(*server.server_address[:2])
        conn.request("GET", "/slack/install")
        page = conn.getresponse()
        assert page.status == 200 and b"slack.com/oauth/v2/authorize" in page.read()
        platform = make_platform(configured, env=env)
        platform.send(Destination("slack", team, "C1"), Message("digest"))
        assert (
            fake_slack.calls_to("chat.postMessage")[-1].headers["Authorization"]
            == f"Bearer xoxb-{team}"
        )
    finally:
        fake_slack.settle(quiet=0.05, timeout=2)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_manifest_declares_every_command_and_only_the_scopes_used():
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {f"/{name}" for name in COMMAND_NAMES}
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
