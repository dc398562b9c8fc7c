"""Start-up: minimal intents, command sync only when the command set changed, config errors."""

from __future__ import annotations

import asyncio
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
from tests.discord.discord_fake_api import APP_ID, GUILD_ID, FakeDiscord
from tests.discord.discord_harness import Harness, embed_text, run_with_bot, running_bot

GLOBAL = rf"/applications/{APP_ID}/commands"
GUILD = rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"


async def synced(h: Harness, timeout: float = 5.0) -> None:
    """Wait for the command sync that runs beside the bot to finish."""
    assert h.bot.sync_task is not None
    await asyncio.wait_for(asyncio.shield(h.bot.sync_task), timeout)


def sync_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "adapters.discord.sync"]


def test_a_rate_limited_sync_serves_with_the_registered_commands(app, tmp_path, caplog):
    store = tmp_path / "commands.json"

    async def scenario(h: Harness) -> None:
        answer = await h.slash("help")  # served while the sync waits
        assert "/checkin" in embed_text(answer)
        [refused] = await h.fake.wait_request("PUT", GLOBAL)
        assert refused.status == 429
        assert h.bot.sync_task is not None and not h.bot.sync_task.done()  # will try again

    for start in range(2):  # a restart within the minute does not ask Discord again
        fake_429 = FakeDiscord()

        async def run(fake: FakeDiscord = fake_429, again: bool = start > 0) -> None:
            await fake.start()
            fake.rate_limit("PUT", GLOBAL, retry_after=60)
            try:
                async with running_bot(
                    app, fake=fake, bot_options={"sync_store": CommandSync(store)}
                ) as h:
                    if again:
                        await asyncio.sleep(0.3)
                        assert not fake.find("PUT", GLOBAL)
                        return
                    await asyncio.wait_for(scenario(h), 10)
            finally:
                await fake.stop()

        with caplog.at_level("INFO", logger="adapters.discord.sync"):
            asyncio.run(run())
    saved = json.loads(store.read_text())
    assert f"{APP_ID}:global" not in saved  # not synced, so not remembered as synced
    warnings = [m for m in sync_warnings(caplog) if "could not sync" in m]
    assert len(warnings) == 1 and "rate limited for 60 s" in warnings[0]


def test_a_short_rate_limit_is_waited_out_beside_the_bot_not_before_it_serves(app, tmp_path):
    store = tmp_path / "commands.json"

    async def scenario(h: Harness) -> None:
        assert not [p for p in h.fake.find("PUT", GLOBAL) if p.status == 200]
        answer = await h.slash("help")
        assert "/checkin" in embed_text(answer)
        await synced(h)
        assert [p.status for p in h.fake.find("PUT", GLOBAL)] == [429, 200]

    fake = FakeDiscord()

    async def run() -> None:
        await fake.start()
        fake.rate_limit("PUT", GLOBAL, retry_after=1.5)
        try:
            async with running_bot(
                app, fake=fake, bot_options={"sync_store": CommandSync(store)}
            ) as h:
                await asyncio.wait_for(scenario(h), 10)
        finally:
            await fake.stop()

    asyncio.run(run())
    assert f"{APP_ID}:global" in json.loads(store.read_text())


def test_a_refused_sync_is_logged_once_and_retried_with_backoff(app, tmp_path, caplog):
    store = tmp_path / "commands.json"

    async def scenario(h: Harness) -> None:
        answer = await h.slash("help")
        assert "/checkin" in embed_text(answer)
        await synced(h)
        assert [p.status for p in h.fake.find("PUT", GUILD)] == [403, 200]

    fake = FakeDiscord()

    async def run() -> None:
        await fake.start()
        fake.fail("PUT", GUILD, 403, {"message": "Missing Access", "code": 50001})
        sync = CommandSync(store, guild_id=int(GUILD_ID), backoff=0.2)
        try:
            async with running_bot(app, fake=fake, bot_options={"sync_store": sync}) as h:
                await asyncio.wait_for(scenario(h), 10)
        finally:
            await fake.stop()

    with caplog.at_level("INFO", logger="adapters.discord.sync"):
        asyncio.run(run())
    [warning] = [m for m in sync_warnings(caplog) if "could not sync" in m]
    assert "403 50001" in warning and "\n" not in warning
    saved = json.loads(store.read_text())
    assert list(saved) == [f"{APP_ID}:{GUILD_ID}"]  # the retry mark is gone after success


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
        await synced(h)
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
        await synced(h)
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
