"""How fast does the Discord adapter answer? ``python bench/discord_ack.py [--n 1000]``.

Runs the real CohortBot (discord.py client, command tree, core, SQLite) against the fake
Discord from ``tests/discord`` on loopback, and sends N ``/checkin text:`` interactions
(from N members) interleaved with N calls of a bare discord.py command that only answers
"ok". For each, it measures the time from sending INTERACTION_CREATE on the gateway to
the fake receiving the interaction callback (and, when the callback is a defer, to the
follow-up with the answer), and prints p50/p90/p99 and the ratio. It runs twice: with
the default acknowledge-first behaviour, and with ``ack_deadline=2`` (answer directly).
Targets: check-in p99 < 100 ms, and check-in p50 at most 2x the bare command's p50.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "discord")]

import discord  # noqa: E402
import yarl  # noqa: E402
from discord import app_commands  # noqa: E402
from discord.gateway import DiscordWebSocket  # noqa: E402
from discord.http import Route  # noqa: E402
from discord_fake_api import FakeDiscord  # noqa: E402
from discord_harness import Person, command_data, interaction  # noqa: E402

from adapters.discord.bot import CohortBot  # noqa: E402
from bot.bootstrap import bootstrap  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain import commands as c  # noqa: E402
from bot.domain.actor import Actor  # noqa: E402

WARMUP = 50
TIMEOUT = 10.0  # per interaction; the whole run is bounded by n * this


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def person(i: int) -> Person:
    return Person(str(1170000000000000000 + i), f"member{i}")


async def measure(fake: FakeDiscord, payload: dict[str, object]) -> tuple[float, float]:
    """(ms to the interaction callback, ms to the answer the person reads)."""
    fake.remember_interaction(payload)
    sent = time.perf_counter()
    await fake.dispatch("INTERACTION_CREATE", payload)
    callback = await fake.wait_callback(str(payload["id"]), TIMEOUT)
    kind = callback.json.get("type")
    if kind == 4:
        answer = callback
    elif kind == 5:  # deferred: the answer is the follow-up
        answer = await fake.wait_followup(str(payload["token"]), TIMEOUT)
    else:
        raise SystemExit(f"unexpected callback: {callback.json}")
    return (callback.at - sent) * 1000, (answer.at - sent) * 1000


async def run(n: int, db_dir: Path, ack_deadline: float) -> dict[str, list[float]]:
    """N interleaved bare/check-in pairs through one bot on a fresh SQLite database."""
    settings = Settings(database_url=f"sqlite:///{db_dir / f'bench-{ack_deadline}.db'}")
    app = bootstrap(settings=settings, clock=FixedClock(datetime(2026, 11, 30, 10, tzinfo=UTC)))
    guild = "1160000000000000100"
    channel = "1160000000000000200"
    app.core.handle(
        c.StartCohort("Bench cohort"), Actor("discord", guild, channel, person(0).user_id, "admin")
    )
    for i in range(1, n + WARMUP + 1):  # members join first; the check-in is what is timed
        app.core.handle(
            c.JoinCohort(), Actor("discord", guild, channel, person(i).user_id, f"member{i}")
        )

    fake = FakeDiscord()
    await fake.start()
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    bot = CohortBot(
        core=app.core, settings=settings, guild_ready_timeout=0.01, ack_deadline=ack_deadline
    )

    @app_commands.command(name="bare", description="answers ok")
    async def bare(interaction_: discord.Interaction) -> None:
        await interaction_.response.send_message("ok", ephemeral=True)

    bot.tree.add_command(bare)
    runner = asyncio.create_task(bot.start("bench-token"))
    results: dict[str, list[float]] = {"bare": [], "callback": [], "answer": []}
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        for i in range(1, n + WARMUP + 1):
            who = person(i)
            ok = interaction(2, command_data("bare"), person=who)
            checkin = interaction(
                2,
                command_data(
                    "checkin",
                    text=f"finished lesson {i} | next: lesson {i + 1} | hours: 1h learning",
                ),
                person=who,
            )
            bare_ms, _ = await measure(fake, ok)
            callback_ms, answer_ms = await measure(fake, checkin)
            # Let the public cards go out before the next pair, so runs do not overlap.
            await bot.wait_idle(TIMEOUT)
            if i > WARMUP:
                results["bare"].append(bare_ms)
                results["callback"].append(callback_ms)
                results["answer"].append(answer_ms)
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 5)
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        await fake.stop()
        app.engine.dispose()
    return results


def row(label: str, values: list[float]) -> str:
    return (
        f"| {label} | {len(values)} | {statistics.median(values):.2f} | "
        f"{percentile(values, 90):.2f} | {percentile(values, 99):.2f} | {max(values):.2f} |"
    )


def table(ack_first: dict[str, list[float]], direct: dict[str, list[float]]) -> str:
    rows = [
        "| what (SQLite, loopback) | n | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
        row("bare discord.py command answering 'ok' (callback)", ack_first["bare"]),
        row("/checkin text:, default ack-first: callback (defer)", ack_first["callback"]),
        row("/checkin text:, default ack-first: answer (follow-up)", ack_first["answer"]),
        row("bare 'ok', second run (callback)", direct["bare"]),
        row("/checkin text:, ack_deadline=2 s: callback = answer", direct["callback"]),
    ]
    bare_p50 = statistics.median(ack_first["bare"])
    p99 = percentile(ack_first["callback"], 99)
    ratio = statistics.median(ack_first["callback"]) / bare_p50
    direct_ratio = statistics.median(direct["callback"]) / statistics.median(direct["bare"])
    rows += [
        "",
        f"default: check-in callback p99 {p99:.1f} ms (target < 100 ms): "
        f"{'PASS' if p99 < 100 else 'FAIL'}",
        f"default: check-in callback p50 / bare p50 = {ratio:.2f}x (target <= 2x): "
        f"{'PASS' if ratio <= 2 else 'FAIL'}",
        f"default: check-in answer p99 {percentile(ack_first['answer'], 99):.1f} ms",
        f"ack_deadline=2 s: check-in p50 / bare p50 = {direct_ratio:.2f}x, p99 "
        f"{percentile(direct['callback'], 99):.1f} ms",
    ]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="interactions of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ack_first = asyncio.run(run(args.n, Path(tmp), ack_deadline=0.0))
        direct = asyncio.run(run(args.n, Path(tmp), ack_deadline=2.0))
    print(table(ack_first, direct))
    return 0


if __name__ == "__main__":
    sys.exit(main())
