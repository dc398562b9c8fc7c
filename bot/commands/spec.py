"""What a slash command is made of, for every way in: its usage, help and typed options.

A :class:`Spec` describes one command or subcommand (``plan set``): the usage line as it is
typed in Slack and the console, the typed options a platform with typed UIs (Discord)
shows instead, and the typed command it lives under when that differs (``plan``).
"""

from __future__ import annotations

from dataclasses import dataclass

# The slash commands, in the order the help lists them.
COMMAND_NAMES = ("checkin", "hours", "plan", "sprint", "progress", "cohort", "help")
COMMAND_ALIASES = {"check-in": "checkin", "hour": "hours", "?": "help"}
COMMANDS_SUMMARY = "  ".join(f"/{name}" for name in COMMAND_NAMES) + "  (/help <command> for more)"
TYPED_SUMMARY = (
    "/checkin  /hours  /plan  /sprint  /progress  /cohort  /help  (/help topic:<command> for more)"
)


@dataclass(frozen=True)
class Option:
    """One typed option, and how a reference such as ```/plan set 1 <goal>``` fills it.

    In a reference, words fill the options in order: a word equal to a flag's name sets
    it (``off`` -> ``off:True``), a keyword option takes the word after its name
    (``until 2026-12-24``), a word fills an option only if it matches ``pattern``, ``rest``
    takes the remaining words, and ``units`` after a value belong to it (``7 days``).
    """

    name: str
    placeholder: str = ""  # shown for ``<name>`` in a reference; default ``<name>``
    required: bool = False
    flag: bool = False
    keyword: bool = False
    rest: bool = False
    pattern: str | None = None
    units: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return self.placeholder or f"<{self.name}>"


@dataclass(frozen=True)
class Spec:
    """One command or subcommand: ``path`` is how it is typed (``cohort me away``)."""

    path: str
    usage: str
    typed_usage: str = ""  # the usage line in typed options; default ``usage``
    options: tuple[Option, ...] = ()
    typed_name: str | None = None  # the typed command when it differs (``hours-undo``)
    flags: tuple[tuple[str, bool], ...] = ()  # typed options that select it (``edit``)
    help: str = ""  # a top-level command's help topic
    typed_help: str = ""  # the same for typed options; default ``help``

    @property
    def name(self) -> str:
        return self.path.split()[0]

    @property
    def typed_path(self) -> str:
        return self.typed_name or self.path

    @property
    def typed_usage_line(self) -> str:
        return self.typed_usage or self.usage

    @property
    def typed_help_text(self) -> str:
        return self.typed_help or self.help
