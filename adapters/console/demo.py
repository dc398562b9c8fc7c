"""``cohortbot demo``: a month in the life of a simulated cohort, offline, on SQLite.

A dozen members with different tracks, budgets and time zones live through
30 days on a virtual clock. They reach the core through the same commands a
Slack user would type, and the bot reaches them through the same schedule
decisions and outbox the real scheduler uses; the console adapter prints it.
"""

from __future__ import annotations

import random
import re
import sys
import time as walltime
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console.render import ConsolePlatform, one_line, render
from bot.bootstrap import bootstrap
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.errors import UsageError, UserError
from bot.read import reports
from bot.scheduling.delivery import Delivery, RateLimiter
from bot.scheduling.tick import enqueue_due
from bot.usecases import Core

START = date(2026, 3, 2)  # a Monday; the US and EU clock changes fall inside the month
TICK = timedelta(minutes=30)


@dataclass
class Persona:
    name: str
    timezone: str
    track: str
    budget: str
    diligence: float  # chance of checking in on a study day
    mix: tuple[float, float, float]  # share of hours: learning, building, networking
    goal: str
    quirk: str = ""


PEOPLE = [
    Persona(
        "Amara",
        "Africa/Lagos",
        "software_engineer",
        "part-time",
        0.92,
        (0.3, 0.55, 0.15),
        "finish fast.ai lesson 1-3 and notes",
    ),
    Persona(
        "Bruno",
        "America/Sao_Paulo",
        "data_analyst",
        "full-time",
        0.85,
        (0.5, 0.4, 0.1),
        "work through the scikit-learn chapter of Hands-On ML",
    ),
    Persona(
        "Chen",
        "Asia/Shanghai",
        "finance",
        "part-time",
        0.75,
        (0.6, 0.35, 0.05),
        "Python for data analysis, chapters 1-5",
        "late",
    ),
    Persona(
        "Dana",
        "America/New_York",
        "devops",
        "minimal",
        0.7,
        (0, 1, 0),
        "deploy a small model behind an API with CI",
    ),
    Persona(
        "Eitan",
        "Asia/Jerusalem",
        "product_manager",
        "part-time",
        0.8,
        (0.4, 0.3, 0.3),
        "Andrew Ng's AI for Everyone, all weeks",
    ),
    Persona(
        "Fatima",
        "Europe/London",
        "academic_researcher",
        "full-time",
        0.9,
        (0.55, 0.4, 0.05),
        "reproduce one paper's baseline in PyTorch",
    ),
    Persona(
        "Gustav",
        "Europe/Berlin",
        "physics_math",
        "part-time",
        0.55,
        (0.7, 0.3, 0),
        "the Deep Learning Specialization, course 1",
        "away",
    ),
    Persona(
        "Hana",
        "Asia/Tokyo",
        "ux_researcher",
        "part-time",
        0.8,
        (0.35, 0.45, 0.2),
        "a Kaggle notebook on survey sentiment",
    ),
    Persona(
        "Ines",
        "America/Los_Angeles",
        "junior_software_engineer",
        "full-time",
        0.88,
        (0.45, 0.45, 0.1),
        "build a RAG demo over my own notes",
    ),
    Persona(
        "Jomo",
        "Africa/Nairobi",
        "electrical_engineer",
        "minimal",
        0.6,
        (0, 1, 0),
        "keyword spotting on a microcontroller",
    ),
    Persona(
        "Kiri",
        "Pacific/Auckland",
        "cs_graduate",
        "part-time",
        0.3,
        (0.8, 0.2, 0),
        "CS229 lecture notes, first four",
        "drifts",
    ),
    Persona(
        "Lucia",
        "Asia/Kolkata",
        "other",
        "part-time",
        0.8,
        (0.5, 0.3, 0.2),
        "Google's ML crash course",
    ),
]


def actor_for(p: Persona) -> Actor:
    return Actor(
        platform="console",
        workspace_id="demo",
        channel_id="ai-career-cohort",
        user_id=p.name.lower(),
        display_name=p.name,
        timezone=p.timezone,
    )


