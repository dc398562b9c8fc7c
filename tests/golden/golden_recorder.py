"""Record what cohortbot says, through every way in, as plain text for golden files.

Everything that touches the project's code is in this one module: when modules move,
only the imports in the block below change. Each ``record_*`` function builds a fresh
world (SQLite in a temporary directory, the clock fixed at :data:`MOMENT`), feeds it
input through one way in and returns a transcript: one ``### <id> <input>`` block per
input, followed by what the bot sent back.

Volatile details are normalised, never real text: temporary paths, ports, Slack ``ts``
values, trigger ids, file ids, Discord message ids and nonces, the elapsed seconds. Invisible
and control characters are shown as escapes (``\\u200b``) so a diff shows them; long
lines are run-length encoded (``⟪z×4000⟫``) and, if still long, elided with a hash, so
any change still shows.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.console.repl import run as console_run
from bot.bootstrap import App, bootstrap
from bot.clock import FixedClock
from bot.commands import HELP_TOPICS
from bot.config import Settings

# -- the project's code and its test harnesses: the only imports to update ---------------
from tests.discord.discord_fake_api import COHORT_CHANNEL_ID, GUILD_ID
from tests.discord.discord_harness import (
    ADA,
    Harness,
    Person,
    command_data,
    interaction,
    message_body,
    run_with_bot,
)
from tests.reliability.rel_corpus import Entry, load
from tests.reliability.test_corpus_core import KNOWN_BUGS
from tests.reliability.test_corpus_discord import person as corpus_person
from tests.reliability.test_corpus_slack import _slack_escape as slack_escape
from tests.slack.slack_fake_api import Call, FakeSlackAPI
from tests.slack.slack_rig import serving

# ----------------------------------------------------------------------------------------

# A Wednesday morning, UTC: every world starts here and the clock never moves.
MOMENT = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
DEMO_DAYS = 30
UNKNOWN_TOPIC = "frobnicate"

# The scripted session: the main flows with valid input, as typed on Slack and the console
# (Discord gets the same lines in its own command forms, see ``discord_form``).
SESSION = (
    "/help",
    "/cohort start",
    "/cohort join data_analyst part-time",
    "/checkin finished lesson 4 | next: lesson 5 | hours: 1h learning",
    "/checkin edit better text",
    "/checkin",
    "/hours 90m building fixed tests",
    "/hours 45m networking coffee chat with an ML engineer",
    "/hours undo",
    "/plan",
    "/plan set 1 finish the fast.ai course",
    "/plan done 1",
    "/plan project 1",
    "/sprint",
    "/sprint goal write README",
    "/sprint done 1",
    "/progress",
    "/cohort me",
    "/cohort me timezone Europe/Berlin",
    "/cohort me away 3 days",
    "/cohort me away off",
    "/cohort summary",
    "/cohort summary last",
    "/cohort settings prompt-time 18:30",
    "/cohort export",
    "/cohort forget-me",
    "/cohort forget-me confirm",
)


def corpus() -> list[Entry]:
    """Every entry of tests/corpus/commands.yaml, known bugs included."""
    return load()


def help_lines() -> list[str]:
    return ["/help", *(f"/help {topic}" for topic in HELP_TOPICS), f"/help {UNKNOWN_TOPIC}"]


def new_app(directory: Path) -> App:
    """A fresh, migrated SQLite world whose clock stands still at :data:`MOMENT`."""
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{directory / 'golden.db'}"
    return bootstrap(
        settings=Settings(database_url=url, content_dir=None), clock=FixedClock(MOMENT)
    )


# -- text that reads well in a diff --------------------------------------------------------

_ESCAPES = {"\t": "\\t", "\r": "\\r", "\\": "\\\\"}
_HIDDEN = ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")
_RUN = re.compile(r"(.)\1{19,}", re.DOTALL)
RLE_OPEN, RLE_CLOSE = "⟪", "⟫"
LONG_LINE = 300
MAX_LINE = 6000


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def visible(text: str) -> str:
    """Plain text with every control, format or invisible character (and backslash) escaped;
    newlines stay newlines."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in _HIDDEN or ch in (RLE_OPEN, RLE_CLOSE):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def json_text(value: Any) -> str:
    """Sorted, indented JSON; invisible characters as JSON escapes (still valid JSON)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return "".join(
        f"\\u{ord(ch):04x}"
        if ch != "\n"
        and ord(ch) < 0x10000
        and (unicodedata.category(ch) in _HIDDEN or ch in (RLE_OPEN, RLE_CLOSE))
        else ch
        for ch in text
    )


def _fold_line(line: str) -> str:
    if len(line) <= LONG_LINE:
        return line
    line = _rle(line)
    if len(line) <= MAX_LINE:
        return line
    digest = hashlib.sha256(line.encode()).hexdigest()[:16]
    return f"{line[:200]}… [{len(line)} chars, sha256 {digest}]"


def fold(text: str) -> str:
    """Long lines made short without losing any change: runs, then a hash."""
    return "\n".join(_fold_line(line) for line in text.split("\n"))


def _rle(text: str) -> str:
    return _RUN.sub(lambda m: f"{RLE_OPEN}{m.group(1)}×{len(m.group(0))}{RLE_CLOSE}", text)


def show_input(line: str) -> str:
    """A typed line on one line: escaped, long runs shortened, the rest cut with a hash."""
    shown = visible(line).replace("\n", "\\n")
    if not line or line != line.strip():
        shown = f'"{shown}"'  # so that leading and trailing spaces show
    if len(shown) > 160:
        shown = _rle(shown)
    if len(shown) <= 200:
        return shown
    digest = hashlib.sha256(line.encode()).hexdigest()[:16]
    return f"{shown[:120]}… [{len(line)} chars, sha256 {digest}]"


class Transcript:
    def __init__(self, title: str, note: str = "") -> None:
        self.parts = [f"# {title}"]
        if note:
            self.parts.append(note)
        self.parts.append("")

    def block(self, label: str, line: str, output: str) -> None:
        self.parts.append(f"### {label} {show_input(line)}".rstrip())
        self.parts.append(output.rstrip("\n"))
        self.parts.append("")

    def text(self) -> str:
        return fold("\n".join(self.parts).rstrip("\n") + "\n")


def numbered(lines: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f"{n:02d}", line) for n, line in enumerate(lines, 1)]


# -- 1. the demo ----------------------------------------------------------------------------


def _cohortbot_command() -> list[str]:
    script = Path(sys.executable).with_name("cohortbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def start_demo(workdir: Path) -> subprocess.Popen[bytes]:
    """``cohortbot demo --out <workdir>/out --days 30`` (seed 7, its own fixed start date),
    started now so that it runs while the other transcripts are recorded."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k.upper() not in ("CONTENT_DIR", "LOG_LEVEL")}
    env["PYTHONIOENCODING"] = "utf-8"
    args = [*_cohortbot_command(), "demo", "--out", str(workdir / "out"), "--days", str(DEMO_DAYS)]
    return subprocess.Popen(
        args, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def finish_demo(proc: subprocess.Popen[bytes], workdir: Path, timeout: float = 120) -> str:
    stdout, stderr = proc.communicate(timeout=timeout)
    out_dir = workdir / "out"
    text = stdout.decode("utf-8")
    text = text.replace(str(out_dir), "<out>")
    text = re.sub(r" in \d+(\.\d+)? s\.", " in <elapsed> s.", text)
    files = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
    lines = [
        "# cohortbot demo --out <out> --days 30  (seed 7)",
        f"exit {proc.returncode}",
        # Names only: the database and the chart are binary and not byte-stable.
        "files written: " + ", ".join(files),
        "",
        visible(text).rstrip("\n"),
    ]
    if proc.returncode != 0:
        lines += ["", "stderr:", visible(stderr.decode("utf-8", "replace"))]
    return fold("\n".join(lines) + "\n")


# -- 2a. the console ------------------------------------------------------------------------


class ConsoleWorld:
    """``printf '%s\\n' <line> | cohortbot console --user <name> --cohort <cohort>``, in
    process, one run per line, against one shared world."""

    def __init__(self, app: App, cohort: str, files_dir: Path | None = None) -> None:
        self.app = app
        self.cohort = cohort
        self.files_dir = files_dir

    def say(self, user: str, line: str) -> str:
        out = io.StringIO()
        code = console_run(
            self.app.core,
            user=user,
            cohort=self.cohort,
            stdin=io.StringIO(line + "\n"),
            stdout=out,
            files_dir=self.files_dir,
        )
        text = out.getvalue()
        if self.files_dir is not None:
            text = text.replace(str(self.files_dir), "<files>")
        return f"{visible(text)}(exit {code})"


def record_console_corpus(workdir: Path) -> str:
    app = new_app(workdir)
    world = ConsoleWorld(app, "Corpus")
    t = Transcript(
        "Corpus through the console (stdin a pipe), one member per entry",
        "Each block: the whole stdout of one piped line, then the exit status.",
    )
    t.block("setup", "/cohort start Corpus cohort", world.say("Ada", "/cohort start Corpus cohort"))
    for index, entry in enumerate(corpus()):
        who = f"M{index:03d}"
        world.say(who, "/cohort join")
        t.block(_label(entry), entry.input, world.say(who, entry.input))
    app.engine.dispose()
    return t.text()


def record_console_help(workdir: Path) -> str:
    app = new_app(workdir)
    world = ConsoleWorld(app, "Help")
    t = Transcript("Help through the console")
    for label, line in numbered(help_lines()):
        t.block(label, line, world.say("Ada", line))
    app.engine.dispose()
    return t.text()


def record_console_session(workdir: Path) -> str:
    app = new_app(workdir)
    files = workdir / "files"
    world = ConsoleWorld(app, "Spring ML", files_dir=files)
    t = Transcript("A session through the console, as Ada (she starts the cohort: its admin)")
    for label, line in numbered(SESSION):
        t.block(label, line, world.say("Ada", line))
    saved = sorted(files.iterdir()) if files.exists() else []
    t.block(
        "files",
        "(saved by the session)",
        "\n".join(_file_text(p.name, p.read_bytes()) for p in saved),
    )
    app.engine.dispose()
    return t.text()


def _label(entry: Entry) -> str:
    return entry.id + (" [known bug]" if entry.id in KNOWN_BUGS else "")


def _file_text(name: str, data: bytes) -> str:
    if data.startswith(b"\x89PNG") or name.endswith((".png", ".db")):
        return f"--- {name}: binary, not compared"
    try:
        return f"--- {name}:\n{visible(data.decode('utf-8'))}"
    except UnicodeDecodeError:
        return f"--- {name}: binary, not compared"


# -- 2b. Slack ------------------------------------------------------------------------------


class Lane(Executor):
    """The adapter's after-the-ack work, held until the recorder runs it: in submission order,
    one at a time, so each transcript block holds exactly what that request caused."""

    def __init__(self) -> None:
        self._queue: deque[tuple[Future[Any], Callable[[], Any]]] = deque()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            self._queue.append((future, lambda: fn(*args, **kwargs)))
        return future

    def run_all(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    return
                future, work = self._queue.popleft()
            try:
                future.set_result(work())
            except BaseException as exc:  # the adapter wraps its work; this is a last resort
                future.set_exception(exc)


# What a Slack user sees; users.info, conversations.open and the like are bookkeeping.
SLACK_SHOWN = (
    "response_url",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.update",
    "views.publish",
    "files.getUploadURLExternal",
    "upload",
    "files.completeUploadExternal",
)
_SLACK_JSON_KEYS = ("blocks", "view", "attachments", "metadata", "files", "private_metadata")


class SlackWorld:
    def __init__(self, rig: Any, lane: Lane) -> None:
        self.rig = rig
        self.fake: FakeSlackAPI = rig.fake
        self.lane = lane
        self._ts: dict[str, str] = {}

    def user(self, user_id: str, name: str, admin: bool = False) -> None:
        self.fake.user(user_id, tz="UTC", admin=admin, name=name)

    def command(self, name: str, text: str, user: str) -> str:
        start = len(self.fake.calls)
        response = self.rig.driver.command(name, text, user=user)
        self.lane.run_all()
        lines = [f"HTTP {response.status}"]
        if response.raw:
            try:
                lines.append(json_text(self._clean(response.json)))
            except ValueError:
                lines.append(visible(response.raw.decode("utf-8", "replace")))
        for call in self.fake.calls[start:]:
            if call.method in SLACK_SHOWN:
                lines.append(f"-> {call.method}")
                lines.append(self._call_text(call))
        return "\n".join(lines)

    def _call_text(self, call: Call) -> str:
        if call.method == "upload":
            return _file_text("content", call.raw)
        body = dict(call.body)
        if call.method == "files.getUploadURLExternal" and str(body.get("filename", "")).endswith(
            ".png"
        ):
            body["length"] = "<png size>"
        return json_text(self._clean(body))

    def _clean(self, value: Any, key: str = "") -> Any:
        if isinstance(value, str) and key in _SLACK_JSON_KEYS and value[:1] in "[{":
            try:
                return self._clean(json.loads(value), key)
            except ValueError:
                pass
        if isinstance(value, dict):
            return {k: self._clean(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._clean(v, key) for v in value]
        if isinstance(value, str):
            if key in ("ts", "message_ts", "thread_ts") or re.fullmatch(r"17\d{8}\.\d{6}", value):
                return self._ts.setdefault(value, f"<ts{len(self._ts) + 1}>")
            if key == "trigger_id":
                return "<trigger_id>"
            if key == "id" and re.fullmatch(r"[FV]\d+", value):
                return f"<{value[0]}>"
            return value.replace(self.fake.root, "<fake-slack>")
        return value


@contextmanager
def slack_world(app: App) -> Iterator[SlackWorld]:
    """The real Bolt app on loopback, as production builds it (``process_before_response``),
    its after-the-ack work held in a :class:`Lane`, the Web API faked."""
    fake = FakeSlackAPI().start()
    lane = Lane()
    try:
        with serving(app, fake, process_before_response=True, background=lane, posts=lane) as rig:
            yield SlackWorld(rig, lane)
            lane.run_all()
    finally:
        fake.stop()


def _slack_split(line: str) -> tuple[str, str]:
    head, text = Entry("", line, "", None).split()
    return head or "/", slack_escape(text)


def record_slack_corpus(workdir: Path) -> str:
    app = new_app(workdir)
    t = Transcript(
        "Corpus through Slack: signed slash commands to the Bolt app, one member per entry",
        "Each block: the HTTP answer to the command, then every call the app made that a\n"
        "person sees (response_url, chat.*, views.*, files). Text is sent as Slack sends it\n"
        "(&, < and > as entities).",
    )
    with slack_world(app) as slack:
        slack.user("UADMIN", "Wanda", admin=True)
        t.block("setup", "/cohort start Corpus", slack.command("/cohort", "start Corpus", "UADMIN"))
        for index, entry in enumerate(corpus()):
            user = f"UC{index:03d}"
            slack.user(user, f"Member {index}")
            slack.command("/cohort", "join", user)
            name, text = _slack_split(entry.input)
            t.block(_label(entry), entry.input, slack.command(name, text, user))
    app.engine.dispose()
    return t.text()


def record_slack_help(workdir: Path) -> str:
    app = new_app(workdir)
    t = Transcript("Help through Slack")
    with slack_world(app) as slack:
        slack.user("U1", "Ada")
        for label, line in numbered(help_lines()):
            t.block(label, line, slack.command(*_slack_split(line), "U1"))
    app.engine.dispose()
    return t.text()


def record_slack_session(workdir: Path) -> str:
    app = new_app(workdir)
    t = Transcript("A session through Slack, as Ada (she starts the cohort: its admin)")
    with slack_world(app) as slack:
        slack.user("U1", "Ada")
        for label, line in numbered(SESSION):
            t.block(label, line, slack.command(*_slack_split(line), "U1"))
    app.engine.dispose()
    return t.text()


# -- 2c. Discord ----------------------------------------------------------------------------

_DAYS = {"today": 0, "yesterday": 1, "2d": 2, "3d": 3}
_OUR_TASKS = ("CommandTree-invoker", "discord.py: ", "discord-ui-")


def _number(word: str) -> int | str:
    """An integer option's value; a word that is not one is sent as typed (a forged client)."""
    return int(word) if re.fullmatch(r"-?\d{1,18}", word) else word


def _rest(text: str, words: int) -> str | None:
    """``text`` after its first ``words`` words, as typed (None when nothing is left)."""
    parts = text.split(None, words)
    return parts[words] if len(parts) > words else None


def discord_form(line: str) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """A typed line as the Discord command that means it: ``(command, subcommands, options)``.

    /checkin text is passed as one option, as tests/reliability/test_corpus_discord.py does.
    Typed arguments go into the options Discord offers; a value of the wrong type is sent as
    typed (as a forged or outdated client could), a missing required option is left out,
    and a name Discord does not have is sent as it is: the bot answers each of them.
    """
    head, rest = Entry("", line, "", None).split()
    name = head[1:] if head.startswith("/") else head
    words = rest.split()
    first = words[0] if words else None
    if name == "checkin":
        if first == "edit":
            return "checkin", (), {"text": _rest(rest, 1), "edit": True}
        return "checkin", (), {"text": rest or None}
    if name == "hours":
        if words == ["undo"]:
            return "hours-undo", (), {}
        options: dict[str, Any] = {}
        if words:
            options["amount"] = words[0]
        if len(words) > 1:
            options["category"] = words[1]
        tail = _rest(rest, 2)
        if tail is not None and tail.split()[0] in _DAYS:
            options["day"] = _DAYS[tail.split()[0]]
            tail = _rest(tail, 1)
        options["note"] = tail
        return "hours", (), options
    if name == "plan":
        week = _number(words[1]) if len(words) > 1 else None
        if first is None:
            return "plan", (), {}
        if first == "set":
            return "plan", (), {"week": week, "goal": _rest(rest, 2)}
        if first in ("done", "undo"):
            return "plan", (), {"week": week, "done": first == "done"}
        if first == "project":
            return "plan", (), {"project": week, "done": False if "undo" in words[2:] else None}
        return "plan", (first,), {}
    if name == "sprint":
        if first is None:
            return "sprint", (), {}
        if first == "goal":
            return "sprint", (), {"goal": _rest(rest, 1)}
        if first == "done":
            return "sprint", (), {"done": _number(words[1]) if len(words) > 1 else None}
        return "sprint", (first,), {}
    if name == "cohort":
        return _cohort_form(rest, words)
    if name == "help":
        return "help", (), {"topic": rest.strip() or None}
    return name, (), {}


def _cohort_form(rest: str, words: list[str]) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    sub = words[0] if words else None
    if sub is None:
        return "cohort", (), {}
    if sub == "start":
        return "cohort", ("start",), {"name": _rest(rest, 1)}
    if sub == "join":
        track = words[1] if len(words) > 1 else None
        return "cohort", ("join",), {"track": track, "budget": _rest(rest, 2)}
    if sub in ("leave",):
        return "cohort", (sub,), {}
    if sub == "me":
        key = words[1] if len(words) > 1 else None
        if key == "away":
            how = words[2:]
            if how == ["off"]:
                return "cohort", ("away",), {"off": True}
            if how[:1] == ["until"]:
                return "cohort", ("away",), {"until": _rest(rest, 3)}
            return "cohort", ("away",), {"days": _number(how[0]) if how else None}
        return "cohort", ("me",), {"key": key, "value": _rest(rest, 2)}
    if sub == "summary":
        when = words[1] if len(words) > 1 else None
        weeks = 1 if when == "last" else None if when is None else _number(when)
        return "cohort-admin", ("summary",), {"weeks_back": weeks}
    if sub == "export":
        return "cohort-admin", ("export",), {}
    if sub == "settings":
        key = words[1] if len(words) > 1 else None
        return "cohort-admin", ("settings",), {"key": key, "value": _rest(rest, 2)}
    if sub == "forget-me":
        what = _rest(rest, 1)
        return "cohort", ("forget-me",), {"confirm": True if what == "confirm" else what}
    return "cohort", (sub,), {}


def show_form(form: tuple[str, tuple[str, ...], dict[str, Any]]) -> str:
    command, path, options = form
    if not command:
        return "/ (an empty command name)"
    parts = ["/" + " ".join([command, *path])]
    parts += [f"{k}:{v}" for k, v in options.items() if v is not None]
    return " ".join(parts)


_CALLBACK_KINDS = {
    4: "message",
    5: "deferred, thinking…",
    6: "deferred update",
    7: "update message",
    8: "autocomplete",
    9: "modal",
}


class DiscordWorld:
    def __init__(self, harness: Harness) -> None:
        self.h = harness
        self._ids: dict[str, str] = {}

    async def run(
        self, form: tuple[str, tuple[str, ...], dict[str, Any]], who: Person = ADA
    ) -> str:
        command, path, options = form
        payload = interaction(2, command_data(command, *path, **options), person=who)
        start = len(self.h.fake.requests)
        before = asyncio.all_tasks()
        lines = [f"as {show_input(show_form(form))}"]
        try:
            await self.h.send(payload)
        except AssertionError:
            lines.append("(no interaction callback within 5 s)")
        ours = [
            t
            for t in asyncio.all_tasks() - before
            if t is not asyncio.current_task() and t.get_name().startswith(_OUR_TASKS)
        ]
        if ours:
            await asyncio.wait(ours, timeout=10)
        await self.h.bot.wait_idle(10)
        for record in self.h.fake.requests[start:]:
            shown = self._record_text(record)
            if shown:
                lines.append(shown)
        return "\n".join(lines)

    def _record_text(self, record: Any) -> str | None:
        path = record.path
        if record.method not in ("POST", "PATCH") or not isinstance(record.json, dict):
            return None
        if "/callback" in path:
            kind = int(record.json.get("type", 0))
            head = f"-> interaction callback {kind} ({_CALLBACK_KINDS.get(kind, '?')})"
        elif "/webhooks/" in path:
            head = "-> follow-up" if record.method == "POST" else "-> edit of the original answer"
        elif match := re.fullmatch(r"/channels/(\d+)/messages(?:/(\d+))?", path):
            where = self._channel(match.group(1))
            if match.group(2):
                head = f"-> edit of message {self._id(match.group(2))} in {where}"
            else:
                head = f"-> post in {where}"
        else:
            return None
        head += f" (HTTP {record.status})" if record.status != 200 else ""
        body = self._clean(message_body(record))
        text = [head, json_text(body)]
        text += [_file_text(name, data) for name, data in record.files]
        return "\n".join(text)

    def _channel(self, channel_id: str) -> str:
        if channel_id == COHORT_CHANNEL_ID:
            return "the cohort channel"
        return f"channel {channel_id}"

    def _id(self, snowflake: str) -> str:
        return self._ids.setdefault(snowflake, f"<message {len(self._ids) + 1}>")

    def _clean(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._clean(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._clean(v, key) for v in value]
        if key == "nonce":  # random per send
            return "<nonce>"
        if isinstance(value, str) and key == "custom_id":
            return value.replace(GUILD_ID, "<guild>").replace(COHORT_CHANNEL_ID, "<channel>")
        return value


def _discord(app: App, scenario: Callable[[DiscordWorld], Any]) -> None:
    async def main(h: Harness) -> None:
        await scenario(DiscordWorld(h))

    run_with_bot(app, main, timeout=300)


def record_discord_corpus(workdir: Path) -> str:
    app = new_app(workdir)
    t = Transcript(
        "Corpus through Discord: INTERACTION_CREATE to the real discord.py client, one member "
        "per entry",
        "Each block: the Discord command the typed line becomes, then every interaction\n"
        "callback, follow-up and channel message the bot sent.",
    )

    async def scenario(d: DiscordWorld) -> None:
        start = ("cohort", ("start",), {"name": "Corpus"})
        t.block("setup", "/cohort start Corpus", await d.run(start))
        for index, entry in enumerate(corpus()):
            who = corpus_person(index)
            await d.run(("cohort", ("join",), {}), who)
            t.block(_label(entry), entry.input, await d.run(discord_form(entry.input), who))

    _discord(app, scenario)
    app.engine.dispose()
    return t.text()


def _record_discord_lines(workdir: Path, title: str, lines: list[str]) -> str:
    app = new_app(workdir)
    t = Transcript(title)

    async def scenario(d: DiscordWorld) -> None:
        for label, line in numbered(lines):
            t.block(label, line, await d.run(discord_form(line)))

    _discord(app, scenario)
    app.engine.dispose()
    return t.text()


def record_discord_help(workdir: Path) -> str:
    return _record_discord_lines(workdir, "Help through Discord", list(help_lines()))


def record_discord_session(workdir: Path) -> str:
    return _record_discord_lines(
        workdir,
        "A session through Discord, as Ada (she starts the cohort: its admin)",
        list(SESSION),
    )


@dataclass(frozen=True)
class Golden:
    name: str
    record: Callable[[Path], str]


# Every golden file but the demo (see start_demo / finish_demo), in recording order.
TRANSCRIPTS = (
    Golden("console_corpus", record_console_corpus),
    Golden("console_help", record_console_help),
    Golden("console_session", record_console_session),
    Golden("slack_corpus", record_slack_corpus),
    Golden("slack_help", record_slack_help),
    Golden("slack_session", record_slack_session),
    Golden("discord_corpus", record_discord_corpus),
    Golden("discord_help", record_discord_help),
    Golden("discord_session", record_discord_session),
)
