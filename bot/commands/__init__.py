"""How each order is typed: one module per slash command (its spec, ``parse`` and
``from_options``), the command references in texts, one form reader and one button table.

Everything outside this package imports from here, never from the modules inside it.
"""

from bot.commands.buttons import ACTION_IDS, BUTTON_COMMANDS, HOURS_FORM_BUTTON, button_command
from bot.commands.checkin import from_options as checkin_from_options
from bot.commands.cohort import (
    away_from_options,
    forget_me_from_options,
    join_from_options,
    me_from_options,
    settings_from_options,
    start_from_options,
    summary_from_options,
)
from bot.commands.forms import FormError, checkin_from_form, hours_from_form
from bot.commands.help import HELP_TEXT, TYPED_HELP_TEXT
from bot.commands.help import from_options as help_from_options
from bot.commands.hours import from_options as hours_from_options
from bot.commands.limits import (
    COHORT_SETTING_KEYS,
    MAX_AWAY_DAYS,
    MAX_CHECKIN_CHARS,
    MAX_COHORT_NAME_CHARS,
    MAX_GOAL_CHARS,
    MAX_INPUT_CHARS,
    MAX_NOTE_CHARS,
    MAX_SUMMARY_WEEKS_BACK,
    MAX_VALUE_CHARS,
    MY_SETTING_KEYS,
)
from bot.commands.plan import from_options as plan_from_options
from bot.commands.progress import from_options as progress_from_options
from bot.commands.refs import (
    Reference,
    TypedValue,
    UnknownReference,
    references,
    render_references,
    resolve_reference,
)
from bot.commands.refs import check as check_references
from bot.commands.registry import (
    HELP_TOPICS,
    SPEC_BY_PATH,
    SPECS,
    USAGE,
    help_text,
    parse,
    parse_command,
)
from bot.commands.spec import COMMAND_NAMES, COMMANDS_SUMMARY, TYPED_SUMMARY, Option, Spec
from bot.commands.sprint import from_options as sprint_from_options

__all__ = [
    "ACTION_IDS",
    "BUTTON_COMMANDS",
    "COHORT_SETTING_KEYS",
    "COMMANDS_SUMMARY",
    "COMMAND_NAMES",
    "HELP_TEXT",
    "HELP_TOPICS",
    "HOURS_FORM_BUTTON",
    "MAX_AWAY_DAYS",
    "MAX_CHECKIN_CHARS",
    "MAX_COHORT_NAME_CHARS",
    "MAX_GOAL_CHARS",
    "MAX_INPUT_CHARS",
    "MAX_NOTE_CHARS",
    "MAX_SUMMARY_WEEKS_BACK",
    "MAX_VALUE_CHARS",
    "MY_SETTING_KEYS",
    "SPECS",
    "SPEC_BY_PATH",
    "TYPED_HELP_TEXT",
    "TYPED_SUMMARY",
    "USAGE",
    "FormError",
    "Option",
    "Reference",
    "Spec",
    "TypedValue",
    "UnknownReference",
    "away_from_options",
    "button_command",
    "check_references",
    "checkin_from_form",
    "checkin_from_options",
    "forget_me_from_options",
    "help_from_options",
    "help_text",
    "hours_from_form",
    "hours_from_options",
    "join_from_options",
    "me_from_options",
    "parse",
    "parse_command",
    "plan_from_options",
    "progress_from_options",
    "references",
    "render_references",
    "resolve_reference",
    "settings_from_options",
    "sprint_from_options",
    "start_from_options",
    "summary_from_options",
]
