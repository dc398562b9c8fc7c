"""The ``cohortbot`` command line: demo, console, tick, report, export, db and content tools.

Every subcommand turns bad configuration into one clear line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy import func, select

from bot import plugins
from bot.clock import FixedClock
from bot.config import Settings
from bot.content import ContentError, default_content_dir, describe, load_content, validate_content
from bot.logs import configure as configure_logging
from bot.storage.db import DatabaseUnavailable, slow_work

if TYPE_CHECKING:
    from bot.bootstrap import App
    from bot.ports import Platform

log = logging.getLogger("cohortbot")


class ConfigError(Exception):
    """Bad configuration or arguments, reported as one line."""


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"bad setting {where}: {first['msg']}") from None


def _app(settings: Settings, **kwargs):  # type: ignore[no-untyped-def]
    from bot.bootstrap import bootstrap

    return bootstrap(settings=settings, **kwargs)


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.domain.errors import UserError

    try:
        return int(
            plugins.adapter("console").demo(  # type: ignore[attr-defined]
                out_dir=Path(args.out),
                days=args.days,
                seed=args.seed,
                content_dir=_settings().content_dir,
            )
        )
    except UserError as exc:  # a folder it may not write into, a --days it cannot run
        raise ConfigError(exc.message) from None


def cmd_console(args: argparse.Namespace) -> int:
    from bot.domain.calendar import zone
    from bot.domain.errors import UserError

    if not args.user.strip():
        raise ConfigError("--user needs a name, e.g. --user Ana")
    if args.timezone is not None:
        try:
            args.timezone = zone(args.timezone).key  # the canonical spelling
        except UserError as exc:
            raise ConfigError(
                f"--timezone: {exc.message} Use an IANA name, e.g. Europe/Berlin."
            ) from None
    app = _app(_settings())
    return plugins.adapter("console").serve(
        app,
        on_ready=lambda platform: None,  # the console has no scheduler; `tick` previews one
        user=args.user,
        cohort=args.cohort,
        files_dir=Path(args.files),
        timezone=args.timezone,
    )


def cmd_db(args: argparse.Namespace) -> int:
    from bot.storage.db import current_revision, make_engine, upgrade

    settings = _settings()
    engine = make_engine(
        settings.database_url,
        timeout=settings.db_timeout_seconds,
        slow_timeout=settings.db_slow_timeout_seconds,
    )
    upgrade(engine)
    print(f"database is at revision {current_revision(engine)}")
    return 0


def cmd_content(args: argparse.Namespace) -> int:
    directory = Path(args.dir) if args.dir else (_settings().content_dir or default_content_dir())
    problems = validate_content(directory)
    for p in problems:
        print(p)
    if problems:
        many = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {many} in {directory}", file=sys.stderr)
        return 1
    print(f"content in {directory} is valid")
    for line in describe(load_content(directory)):
        print("  " + line)
    return 0


def _parse_moment(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--at {text!r} is not an ISO-8601 moment, e.g. 2026-12-01T09:00+01:00"
        ) from None
    if moment.tzinfo is None:
        raise ConfigError("--at needs a UTC offset, e.g. 2026-12-01T09:00Z or +01:00")
    return moment.astimezone(UTC)


def _delivering_platform(app: App, name: str | None) -> tuple[str, AbstractContextManager]:
    adapter = plugins.adapter(name) if name else plugins.configured(app.settings)
    return adapter.name, adapter.platform(app)


def cmd_tick(args: argparse.Namespace) -> int:
    from bot.scheduling.delivery import Delivery
    from bot.scheduling.tick import enqueue_due

    settings = _settings()
    moment = _parse_moment(args.at)
    app = _app(settings, clock=FixedClock(moment))
    name, opened = _delivering_platform(app, args.platform)
    with app.engine.begin() as conn:
        result = enqueue_due(conn, moment, grace=timedelta(minutes=settings.grace_minutes))
    with opened as platform:
        # Each platform sends only its own cohorts' rows; the rest wait for their worker.
        stats = Delivery(
            app.core, app.uow, platform, app.clock, worker=f"tick:{os.getpid()}", platforms=(name,)
        ).drain()
    print(
        f"tick at {moment:%Y-%m-%d %H:%M} UTC: {result.due} due, {result.queued} queued; "
        f"{name}: {stats.sent} sent, {stats.skipped} skipped, {stats.deferred} deferred, "
        f"{stats.retried} to retry, {stats.failed} failed"
    )
    return 0


def _runtime(app: App, platform: Platform, name: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bot.scheduling.runtime import SchedulerRuntime

    return SchedulerRuntime(
        app,
        platform,
        tick_seconds=args.tick_seconds,
        delivery_seconds=args.delivery_seconds,
        platforms=(name,),
    )


def _stop_on_sigterm() -> None:
    """Platforms stop a process with SIGTERM, then SIGKILL after a grace period: treat it
    as Ctrl-C, so the server stops taking requests and the scheduler finishes the job in
    hand instead of dying between a send and its record."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def cmd_scheduler(args: argparse.Namespace) -> int:
    from bot.bootstrap import limit_malloc_arenas
    from bot.scheduling.runtime import SchedulerConflict

    limit_malloc_arenas()
    _stop_on_sigterm()
    app = _app(_settings())
    name, opened = _delivering_platform(app, args.platform)
    with opened as platform:
        runtime = _runtime(app, platform, name, args)
        try:
            runtime.start(blocking=True)
        except SchedulerConflict as exc:
            raise ConfigError(str(exc)) from None
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            runtime.shutdown()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.bootstrap import limit_malloc_arenas
    from bot.scheduling.runtime import SchedulerConflict

    limit_malloc_arenas()
    _stop_on_sigterm()
    app = _app(_settings())
    adapter = plugins.adapter(args.platform)
    runtimes = []

    def start_scheduler(platform: Platform) -> None:
        if args.no_scheduler:
            return
        runtime = _runtime(app, platform, adapter.name, args)
        try:
            runtime.start()
        except SchedulerConflict as exc:
            raise ConfigError(str(exc)) from None
        runtimes.append(runtime)

    try:
        return adapter.serve(app, on_ready=start_scheduler, http=args.http)
    finally:
        for runtime in runtimes:
            runtime.shutdown()


