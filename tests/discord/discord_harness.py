"""Run the real CohortBot against the fake Discord, and build INTERACTION_CREATE payloads.

Payloads start from the recorded JSON in ``payloads/`` and change only ids, the member
and the data, so discord.py parses the same shapes Discord sends.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.bot import CohortBot
from bot.bootstrap import App
from tests.discord.discord_fake_api import (
    APP_ID,
    COHORT_CHANNEL_ID,
    GUILD_ID,
    FakeDiscord,
    Recorded,
    load_payload,
)

MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    use_application_commands=True,
)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | discord.Permissions(manage_guild=True)
EPHEMERAL = 64
DEFERRED = 5

_ids = itertools.count(1160000000000500100)


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str

    def user_payload(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "username": self.name.lower(),
            "avatar": None,
            "discriminator": "0",
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "global_name": self.name,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }


ADA = Person("1160000000000001001", "Ada")
BO = Person("1160000000000001002", "Bo")
CY = Person("1160000000000001003", "Cy")


def _option(name: str, value: Any) -> dict[str, Any]:
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    person: Person = ADA,
    admin: bool = False,
    channel_id: str = COHORT_CHANNEL_ID,
    message: dict[str, Any] | None = None,
    template: str = "interaction_application_command",
) -> dict[str, Any]:
    """A full INTERACTION_CREATE ``d`` from the recorded template."""
    payload = load_payload(template)
    payload["id"] = str(next(_ids))
    payload["token"] = f"fake-token-{payload['id']}"
    payload["type"] = kind
    payload["data"] = data
    payload["channel_id"] = channel_id
    payload["channel"]["id"] = channel_id
    payload["member"]["user"] = person.user_payload()
    permissions = ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS
    payload["member"]["permissions"] = str(permissions.value)
    if message is not None:
        payload["message"] = message
    else:
        payload.pop("message", None)
    return payload


def dm_interaction(
    kind: int, data: dict[str, Any], *, person: Person = ADA, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The same interaction, clicked in the bot's DMs: no guild, a user instead of a member."""
    payload = interaction(kind, data, person=person, message=message)
    for key in ("guild_id", "guild", "guild_locale", "member"):
        payload.pop(key, None)
    payload["user"] = person.user_payload()
    dm_id = "9" + person.user_id[1:]
    payload["channel_id"] = dm_id
    payload["channel"] = {
        "id": dm_id,
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [person.user_payload()],
    }
    payload["context"] = 1
    payload["authorizing_integration_owners"] = {"0": GUILD_ID}
    return payload


def command_data(name: str, /, *path: str, **options: Any) -> dict[str, Any]:
    """``command_data("cohort", "join", track="finance")`` -> the ``data`` of a slash command."""
    leaf = [_option(k, v) for k, v in options.items() if v is not None]
    for sub in reversed(path):
        leaf = [{"name": sub, "type": 1 if sub == path[-1] else 2, "options": leaf}]
    return {"id": str(next(_ids)), "name": name, "type": 1, "guild_id": GUILD_ID, "options": leaf}


def prompt_message(
    components: list[dict[str, Any]],
    channel_id: str = COHORT_CHANNEL_ID,
) -> dict[str, Any]:
    """The message a button sits on, as Discord includes it in a component interaction."""
    message = load_payload("interaction_component")["message"]
    message["components"] = components
    message["channel_id"] = channel_id
    return message


def button_row(*custom_ids: str) -> list[dict[str, Any]]:
    return [
        {
            "type": 1,
            "components": [
                {
                    "type": 2,
                    "style": 2,
                    "label": cid.split(":")[1] if ":" in cid else cid,
                    "custom_id": cid,
                }
                for cid in custom_ids
            ],
        }
    ]


def modal_data(custom_id: str, values: dict[str, str]) -> dict[str, Any]:
    return {
        "custom_id": custom_id,
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ],
    }


