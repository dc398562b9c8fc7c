"""Every command's spec and parser in one place: typed text in, a command out; help texts.

``/hours 90m learning read ch. 3`` -> ``LogHours(minutes=90, category="learning", ...)``.
Every mistake a person can make ends in a :class:`UsageError` carrying the right usage line;
nothing else escapes. Free text is kept as typed (only trimmed); rendering makes it safe.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import checkin, cohort, help, hours, plan, progress, sprint
from bot.commands.help import HELP_TEXT, TYPED_HELP_TEXT, topic_of
from bot.commands.reading import check_input_length, command_name, quote, suggest
from bot.commands.spec import COMMAND_NAMES, COMMANDS_SUMMARY, Spec
from bot.domain import commands as c
from bot.domain.errors import UsageError

_MODULES = (checkin, hours, plan, sprint, progress, cohort, help)
SPECS: tuple[Spec, ...] = tuple(spec for module in _MODULES for spec in module.SPECS)
SPEC_BY_PATH: dict[str, Spec] = {spec.path: spec for spec in SPECS}
USAGE: dict[str, str] = {spec.path: spec.usage for spec in SPECS}
HELP_TOPICS: dict[str, str] = {name: SPEC_BY_PATH[name].help for name in COMMAND_NAMES}
_PARSERS: dict[str, Callable[[str], c.Command]] = {
    module.SPECS[0].path: module.parse for module in _MODULES
}


def help_text(topic: str | None = None, *, typed: bool = False) -> str:
    """The command list, or the usage and a few words on one command (``typed``: in the
    typed options of platforms with typed UIs)."""
    name = topic_of(topic) if topic else None
    if name not in HELP_TOPICS:
        return TYPED_HELP_TEXT if typed else HELP_TEXT
    specs = [spec for spec in SPECS if spec.name == name]
    if typed:
        return "\n".join([*(s.typed_usage_line for s in specs), specs[0].typed_help_text])
    return "\n".join([*(s.usage for s in specs), specs[0].help])


def parse(text: str) -> c.Command:
    """A whole line such as ``/hours 90m learning read ch. 3`` (the slash is optional)."""
    check_input_length(text)
    stripped = text.strip()
    if not stripped:
        raise UsageError("Type a command to get started.\n" + HELP_TEXT, usage=COMMANDS_SUMMARY)
    # Any whitespace ends the name ("/checkin\nfinished lesson 4"); the rest keeps its lines.
    head, *rest = stripped.split(maxsplit=1)
    return parse_command(head, rest[0] if rest else "")


def parse_command(name: str, args: str) -> c.Command:
    """A command name (``/hours`` or ``hours``) and its argument text, as Slack sends them."""
    check_input_length(args)
    command = command_name(name)
    if not command:
        raise UsageError("Type a command to get started.\n" + HELP_TEXT, usage=COMMANDS_SUMMARY)
    parser = _PARSERS.get(command)
    if parser is None:
        raise UsageError(
            f"Unknown command {quote('/' + command)}.{suggest(command, COMMAND_NAMES, '/')}",
            usage=COMMANDS_SUMMARY,
        )
    return parser(args.strip())