def _find_cohort(session, text: str):  # type: ignore[no-untyped-def]
    """The cohort named (case-insensitively) or numbered ``text``, or a one-line error."""
    from bot.storage.orm import Cohort

    query = select(Cohort)
    if text.isdigit():
        query = query.where(Cohort.id == int(text))
    else:
        query = query.where(func.lower(Cohort.name) == text.lower())
    found = session.scalars(query).all()
    if not found:
        names = ", ".join(sorted(c.name for c in session.scalars(select(Cohort)))) or "none yet"
        raise ConfigError(f"no cohort named {text!r} (cohorts: {names})")
    if len(found) > 1:
        raise ConfigError(
            f"{len(found)} cohorts are named {text!r}; use the id: "
            + ", ".join(str(c.id) for c in found)
        )
    return found[0]


def cmd_report(args: argparse.Namespace) -> int:
    from bot.read import reports

    app = _app(_settings())
    now = app.clock.now()
    with app.uow() as session:
        cohort = _find_cohort(session, args.cohort)
        if (why := reports.no_such_week(cohort, now, args.week)) is not None:
            raise ConfigError(why)
        data = reports.cohort_summary(session, cohort, now, app.content, weeks_back=args.week)
    message = reports.summary_message(data, chart=bool(data.lines))
    print(message.plain())
    if message.image is not None:
        path = Path(args.chart or message.image.filename)
        path.write_bytes(message.image.content)
        print(f"chart written to {path}")
    return 0


