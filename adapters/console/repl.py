"""``cohortbot console``: type slash commands as one member and read the bot's replies.

On a terminal it is interactive (``/checkin`` alone asks the form's questions);
from a pipe it reads one command per line and prints each reply, so a whole
cohort can be scripted.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from adapters.console.render import ConsolePlatform, render
from bot.commands import checkin_from_form, parse
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.errors import UserError
from bot.messages import Reply
from bot.usecases import Core

CLEAR = "-"  # typed in the edit form: empty this field


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "cohort"


def user_id(name: str) -> str:
    """A stable id for a typed name that keeps its letters in every script:
    ``Élif 🚀`` is ``élif``; a name of symbols only gets one made from its bytes."""
    letters = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", name).casefold()).strip("-")
    if letters:
        return letters
    return "user-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


# In a pipe, a line that starts with a check-in label (or is indented) right after a
# `/checkin` line continues it, as the same lines typed in one Slack message would.
_CONTINUES = re.compile(r"\s+\S|\s*(next|blockers?|mood|hours)[ \t]*:", re.IGNORECASE)
_CHECKIN = re.compile(r"\s*/?checkin\b", re.IGNORECASE)


class ConsoleSession:
    def __init__(
        self,
        core: Core,
        user: str,
        cohort: str,
        out: TextIO,
        files_dir: Path | None = None,
        timezone: str | None = None,
        admin: bool = False,
    ) -> None:
        self.core = core
        self.out = out
        self.platform = ConsolePlatform(out, files_dir=files_dir)
        self.actor = Actor(
            platform="console",
            workspace_id="local",
            channel_id=slug(cohort),
            user_id=user_id(user),
            display_name=user,
            timezone=timezone,
            platform_admin=admin,
        )

    def run_line(self, line: str, ask: bool = False) -> bool:
        """Handle one typed line; returns False on an error (for scripted exit codes)."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        try:
            command = parse(line)
        except UserError as exc:
            return self._refused(str(exc))
        outcome = self.core.run(command, self.actor)
        if outcome.ok and outcome.reply.form is not None:
            if not ask:
                print(
                    "  (no form in a pipe: use `/checkin <text>` or `/checkin edit <text>`)",
                    file=self.out,
                )
                return True
            answered = self._ask_form(outcome.reply)
            if answered is None:
                return True
            outcome = self.core.run(answered, self.actor)
        if not outcome.ok:
            return self._refused(outcome.reply.message.text)
        self.show(outcome.reply)
        return True

    def _refused(self, text: str) -> bool:
        print(f"  ⚠ {text}", file=self.out)
        return False

    def _ask_form(self, reply: Reply) -> c.Command | None:
        """The check-in form as questions. Editing, Enter keeps an answer and ``-`` clears it;
        the answers are read by the shared form reader, as Slack's and Discord's forms are."""
        q = self.core.content.prompts.checkin_questions
        edit = bool(reply.form and reply.form.edit)
        initial = reply.form.initial if reply.form else {}
        fields: dict[str, str] = {}
        for key, question in (("did", q.did), ("next", q.next), ("blockers", q.blockers)):
            hint = f" [{initial[key]}; - clears]" if initial.get(key) else ""
            answer = input(f"  {question}{hint} ").strip()
            fields[key] = "" if answer == CLEAR else (answer or initial.get(key, ""))
            if not fields["did"]:  # no check-in without it: asking on would waste answers
                print("  Nothing saved.", file=self.out)
                return None
        fields["mood"] = initial.get("mood", "")  # not asked here: an edit keeps it
        return checkin_from_form(fields, edit=edit)

    def show(self, reply: Reply) -> None:
        print(render(reply.message), file=self.out)
        for post in reply.public:
            print(f"[posted in #{self.actor.channel_id}]", file=self.out)
            print(render(post), file=self.out)
        for path in self.platform.save_files(reply.message):
            print(f"  (saved {path})", file=self.out)


def run(
    core: Core,
    user: str,
    cohort: str,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    files_dir: Path | None = None,
    timezone: str | None = None,
) -> int:
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    session = ConsoleSession(core, user, cohort, out, files_dir=files_dir, timezone=timezone)
    interactive = stdin.isatty()
    ok = True
    pending = ""  # a line read ahead while looking for a check-in's continuation lines
    if interactive:
        print(
            f"cohortbot console — you are {user} in #{session.actor.channel_id}. "
            "Type /help, or Ctrl-D to leave.",
            file=out,
        )
    while True:
        if interactive:
            try:
                line = input("> ")
            except EOFError:
                print(file=out)
                return 0
        else:
            line = pending or stdin.readline()
            pending = ""
            if not line:
                return 0 if ok else 1
            print(f"> {line.rstrip()}", file=out)
            if _CHECKIN.match(line):
                while (more := stdin.readline()) and _CONTINUES.match(more.rstrip("\n")):
                    print(f"> {more.rstrip()}", file=out)
                    line = line.rstrip("\n") + "\n" + more
                pending = more
        ok = session.run_line(line, ask=interactive) and ok
