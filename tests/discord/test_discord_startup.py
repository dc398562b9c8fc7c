"""Start-up: minimal intents, command sync only when the command set changed, config errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.discord import main
from adapters.discord.platform import DiscordPlatform
from adapters.discord.sync import CommandSync
from bot.bootstrap import App, bootstrap
from bot.cli import ConfigError
from bot.config import Settings
from tests.discord.discord_fake_api import APP_ID, GUILD_ID
from tests.discord.discord_harness import Harness, run_with_bot

GLOBAL = rf"/applications/{APP_ID}/commands"
GUILD = rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"


def test_the_bot_identifies_with_the_guilds_intent_only(app):
    async def scenario(h: Harness) -> None:
        assert h.fake.identify is not None
        assert h.fake.identify["intents"] == 1  # GUILDS; no privileged intents
        assert h.fake.gateway_queries[0]["encoding"] == "json"

    run_with_bot(app, scenario)


def test_commands_sync_globally_once_then_only_when_they_change(app: App, tmp_path: Path):
    store = tmp_path / ".cohortbot-discord-commands.json"
    puts: list[list[str]] = []

    async def scenario(h: Harness) -> None:
        found = h.fake.find("PUT", GLOBAL)
        puts.append([c["name"] for r in found for c in r.json])

    run_with_bot(app, scenario, bot_options={"sync_store": CommandSync(store)})
    saved = json.loads(store.read_text())
    assert list(saved) == [f"{APP_ID}:global"]
    run_with_bot(app, scenario, bot_options={"sync_store": CommandSync(store)})
    store.write_text(json.dumps({f"{APP_ID}:global": "an older command set"}))
    run_with_bot(app, scenario, bot_options={"sync_store": CommandSync(store)})
    assert len(puts[0]) == 10 and "cohort-admin" in puts[0]
    assert puts[1] == []  # unchanged: no call at all
    assert sorted(puts[2]) == sorted(puts[0])


def test_a_development_guild_gets_its_own_instant_sync(app: App, tmp_path: Path):
    store = tmp_path / "commands.json"

    async def scenario(h: Harness) -> None:
        [put] = h.fake.find("PUT", GUILD)
        assert {c["name"] for c in put.json} >= {"checkin", "hours", "cohort", "cohort-admin"}
        assert not h.fake.find("PUT", GLOBAL)

    run_with_bot(
        app, scenario, bot_options={"sync_store": CommandSync(store, guild_id=int(GUILD_ID))}
    )
    assert f"{APP_ID}:{GUILD_ID}" in json.loads(store.read_text())


def test_a_missing_token_is_one_clear_line(app: App):
    def configured(token: SecretStr | None) -> App:
        settings = Settings(discord_token=token)
        return bootstrap(
            settings=settings,
            engine=app.engine,
            content=app.content,
            clock=app.clock,
            migrate=False,
        )

    with pytest.raises(main.DiscordConfigError) as info:
        main.run(configured(None))
    assert isinstance(info.value, ConfigError)  # the CLI prints it and exits 2
    assert "DISCORD_TOKEN is not set" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(main.DiscordConfigError) as bad:
        main.run(configured(SecretStr("Bot abc.def.ghi")))
    assert "abc.def" not in str(bad.value)


def test_the_readme_invite_asks_for_exactly_the_permissions_the_bot_uses():
    import discord

    readme = (Path(__file__).parents[2] / "README.md").read_text()  # "Run on Discord"
    needed = discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        attach_files=True,
        use_application_commands=True,
    )
    assert f"permissions={needed.value}" in readme
    assert "scope=bot+applications.commands" in readme


def test_build_bot_wires_the_platform_for_the_scheduler(app: App, tmp_path: Path):
    bot = main.build_bot(app, sync_path=tmp_path / "c.json")
    assert isinstance(app.platform, DiscordPlatform) and app.platform.bot is bot
    assert bot.intents.value == 1