def _date(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{flag} {text!r} is not a date; use YYYY-MM-DD") from None


def cmd_export(args: argparse.Namespace) -> int:
    """Four CSV files of a cohort's data (columns: see ``bot.read.export``), streamed to disk."""
    from bot.read import export

    since, until = _date(args.since, "--from"), _date(args.until, "--to")
    if since and until and since > until:
        raise ConfigError(f"--from {since} is after --to {until}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file, not a folder")
    app = _app(_settings())
    with app.uow() as session:
        cohort = _find_cohort(session, args.cohort)
        try:
            counts = export.write_cohort_csvs(session, cohort, out, since=since, until=until)
        except OSError as exc:
            raise ConfigError(f"cannot write to {out}: {exc.strerror or exc}") from None
    for name, n in counts.items():
        print(f"{out / name}: {n} row{'s' if n != 1 else ''}")
    return 0


def cmd_export_member(args: argparse.Namespace) -> int:
    """One member's own data as JSON, private check-in words included: it is theirs."""
    from bot.read import export

    app = _app(_settings())
    with app.uow() as session:
        cohort = _find_cohort(session, args.cohort)
        data = export.member_data(session, cohort, args.user_id)
        if data is None:
            raise ConfigError(f"no member {args.user_id!r} in cohort {cohort.name!r}")
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        print(f"{args.out}: data of {args.user_id} in {cohort.name}")
    else:
        print(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cohortbot",
        description="cohortbot: the demo, a terminal console, the scheduler, reports, exports, "
        "and database and content tools. Bad configuration is reported in one clear line "
        "and a non-zero exit.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="an offline simulated cohort: a month in under a minute")
    d.add_argument("--out", default="cohortbot-demo", help="folder for the database and chart")
    d.add_argument("--days", type=int, default=30)
    d.add_argument("--seed", type=int, default=7)
    d.set_defaults(func=cmd_demo)

    c = sub.add_parser("console", help="chat with the bot in the terminal")
    c.add_argument("--user", default="you")
    c.add_argument("--cohort", default="console-cohort")
    c.add_argument("--timezone", default=None, help="your IANA time zone (default: the cohort's)")
    c.add_argument("--files", default=".", help="where charts and exports are saved")
    c.set_defaults(func=cmd_console)

    db = sub.add_parser("db", help="database tools")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)

    ct = sub.add_parser("content", help="content tools")
    ct.add_argument("action", choices=["validate"])
    ct.add_argument("dir", nargs="?", help="content folder (default: $CONTENT_DIR or shipped)")
    ct.set_defaults(func=cmd_content)

    t = sub.add_parser("tick", help="run one scheduler tick now or at --at")
    t.add_argument("--at", help="ISO-8601 moment with offset, e.g. 2026-12-01T09:00+01:00")
    t.add_argument(
        "--platform",
        choices=["console", "slack", "discord"],
        help="deliver through (default: the configured one, else print)",
    )
    t.set_defaults(func=cmd_tick)

    platforms = ["console", "slack", "discord"]
    timing = argparse.ArgumentParser(add_help=False)
    timing.add_argument("--tick-seconds", type=float, default=60.0)
    timing.add_argument("--delivery-seconds", type=float, default=5.0)

    sc = sub.add_parser(
        "scheduler", parents=[timing], help="the tick and delivery loop as its own process"
    )
    sc.add_argument(
        "--platform",
        choices=platforms,
        help="deliver through (default: the configured one, else print)",
    )
    sc.set_defaults(func=cmd_scheduler)

    rn = sub.add_parser(
        "run", parents=[timing], help="run the bot on a platform, with the scheduler inside"
    )
    rn.add_argument("platform", choices=["slack", "discord"])
    rn.add_argument(
        "--http",
        action="store_true",
        help="Slack: serve POST /slack/events on $PORT instead of Socket Mode",
    )
    rn.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not tick here (a separate `cohortbot scheduler` does)",
    )
    rn.set_defaults(func=cmd_run)

    r = sub.add_parser("report", help="a cohort's summary in the terminal, chart to a file")
    r.add_argument("cohort", help="the cohort's name or id")
    r.add_argument("--week", type=int, default=0, help="weeks back (0 = this week)")
    r.add_argument("--chart", help="chart file (default: cohort-<week>.png)")
    r.set_defaults(func=cmd_report)

    e = sub.add_parser(
        "export", help="a cohort's data as four CSV files: check-ins, hours, plan and milestones"
    )
    e.add_argument("cohort", help="the cohort's name or id")
    e.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="first local date")
    e.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help="last local date")
    e.add_argument("--out", default=".", help="folder for the files (default: here)")
    e.set_defaults(func=cmd_export)

    em = sub.add_parser("export-member", help="one member's own data as JSON")
    em.add_argument("cohort", help="the cohort's name or id")
    em.add_argument("user_id", help="the member's platform user id")
    em.add_argument("--out", help="JSON file (default: print)")
    em.set_defaults(func=cmd_export_member)
    return p


def _stdout_closed() -> bool:
    """Whether nobody reads our standard output any more (the reader end of a pipe closed)."""
    import select

    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):
        return False
    if not hasattr(select, "poll"):
        return True  # cannot tell: a broken pipe at the top is almost always stdout
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


_SLOW_COMMANDS = (cmd_demo, cmd_db, cmd_tick, cmd_report, cmd_export, cmd_export_member)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <pid>`: every thread's stack on stderr
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    level = getattr(logging, os.environ.get("LOG_LEVEL", "WARNING").upper(), logging.WARNING)
    # JSON lines, tokens and passwords masked; libraries' DEBUG (request bodies) only when
    # LOG_LEVEL_LIBRARIES asks for it.
    configure_logging(level, libraries=os.environ.get("LOG_LEVEL_LIBRARIES") or None)
    # One-off jobs (reports, exports, a tick, the demo) have the slow database bound;
    # `run` and `console` answer people, so theirs is the interactive one.
    bound = slow_work() if args.func in _SLOW_COMMANDS else contextlib.nullcontext()
    try:
        with bound:
            code = int(args.func(args))
        sys.stdout.flush()  # here, not at exit, where a closed pipe can only print a traceback
        return code
    except BrokenPipeError:
        if not _stdout_closed():
            raise  # a socket, not the reader of our output: a real failure
        # `cohortbot report 1 | head -5`: the reader has all it wanted. Exit as a
        # command killed by SIGPIPE would, without a traceback.
        _discard_stdout()
        return 128 + 13
    except (ConfigError, DatabaseUnavailable, plugins.AdapterMissing) as exc:
        print(f"cohortbot: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        first = exc.problems[0] if exc.problems else "unknown problem"
        print(
            f"cohortbot: invalid content ({len(exc.problems)} "
            + ("problem" if len(exc.problems) == 1 else "problems")
            + f"); first: {first}. "
            "Run `cohortbot content validate` for all.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # `python -m bot.cli` runs this file as __main__, a second copy of the module: run the
    # imported one, whose ConfigError is the class the adapters raise.
    from bot import cli

    sys.exit(cli.main())