class Harness:
    """One connected bot and its fake Discord, with helpers that speak in interactions."""

    def __init__(self, bot: CohortBot, fake: FakeDiscord, app: App) -> None:
        self.bot = bot
        self.fake = fake
        self.app = app

    async def send(
        self, payload: dict[str, Any], *, expect_callback: bool = True, timeout: float = 5.0
    ) -> Recorded | None:
        """Dispatch INTERACTION_CREATE; return the interaction callback the bot sent."""
        self.fake.remember_interaction(payload)
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        if not expect_callback:
            return None
        return await self.fake.wait_callback(payload["id"], timeout)

    async def ask(self, payload: dict[str, Any], timeout: float = 5.0) -> Recorded:
        """Dispatch and return what the person reads: the callback's message, or, after a
        deferred callback (type 5), the first follow-up that replaces "thinking…"."""
        callback = await self.send(payload, timeout=timeout)
        assert callback is not None
        if callback_type(callback) != DEFERRED:
            return callback
        return await self.fake.wait_followup(payload["token"], timeout)

    async def slash(
        self,
        command: str,
        /,
        *path: str,
        person: Person = ADA,
        admin: bool = False,
        channel_id: str = COHORT_CHANNEL_ID,
        **options: Any,
    ) -> Recorded:
        """Run a slash command; return the answer (see ``ask``)."""
        payload = interaction(
            2,
            command_data(command, *path, **options),
            person=person,
            admin=admin,
            channel_id=channel_id,
        )
        return await self.ask(payload)

    async def click(
        self,
        custom_id: str,
        *,
        person: Person = ADA,
        dm: bool = False,
        message: dict[str, Any] | None = None,
    ) -> Recorded:
        message = message or prompt_message(button_row(custom_id))
        data = {"custom_id": custom_id, "component_type": 2}
        payload = (
            dm_interaction(3, data, person=person, message=message)
            if dm
            else interaction(
                3, data, person=person, message=message, template="interaction_component"
            )
        )
        return await self.ask(payload)

    async def submit(
        self, custom_id: str, values: dict[str, str], *, person: Person = ADA, dm: bool = False
    ) -> Recorded:
        data = modal_data(custom_id, values)
        payload = (
            dm_interaction(5, data, person=person)
            if dm
            else interaction(5, data, person=person, template="interaction_modal_submit")
        )
        return await self.ask(payload)

    async def followups(self, payload_token: str, count: int = 1) -> list[Recorded]:
        return await self.fake.wait_request("POST", rf"/webhooks/{APP_ID}/{payload_token}", count)

    def channel_posts(self, channel_id: str = COHORT_CHANNEL_ID) -> list[Recorded]:
        return [
            r
            for r in self.fake.find("POST", rf"/channels/{channel_id}/messages")
            if r.status == 200
        ]

    async def start_cohort(self, person: Person = ADA, name: str = "Spring switchers") -> None:
        callback = await self.slash("cohort", "start", person=person, name=name)
        assert "Cohort started" in embed_text(callback), callback.json


def callback_type(record: Recorded) -> int | None:
    """The interaction callback type; None for a follow-up message."""
    return int(record.json["type"]) if "/callback" in record.path else None


def callback_data(record: Recorded) -> dict[str, Any]:
    return record.json.get("data") or {}


def is_ephemeral(record: Recorded) -> bool:
    """For a callback, a deferred callback, or a follow-up."""
    return bool((message_body(record).get("flags") or 0) & EPHEMERAL)


def message_body(record: Recorded) -> dict[str, Any]:
    """The message part of a callback, follow-up or channel post."""
    body = record.json or {}
    return (body.get("data") or {}) if "/callback" in record.path else body


def embed_text(record: Recorded) -> str:
    """Everything a person would read in a callback, follow-up or post, as one string."""
    body = message_body(record)
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f["name"], f["value"]]
        if embed.get("footer"):
            parts.append(embed["footer"].get("text") or "")
    return "\n".join(p for p in parts if p)


def custom_ids(record: Recorded) -> list[str]:
    body = message_body(record)
    found: list[str] = []

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if "custom_id" in component:
                found.append(component["custom_id"])
            walk(component.get("components") or [])
            if "component" in component:
                walk([component["component"]])

    walk(body.get("components") or [])
    return found


@asynccontextmanager
async def running_bot(
    app: App, *, bot_options: dict[str, Any] | None = None, fake: FakeDiscord | None = None
) -> AsyncIterator[Harness]:
    """Start the fake, point discord.py at it, log the real client in; undo it all after."""
    own_fake = fake is None
    fake = fake or FakeDiscord()
    if own_fake:
        await fake.start()
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = fake.api_base  # REST, interaction callbacks and webhooks all build on it
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    fake.identified.clear()
    options = {"guild_ready_timeout": 0.01, **(bot_options or {})}
    bot = CohortBot(core=app.core, settings=app.settings, **options)
    runner = asyncio.create_task(bot.start("fake-token"))
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, runner}, timeout=10, return_when=asyncio.FIRST_COMPLETED
        )
        if runner in done:
            runner.result()  # re-raise why the client stopped
        if ready not in done:
            ready.cancel()
            raise AssertionError("the bot did not become ready against the fake gateway")
        yield Harness(bot, fake, app)
    finally:
        await bot.close()
        try:
            await asyncio.wait_for(runner, 5)
        except (asyncio.CancelledError, Exception):  # shutting down: nothing left to report
            runner.cancel()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        if own_fake:
            await fake.stop()


def run_with_bot(
    app: App,
    scenario: Callable[[Harness], Awaitable[None]],
    *,
    timeout: float = 30.0,
    **kwargs: Any,
) -> None:
    """The sync entry for tests: a fresh event loop, a connected bot, the scenario, cleanup."""

    async def main() -> None:
        async with running_bot(app, **kwargs) as harness:
            await asyncio.wait_for(scenario(harness), timeout)

    asyncio.run(main())
