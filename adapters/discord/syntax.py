"""The core's command references, rewritten in Discord's syntax.

The core writes every command the way Slack and the console type it: ``/checkin edit
<text>``, ``/plan set <week> <goal>``, ``/cohort summary last``. Discord's commands take
named options instead, and the admin commands live under ``/cohort-admin``; see
``adapters/discord/ext/``. :func:`discord_text` rewrites text on its way to a Discord
user (``render`` calls it for every message and error):

- a whole usage line (``bot.commands.grammar.USAGE``) or help text (``help_text``) becomes the
  Discord version written here (:data:`DISCORD_USAGE`, :data:`DISCORD_HELP`,
  :data:`DISCORD_HELP_TOPICS`);
- a backticked command such as ```/checkin edit <text>``` becomes its :data:`PHRASES`
  entry; an unknown one stays as it is;
- a few commands the core and the content name without backticks (:data:`BARE_PHRASES`,
  and ``/plan done <n>`` in the weekly review) are rewritten too.

``tests/discord/test_discord_syntax.py`` scans the core and the content, so a new
backticked command without an entry here fails the tests instead of reaching Discord in
Slack's syntax.
"""

from __future__ import annotations

import re

from bot.commands import (
    COHORT_SETTING_KEYS,
    COMMANDS_SUMMARY,
    HELP_TEXT,
    HELP_TOPICS,
    MY_SETTING_KEYS,
    USAGE,
)

# Backticked command spans (without the backticks) -> the same command on Discord.
PHRASES: dict[str, str] = {
    # already right on Discord
    "/checkin": "/checkin",
    "/hours": "/hours",
    "/sprint": "/sprint",
    "/progress": "/progress",
    "/help": "/help",
    "/cohort join": "/cohort join",
    "/cohort leave": "/cohort leave",
    "/cohort me": "/cohort me",
    "/cohort forget-me": "/cohort forget-me",
    # /checkin, /hours
    "/checkin <text>": "/checkin text:<text>",
    "/checkin edit <text>": "/checkin text:<text> edit:True",
    "/hours 90m learning read ch. 3": "/hours amount:90m category:learning note:read ch. 3",
    "/hours undo": "/hours-undo",
    # /plan, /sprint
    "/plan set <week> <goal>": "/plan week:<1-4> goal:<text>",
    "/plan set 1 <goal>": "/plan week:1 goal:<text>",
    "/plan done <week>": "/plan week:<1-4> done:True",
    "/plan project <1-3>": "/plan project:<1-3>",
    "/sprint goal <text>": "/sprint goal:<text>",
    # /cohort
    "/cohort start [name]": "/cohort start [name:<name>]",
    "/cohort join [track] [budget]": "/cohort join [track:<track>] [budget:<budget>]",
    "/cohort me <key> <value>": "/cohort me key:<key> value:<value>",
    "/cohort me track <id>": "/cohort me key:track value:<id>",
    "/cohort me budget <full-time|part-time|minimal>": "/cohort me key:budget value:<full-time|part-time|minimal>",
    "/cohort me leaderboard on": "/cohort me key:leaderboard value:on",
    "/cohort me delivery dm": "/cohort me key:delivery value:dm",
    "/cohort me delivery channel": "/cohort me key:delivery value:channel",
    "/cohort me away": "/cohort away",
    "/cohort me away off": "/cohort away off:True",
    "/cohort forget-me confirm": "/cohort forget-me confirm:True",
    # the admins' commands are their own group on Discord
    "/cohort summary": "/cohort-admin summary",
    "/cohort export": "/cohort-admin export",
    "/cohort settings <key> <value>": "/cohort-admin settings key:<key> value:<value>",
    "/cohort settings paused off": "/cohort-admin settings key:paused value:off",
}

