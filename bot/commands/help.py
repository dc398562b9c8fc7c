"""``/help``: the command list, or one command's usage and a few words on it."""

from __future__ import annotations

from bot.commands.reading import command_name, first_word, quote, suggest
from bot.commands.spec import COMMAND_NAMES, Option, Spec
from bot.domain import commands as c
from bot.domain.errors import UsageError

HELP = Spec(
    "help",
    usage="/help [command]  e.g. /help hours",
    typed_usage="/help [topic:<command>]  e.g. /help topic:hours",
    options=(Option("topic"),),
    help="Ask about one command, e.g. /help hours.",
    typed_help="Ask about one command, e.g. /help topic:hours.",
)
SPECS = (HELP,)

HELP_TEXT = """\
Here's what I can do:
/checkin [text]  check in: what you did, what's next, blockers (no text opens a form)
/hours <amount> <category> [note]  log time: 90m learning, 2h building, 1h30m networking
/plan  your 30-day plan  (/plan set <week> <goal>, /plan done <week>)
/sprint  this week's goals and hours  (/sprint goal <text>, /sprint done <n>)
/progress  your streak, hours, plan and milestones
/cohort  start, join, leave, me (your settings), summary, export, settings, forget-me
/help <command>  more on one command"""

TYPED_HELP_TEXT = """\
Here's what I can do:
/checkin [text]  check in: what you did, what's next, blockers (no text opens a form)
/hours amount category [note] [day]  log time: 90m learning, 2h building, 1h30m networking
/hours-undo  take back your last hours entry
/plan  your 30-day plan  (/plan week:<1-4> goal:<text>, /plan week:<1-4> done:True)
/sprint  this week's goals and hours  (/sprint goal:<text>, /sprint done:<n>)
/progress  your streak, hours, plan and milestones
/cohort  start, join, leave, me (your settings), away, forget-me
/cohort-admin summary, export, settings  for the cohort's admins
/help topic:<command>  more on one command"""

_TOPIC_ALIASES = {
    "amount": "hours",
    "amounts": "hours",
    "category": "hours",
    "categories": "hours",
    "me": "cohort",
    "settings": "cohort",
    "away": "cohort",
}


def topic_of(text: str) -> str:
    """The command a help question is about (``/help amounts`` is about ``hours``)."""
    first, _ = first_word(text)
    name = command_name(first)
    return _TOPIC_ALIASES.get(name, name)


def parse(args: str) -> c.Help:
    """The text after ``/help``: nothing, or one command (or a word that names one)."""
    if not args:
        return c.Help()
    topic = topic_of(args)
    if topic not in COMMAND_NAMES:
        raise UsageError(
            f"No help on {quote(args)}.{suggest(topic, COMMAND_NAMES)}", usage=HELP.usage
        )
    return c.Help(topic=topic)


def from_options(topic: str | None = None) -> c.Help:
    """Typed options: the topic is one of the platform's choices (the core checks it again)."""
    return c.Help(topic=topic)