DIDS = [
    "worked through a lesson and took notes",
    "cleaned the dataset and wrote two tests",
    "pushed the training script and a README",
    "read a paper section and summarised it",
    "had a coffee chat with an ML engineer",
    "fixed the data loader bug from yesterday",
    "tried a baseline model and logged the metrics",
    "drafted the first blog post outline",
]
NEXTS = [
    "try a second model",
    "write up the results",
    "ask the cohort about feature stores",
    "record a 90-second narrative",
    "polish the project README",
]


def _do(core: Core, actor: Actor, command: c.Command, out: TextIO, show: bool = True) -> None:
    try:
        reply = core.handle(command, actor)
    except UserError as exc:
        print(f"  ⚠ {actor.display_name}: {exc.message}", file=out)
        return
    if show:
        for post in reply.public:
            print(f"  #ai-career-cohort · {one_line(post)}", file=out)


# What the demo writes into --out, and so the only files it may replace there.
DEMO_DB = "demo.db"
_OWN_FILES = re.compile(r"demo\.db(-wal|-shm|-journal)?|cohort-\d{4}-W\d{2}\.png")


def _prepare_out_dir(out_dir: Path) -> Path:
    """Make ``out_dir`` ready and return the database path in it.

    The demo never deletes what it did not write: a folder holding anything but an
    earlier demo's files is refused, and of an earlier demo only its own files go.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    if out_dir.exists():
        foreign = sorted(
            p.name for p in out_dir.iterdir() if not (p.is_file() and _OWN_FILES.fullmatch(p.name))
        )
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise UsageError(
                f"--out {out_dir} already holds files the demo did not write ({shown}); "
                "choose a new or empty folder"
            )
        for p in out_dir.iterdir():
            p.unlink()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --out {out_dir}: {exc.strerror or exc}") from None
    return out_dir / DEMO_DB


def run_demo(
    out_dir: Path,
    days: int = 30,
    seed: int = 7,
    content_dir: Path | None = None,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    started = walltime.perf_counter()
    rng = random.Random(seed)
    if days < 1:
        raise UsageError(f"--days must be 1 or more, not {days}")
    db = _prepare_out_dir(out_dir)
    clock = FixedClock(datetime(START.year, START.month, START.day, 6, 0, tzinfo=UTC))
    platform = ConsolePlatform(out, compact=True, names={p.name.lower(): p.name for p in PEOPLE})
    app = bootstrap(
        settings=Settings(database_url=f"sqlite:///{db}", content_dir=content_dir),
        clock=clock,
        platform=platform,
    )
    core = app.core
    organiser = Actor(
        platform="console",
        workspace_id="demo",
        channel_id="ai-career-cohort",
        user_id="maya",
        display_name="Maya (organiser)",
        timezone="Europe/Berlin",
    )
    print("cohortbot demo — a simulated month of the 'AI Career Switchers' cohort\n", file=out)
    _do(core, organiser, c.StartCohort("AI Career Switchers"), out)
    _do(core, organiser, c.ChangeCohortSetting("prompt-time", "18:30"), out)
    _do(
        core,
        organiser,
        c.ChangeCohortSetting("rest-day", (START + timedelta(days=18)).isoformat()),
        out,
    )
    for p in PEOPLE:
        _do(core, actor_for(p), c.JoinCohort(p.track, p.budget), out)
        _do(core, actor_for(p), c.SetPlanGoal(1, p.goal), out)
    print(
        f"{len(PEOPLE)} members joined from {len({p.timezone for p in PEOPLE})} time zones; "
        "prompts at 18:30 each member's local time, Mon-Fri.\n",
        file=out,
    )

    # The virtual clock runs far faster than any platform limit, so the demo sends unthrottled.
    delivery = Delivery(
        core,
        app.uow,
        platform,
        clock,
        worker="demo",
        limiter=RateLimiter(global_per_second=1e9, channel_per_second=1e9),
    )
    answered: set[tuple[str, date]] = set()
    end = datetime(START.year, START.month, START.day, tzinfo=UTC) + timedelta(days=days)
    day_shown: date | None = None
    while clock.now() < end:
        now = clock.now()
        cohort_day = now.date()
        if cohort_day != day_shown:
            day_shown = cohort_day
            n = (cohort_day - START).days + 1
            print(f"— Day {n} · {cohort_day:%a %d %b} " + "—" * 40, file=out)
            _events_of_the_day(core, rng, n, out)
        with app.engine.begin() as conn:
            enqueue_due(conn, now)
        seen = len(platform.sent)
        delivery.drain()
        # Members answer the prompt they just got, some of them. Only this tick's messages:
        # re-reading older ones made members "answer" yesterday's prompt at local midnight.
        for dest, message in platform.sent[seen:]:
            if not dest.user_id:
                continue
            p = next(x for x in PEOPLE if x.name.lower() == dest.user_id)
            local = now.astimezone(ZoneInfo(p.timezone)).date()
            if (p.name, local) in answered or message.title not in (
                "Check-in time",
                "New sprint",
                "Mid-week hours",
                "Weekly review",
                "We miss you",
            ):
                continue
            answered.add((p.name, local))
            _member_day(
                core,
                rng,
                p,
                local,
                out,
                # Nothing to be late for on the first day (entries before joining are refused).
                late_ok=local > START and (p.name, local - timedelta(days=1)) not in answered,
            )
        clock.advance(TICK)

    print("\n" + "=" * 72, file=out)
    saved = _summary(core, organiser, clock.now(), out_dir, out) + f"Database: {db}"
    elapsed = walltime.perf_counter() - started
    sent = len(platform.sent)
    span = "1 day" if days == 1 else f"{days} days"
    print(
        f"\n{sent} messages delivered over {span} in {elapsed:.1f} s. {saved}",
        file=out,
    )
    return 0


def _summary(core: Core, organiser: Actor, now: datetime, out_dir: Path, out: TextIO) -> str:
    """The organiser's ``/cohort summary`` of the last full week, through the core as on any
    platform (its first week if it has not lived through one yet); the chart saved."""
    last_week = reports.SummaryWeek.of(ZoneInfo(organiser.timezone or "UTC"), now, 1)
    weeks_back = 1 if last_week.last >= START else 0
    message = core.handle(c.ShowSummary(weeks_back=weeks_back), organiser).message
    print(render(message, indent=""), file=out)
    if message.image is None:
        return ""
    chart = out_dir / message.image.filename
    chart.write_bytes(message.image.content)
    return f"Chart: {chart}  "


def _events_of_the_day(core: Core, rng: random.Random, n: int, out: TextIO) -> None:
    """The story beats that are not check-ins: plan weeks done, time away, settings."""
    for p in PEOPLE:
        a = actor_for(p)
        if n in (7, 14, 21, 28) and rng.random() < p.diligence:
            week = n // 7
            if week < 4:
                _do(
                    core, a, c.SetPlanGoal(week + 1, f"{p.goal} — part {week + 1}"), out, show=False
                )
            _do(core, a, c.MarkPlanDone(week), out)
    gustav = actor_for(PEOPLE[6])
    if n == 10:
        print("  (Gustav goes away for 5 days)", file=out)
        _do(core, gustav, c.SetAway(days=5), out)
    if n == 3:
        _do(core, actor_for(PEOPLE[9]), c.ChangeMySetting("quiet-hours", "18:00-20:00"), out)


def _member_day(
    core: Core, rng: random.Random, p: Persona, local: date, out: TextIO, late_ok: bool
) -> None:
    a = actor_for(p)
    if p.quirk == "drifts" and (local - START).days >= 10:
        return
    if rng.random() > p.diligence:
        return
    when: int = 0
    if p.quirk == "late" and late_ok and rng.random() < 0.5:
        when = 1  # Chen often checks in the morning after
    mood = rng.randint(2, 5)
    _do(core, a, c.CheckIn(did=rng.choice(DIDS), next=rng.choice(NEXTS), mood=mood, when=when), out)
    budget = core.content.budgets[p.budget]
    daily = budget.hours_per_week * 60 / 5
    for cat, share in zip(("learning", "building", "networking"), p.mix, strict=True):
        minutes = round(daily * share * rng.uniform(0.5, 1.3) / 15) * 15
        if minutes > 0:
            _do(core, a, c.LogHours(min(minutes, 960), cat, when=when), out, show=False)