# Commands the core and the content name without backticks, in the exact words they use.
BARE_PHRASES: dict[str, str] = {
    # bot/grammar.py, reachable through /checkin text:...
    "log hours with /hours (and /hours undo to take one back)": "log hours with /hours (and /hours-undo to take one back)",
    "e.g. /checkin finished lesson 4 | next: lesson 5.": "e.g. /checkin text:finished lesson 4 | next: lesson 5.",
    # bot/domain/amounts.py, reachable through /hours amount:...
    "use /hours undo.": "use /hours-undo.",
    "(e.g. /hours 6h building yesterday)": "(e.g. /hours amount:6h category:building day:yesterday)",
    # bot/handlers.py usage lines
    "/cohort me quiet-hours 22:00-07:00 (or off)": "/cohort me key:quiet-hours value:22:00-07:00 (or value:off)",
    "/cohort me reminders [": "/cohort me key:reminders value:[",
    "/cohort settings rest-day YYYY-MM-DD": "/cohort-admin settings key:rest-day value:YYYY-MM-DD",
    # content/nudges.yaml
    "add one goal of your own with /sprint goal.": "add one goal of your own with /sprint goal:<text>.",
    "change budget mode any time with /cohort me budget.": "change budget mode any time with /cohort me key:budget.",
    "/cohort me away 7 days": "/cohort away days:7",
    "/cohort me budget minimal": "/cohort me key:budget value:minimal",
    "type /checkin yesterday, a colon, and what you did": "run /checkin with text:yesterday: and what you did",
    # content/prompts.yaml
    "/hours 90m building fixed the data loader": "/hours amount:90m category:building note:fixed the data loader",
    "Make each one specific with /plan set.": "Make each one specific with /plan week:<1-4> goal:<text>.",
}

# "/plan done 3" (the weekly review nudge fills in the week).
_PLAN_DONE = r"/plan done (?P<week>[1-4])\b"

# Discord versions of every ``bot.commands.grammar.USAGE`` entry, under the same keys.
DISCORD_USAGE: dict[str, str] = {
    "checkin": "/checkin [text:<...>]  (no text opens the form; start it with yesterday: "
    "when late)  e.g. /checkin text:finished lesson 4 | next: lesson 5 | blockers: none "
    "| mood: 4 | hours: 1h learning, 30m building",
    "checkin edit": "/checkin [text:<...>] edit:True  replaces today's check-in "
    "(no text: the form)  e.g. /checkin text:finished lessons 4 and 5 edit:True",
    "hours": "/hours amount:<90m|2h|1h30m|1.5> category:<learning|building|networking> "
    "[note:<...>] [day:<...>]  e.g. /hours amount:1h30m category:building note:fixed tests",
    "hours undo": "/hours-undo  takes back your last hours entry",
    "plan": "/plan  |  /plan week:<1-4> goal:<text>  |  /plan week:<1-4> done:True  "
    "|  /plan week:<1-4> done:False  |  /plan project:<1-3>",
    "plan set": "/plan week:<1-4> goal:<text>  e.g. /plan week:1 goal:finish fast.ai lesson 1-3",
    "plan done": "/plan week:<1-4> done:True  e.g. /plan week:1 done:True",
    "plan undo": "/plan week:<1-4> done:False  marks a week not done again",
    "plan project": "/plan project:<1-3> [done:False]  marks portfolio project 1, 2 or 3 "
    "shipped (done:False: not yet)",
    "sprint": "/sprint  |  /sprint goal:<text>  |  /sprint done:<n>",
    "sprint goal": "/sprint goal:<text>  e.g. /sprint goal:write the README for project 1",
    "sprint done": "/sprint done:<n>  e.g. /sprint done:2",
    "progress": "/progress  your streak, hours, plan and milestones",
    "help": "/help [topic:<command>]  e.g. /help topic:hours",
    "cohort": "/cohort start [name:<...>] | join [track:<...>] [budget:<...>] | leave "
    "| me [key:<key> value:<value>] | away (days:<N>, until:<YYYY-MM-DD> or off:True) "
    "| forget-me [confirm:True]   admins: /cohort-admin summary [weeks_back:<N>] | export "
    "| settings key:<key> value:<value>",
    "cohort start": "/cohort start [name:<...>]  e.g. /cohort start name:Spring ML switchers",
    "cohort join": "/cohort join [track:<...>] [budget:<...>]  "
    "e.g. /cohort join track:data_analyst budget:part-time",
    "cohort leave": "/cohort leave",
    "cohort me": "/cohort me [key:<key> value:<value>]  keys: "
    + ", ".join(MY_SETTING_KEYS)
    + "  e.g. /cohort me key:timezone value:Europe/Berlin",
    "cohort me away": "/cohort away days:<N> | until:<YYYY-MM-DD> | off:True  "
    "e.g. /cohort away days:5",
    "cohort summary": "/cohort-admin summary [weeks_back:<N>]  0 this week, 1 last week, "
    "or N weeks back (admins)",
    "cohort export": "/cohort-admin export  CSV of the cohort's data (admins)",
    "cohort settings": "/cohort-admin settings key:<key> value:<value>  keys: "
    + ", ".join(COHORT_SETTING_KEYS)
    + "  e.g. /cohort-admin settings key:prompt-time value:18:30 (admins)",
    "cohort forget-me": "/cohort forget-me [confirm:True]  deletes all your data in this cohort",
}

