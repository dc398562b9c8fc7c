"""How each order is typed: the command grammar, the form reader and the button table.

Everything outside this package imports from here, never from the modules inside it.
"""

from bot.commands.grammar import (
    COHORT_SETTING_KEYS,
    COMMAND_NAMES,
    COMMANDS_SUMMARY,
    HELP_TEXT,
    HELP_TOPICS,
    MAX_AWAY_DAYS,
    MAX_CHECKIN_CHARS,
    MAX_COHORT_NAME_CHARS,
    MAX_GOAL_CHARS,
    MAX_INPUT_CHARS,
    MAX_NOTE_CHARS,
    MAX_SUMMARY_WEEKS_BACK,
    MAX_VALUE_CHARS,
    MY_SETTING_KEYS,
    USAGE,
    help_text,
    parse,
    parse_command,
)

__all__ = [
    "COHORT_SETTING_KEYS",
    "COMMANDS_SUMMARY",
    "COMMAND_NAMES",
    "HELP_TEXT",
    "HELP_TOPICS",
    "MAX_AWAY_DAYS",
    "MAX_CHECKIN_CHARS",
    "MAX_COHORT_NAME_CHARS",
    "MAX_GOAL_CHARS",
    "MAX_INPUT_CHARS",
    "MAX_NOTE_CHARS",
    "MAX_SUMMARY_WEEKS_BACK",
    "MAX_VALUE_CHARS",
    "MY_SETTING_KEYS",
    "USAGE",
    "help_text",
    "parse",
    "parse_command",
]