DISCORD_SUMMARY = (
    "/checkin  /hours  /plan  /sprint  /progress  /cohort  /help  (/help topic:<command> for more)"
)

DISCORD_HELP = """\
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

DISCORD_HELP_TOPICS: dict[str, str] = {
    "checkin": "Check in with what you did. In text:, add more after ' | ':\n"
    "next: ..., blockers: ..., mood: 1-5, hours: 1h learning, 30m building.\n"
    "Late? Start the text with yesterday:, 2d: or a date (up to 3 days back).\n"
    "No text opens a form; edit:True replaces today's check-in.",
    "hours": "Amounts: 1.5 (hours), 90m, 2h, 1h30m, at most 16 h per entry.\n"
    "Categories: learning, building, networking.\n"
    "Late? Pick the day in day: (up to 3 days back). /hours-undo takes one back.",
    "plan": "Four weeks, one goal each: start a course, begin project 1, publish a post, "
    "reach out to three people. Make each one yours with /plan week:<1-4> goal:<text>.",
    "sprint": HELP_TOPICS["sprint"],
    "progress": HELP_TOPICS["progress"],
    "cohort": "Settings you can change with /cohort me key:<key> value:<value>: "
    + ", ".join(MY_SETTING_KEYS)
    + ".\nTake a break with /cohort away days:<N>, until:<YYYY-MM-DD> or off:True."
    "\nReminders come by direct message unless you choose /cohort me key:delivery "
    "value:channel; turn one kind off with /cohort me key:reminders value:<kind> off "
    "(sprint-kickoff, weekly-review, midweek-reminder, checkin-prompt, inactivity, "
    "mix-drift) or all of them with /cohort me key:reminders value:off."
    "\nLeaderboards are opt-in: /cohort me key:leaderboard value:on."
    "\nAdmins: /cohort-admin summary, /cohort-admin export and /cohort-admin settings.",
    "help": "Ask about one command, e.g. /help topic:hours.",
}


def _whole_texts() -> dict[str, str]:
    """Core text -> Discord text, for texts replaced whole wherever they occur."""
    pairs: dict[str, str] = {HELP_TEXT: DISCORD_HELP, COMMANDS_SUMMARY: DISCORD_SUMMARY}
    pairs.update((USAGE[key], DISCORD_USAGE[key]) for key in USAGE if key in DISCORD_USAGE)
    pairs.update(
        (HELP_TOPICS[key], DISCORD_HELP_TOPICS[key])
        for key in HELP_TOPICS
        if key in DISCORD_HELP_TOPICS
    )
    pairs.update(BARE_PHRASES)
    return {old: new for old, new in pairs.items() if old and old != new}


# Longest first: a help text contains usage lines, and some usage lines contain phrases.
_REPLACEMENTS = sorted(_whole_texts().items(), key=lambda pair: len(pair[0]), reverse=True)
# Any command at all: text without one (most check-in cards, URLs, dates) is done at once.
_ANY_COMMAND = re.compile(r"/(?:checkin|hours|plan|sprint|progress|cohort|help)\b")
_SPAN_OR_PLAN_DONE = re.compile(rf"`(?P<span>/[a-z][^`\n]*)`|{_PLAN_DONE}")


def _span(match: re.Match[str]) -> str:
    if (span := match.group("span")) is not None:
        return f"`{PHRASES.get(span, span)}`"
    return f"/plan week:{match.group('week')} done:True"


def discord_text(text: str) -> str:
    """``text`` with its command references in Discord's syntax; unknown ones unchanged."""
    if not text or "/" not in text or not _ANY_COMMAND.search(text):
        return text
    for old, new in _REPLACEMENTS:  # a substring test per known text: microseconds
        if old in text:
            text = text.replace(old, new)
    return _SPAN_OR_PLAN_DONE.sub(_span, text)
