"""The shared command grammar: text typed in Slack or the console becomes a command.

``/hours 90m learning read ch. 3`` -> ``LogHours(minutes=90, category="learning", ...)``.
Every mistake a person can make ends in a :class:`UsageError` carrying the right usage line;
nothing else escapes. Free text is kept as typed (only trimmed); rendering makes it safe.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from bot.domain import commands as c
from bot.domain.amounts import (
    CATEGORIES,
    MAX_MINUTES_PER_ENTRY,
    is_category,
    parse_amount,
    parse_category,
    parse_date,
    parse_day,
    quote,
)
from bot.domain.errors import UsageError

MAX_CHECKIN_CHARS = 4000  # each of did / next / blockers
MAX_NOTE_CHARS = 500
MAX_GOAL_CHARS = 300
MAX_COHORT_NAME_CHARS = 80
MAX_VALUE_CHARS = 200  # a setting value, a track or budget id
# Whole input: three full check-in fields plus labels and an hours line fit comfortably.
MAX_INPUT_CHARS = 3 * MAX_CHECKIN_CHARS + 1000

MY_SETTING_KEYS = (
    "timezone",
    "prompt-time",
    "study-days",
    "quiet-hours",
    "track",
    "budget",
    "delivery",
    "checkins",
    "leaderboard",
    "reminders",
)
COHORT_SETTING_KEYS = (
    "timezone",
    "prompt-time",
    "study-days",
    "reminder-day",
    "review-day",
    "digest-day",
    "admin",
    "rest-day",
    "name",
    "paused",
)
_KEY_ALIASES = {"tz": "timezone", "time-zone": "timezone"}
MAX_AWAY_DAYS = 90
MAX_SUMMARY_WEEKS_BACK = 52

USAGE: dict[str, str] = {
    "checkin": "/checkin [yesterday|2d|YYYY-MM-DD:] [text]  (no text opens the form)  "
    "e.g. /checkin finished lesson 4 | next: lesson 5 | blockers: none | mood: 4 "
    "| hours: 1h learning, 30m building",
    "checkin edit": "/checkin edit [text]  replaces today's check-in (no text: the form)  "
    "e.g. /checkin edit finished lessons 4 and 5",
    "hours": "/hours <amount> <category> [today|yesterday|2d|YYYY-MM-DD] [note]  "
    "e.g. /hours 1h30m building fixed tests",
    "hours undo": "/hours undo  takes back your last hours entry",
    "plan": "/plan  |  /plan set <week 1-4> <goal>  |  /plan done <week>  |  /plan undo <week>"
    "  |  /plan project <1-3>",
    "plan set": "/plan set <week 1-4> <goal>  e.g. /plan set 1 finish fast.ai lesson 1-3",
    "plan done": "/plan done <week 1-4>  e.g. /plan done 1",
    "plan undo": "/plan undo <week 1-4>  marks a week not done again",
    "plan project": "/plan project <1-3> [undo]  marks portfolio project 1, 2 or 3 shipped",
    "sprint": "/sprint  |  /sprint goal <text>  |  /sprint done <n>",
    "sprint goal": "/sprint goal <text>  e.g. /sprint goal write the README for project 1",
    "sprint done": "/sprint done <n>  e.g. /sprint done 2",
    "progress": "/progress  your streak, hours, plan and milestones",
    "help": "/help [command]  e.g. /help hours",
    "cohort": "/cohort start [name] | join [track] [budget] | leave | me [<key> <value>] "
    "| summary [last|N] | export | settings <key> <value> | forget-me [confirm]",
    "cohort start": "/cohort start [name]  e.g. /cohort start Spring ML switchers",
    "cohort join": "/cohort join [track] [budget]  e.g. /cohort join data_analyst part-time",
    "cohort leave": "/cohort leave",
    "cohort me": "/cohort me [<key> <value>]  keys: "
    + ", ".join(MY_SETTING_KEYS)
    + "  e.g. /cohort me timezone Europe/Berlin",
    "cohort me away": "/cohort me away <N days | until YYYY-MM-DD | off>  "
    "e.g. /cohort me away 5 days",
    "cohort summary": "/cohort summary [last|N]  this week, last week, or N weeks back (admins)",
    "cohort export": "/cohort export  CSV of the cohort's data (admins)",
    "cohort settings": "/cohort settings <key> <value>  keys: "
    + ", ".join(COHORT_SETTING_KEYS)
    + "  e.g. /cohort settings prompt-time 18:30 (admins)",
    "cohort forget-me": "/cohort forget-me [confirm]  deletes all your data in this cohort",
}

COMMAND_NAMES = ("checkin", "hours", "plan", "sprint", "progress", "cohort", "help")
_COMMAND_ALIASES = {"check-in": "checkin", "hour": "hours", "?": "help"}
COMMANDS_SUMMARY = "  ".join(f"/{name}" for name in COMMAND_NAMES) + "  (/help <command> for more)"

HELP_TEXT = """\
Here's what I can do:
/checkin [text]  check in: what you did, what's next, blockers (no text opens a form)
/hours <amount> <category> [note]  log time: 90m learning, 2h building, 1h30m networking
/plan  your 30-day plan  (/plan set <week> <goal>, /plan done <week>)
/sprint  this week's goals and hours  (/sprint goal <text>, /sprint done <n>)
/progress  your streak, hours, plan and milestones
/cohort  start, join, leave, me (your settings), summary, export, settings, forget-me
/help <command>  more on one command"""

HELP_TOPICS: dict[str, str] = {
    "checkin": "Check in with what you did. Add segments on their own line or after ' | ':\n"
    "next: ..., blockers: ..., mood: 1-5, hours: 1h learning, 30m building.\n"
    "Late? Start with yesterday:, 2d: or a date (up to 3 days back).",
    "hours": "Amounts: 1.5 (hours), 90m, 2h, 1h30m, at most 16 h per entry.\n"
    "Categories: learning (l), building (b), networking (n).\n"
    "Late? Add yesterday, 2d or a date after the category. /hours undo takes one back.",
    "plan": "Four weeks, one goal each: start a course, begin project 1, publish a post, "
    "reach out to three people. Make each one yours with /plan set.",
    "sprint": "One sprint per week: goals from your plan plus your own, and hour targets "
    "from your budget.",
    "progress": "Your streak, this week's hours against your budget, your plan and milestones.",
    "cohort": "Settings you can change with /cohort me <key> <value>: "
    + ", ".join(MY_SETTING_KEYS)
    + ".\nTake a break with /cohort me away <N days | until YYYY-MM-DD | off>."
    "\nReminders come by direct message unless you choose `delivery channel`; turn one "
    "kind off with /cohort me reminders <kind> off "
    "(sprint-kickoff, weekly-review, midweek-reminder, checkin-prompt, inactivity, "
    "mix-drift) or all of them with /cohort me reminders off."
    "\nLeaderboards are opt-in: /cohort me leaderboard on.",
    "help": "Ask about one command, e.g. /help hours.",
}


_TOPIC_ALIASES = {
    "amount": "hours",
    "amounts": "hours",
    "category": "hours",
    "categories": "hours",
    "me": "cohort",
    "settings": "cohort",
    "away": "cohort",
}


def help_text(topic: str | None = None) -> str:
    """The command list, or the usage and a few words on one command."""
    name = _help_topic(topic) if topic else None
    if name not in HELP_TOPICS:
        return HELP_TEXT
    lines = [usage for key, usage in USAGE.items() if key.split()[0] == name]
    return "\n".join([*lines, HELP_TOPICS[name]])


def parse(text: str) -> c.Command:
    """A whole line such as ``/hours 90m learning read ch. 3`` (the slash is optional)."""
    _check_input_length(text)
    stripped = text.strip()
    if not stripped:
        raise UsageError("Type a command to get started.\n" + HELP_TEXT, usage=COMMANDS_SUMMARY)
    # Any whitespace ends the name ("/checkin\nfinished lesson 4"); the rest keeps its lines.
    head, *rest = stripped.split(maxsplit=1)
    return parse_command(head, rest[0] if rest else "")


def parse_command(name: str, args: str) -> c.Command:
    """A command name (``/hours`` or ``hours``) and its argument text, as Slack sends them."""
    _check_input_length(args)
    command = _command_name(name)
    if not command:
        raise UsageError("Type a command to get started.\n" + HELP_TEXT, usage=COMMANDS_SUMMARY)
    parser = _PARSERS.get(command)
    if parser is None:
        raise UsageError(
            f"Unknown command {quote('/' + command)}.{_suggest(command, COMMAND_NAMES, '/')}",
            usage=COMMANDS_SUMMARY,
        )
    return parser(args.strip())


# ---- the commands -------------------------------------------------------------------------


def _parse_help(args: str) -> c.Help:
    if not args:
        return c.Help()
    topic = _help_topic(args)
    if topic not in HELP_TOPICS:
        raise UsageError(
            f"No help on {quote(args)}.{_suggest(topic, COMMAND_NAMES)}", usage=USAGE["help"]
        )
    return c.Help(topic=topic)


def _parse_progress(args: str) -> c.ShowProgress:
    _no_more(args, "progress")
    return c.ShowProgress()


def _parse_checkin(args: str) -> c.Command:
    if not args:
        return c.OpenCheckInForm()
    first, rest = _first_word(args)
    if first.lower() == "edit":
        if not rest:
            return c.OpenCheckInForm(edit=True)
        when, body = _leading_day(rest, "checkin edit")
        parts = _checkin_parts(body, "checkin edit")
        if "hours" in parts:
            raise UsageError(
                "Editing changes the check-in text only; log hours with /hours "
                "(and /hours undo to take one back).",
                usage=USAGE["checkin edit"],
            )
        return c.EditCheckIn(
            did=parts["did"],
            next=parts.get("next"),
            blockers=parts.get("blockers"),
            mood=_mood(parts.get("mood"), "checkin edit"),
            when=when,
        )
    when, body = _leading_day(args, "checkin")
    parts = _checkin_parts(body, "checkin")
    return c.CheckIn(
        did=parts["did"],
        next=parts.get("next"),
        blockers=parts.get("blockers"),
        mood=_mood(parts.get("mood"), "checkin"),
        hours=_hours_segment(parts.get("hours"), "checkin"),
        when=when,
    )


def _parse_hours(args: str) -> c.Command:
    usage = USAGE["hours"]
    if not args:
        raise UsageError("Say how long and on what, e.g. /hours 90m learning.", usage=usage)
    first, extra = _first_word(args)
    if first.lower() == "undo":
        _no_more(extra, "hours undo")
        return c.UndoHours()
    words = _Words(args)
    try:
        minutes, category = _amount_and_category(words, usage)
        when = _day_at(words)
    except UsageError as error:
        raise UsageError(error.message, usage=usage) from None
    note = words.rest()
    _check_length(note, MAX_NOTE_CHARS, "A note", usage)
    return c.LogHours(minutes=minutes, category=category, note=note or None, when=when)


def _parse_plan(args: str) -> c.Command:
    if not args:
        return c.ShowPlan()
    sub, rest = _first_word(args)
    sub = sub.lower()
    if sub == "set":
        usage = USAGE["plan set"]
        week_text, goal = _first_word(_drop_word(rest, "week"))
        week = _week(week_text, usage)
        _check_length(goal, MAX_GOAL_CHARS, "A plan goal", usage)
        if not goal:
            raise UsageError(f"What is your goal for week {week}?", usage=usage)
        return c.SetPlanGoal(week=week, goal=goal)
    if sub in ("done", "undo"):
        usage = USAGE[f"plan {sub}"]
        week_text, extra = _first_word(_drop_word(rest, "week"))
        week = _week(week_text, usage)
        _no_more(extra, f"plan {sub}")
        return c.MarkPlanDone(week=week, done=sub == "done")
    if sub == "project":
        usage = USAGE["plan project"]
        number_text, extra = _first_word(_drop_word(rest, "project"))
        number = _whole_number(number_text)
        if number is None or not 1 <= number <= 3:
            raise UsageError("Which project? 1, 2 or 3.", usage=usage)
        flag = extra.strip().lower()
        if flag not in ("", "done", "undo"):
            raise UsageError(f"{quote(flag)} is not done or undo.", usage=usage)
        return c.MarkPortfolioProject(number=number, done=flag != "undo")
    raise _unknown_subcommand("plan", sub, ("set", "done", "undo", "project"))


def _parse_sprint(args: str) -> c.Command:
    if not args:
        return c.ShowSprint()
    sub, rest = _first_word(args)
    sub = sub.lower()
    if sub == "goal":
        usage = USAGE["sprint goal"]
        _check_length(rest, MAX_GOAL_CHARS, "A sprint goal", usage)
        if not rest:
            raise UsageError("What is the goal?", usage=usage)
        return c.AddSprintGoal(text=rest)
    if sub == "done":
        usage = USAGE["sprint done"]
        number_text, extra = _first_word(rest)
        number = _whole_number(number_text)
        if number is None or number < 1:
            raise UsageError(
                "Which goal? Give its number from /sprint, e.g. /sprint done 2.", usage=usage
            )
        _no_more(extra, "sprint done")
        return c.MarkSprintGoalDone(number=number)
    raise _unknown_subcommand("sprint", sub, ("goal", "done"))


def _parse_cohort(args: str) -> c.Command:
    if not args:
        raise UsageError("Which cohort command?", usage=USAGE["cohort"])
    sub, rest = _first_word(args)
    sub = _key(sub)
    parser = _COHORT_PARSERS.get(sub)
    if parser is None:
        raise _unknown_subcommand("cohort", sub, tuple(_COHORT_PARSERS))
    return parser(rest)


def _parse_cohort_start(args: str) -> c.StartCohort:
    _check_length(args, MAX_COHORT_NAME_CHARS, "A cohort name", USAGE["cohort start"])
    return c.StartCohort(name=args or None)


def _parse_cohort_join(args: str) -> c.JoinCohort:
    usage = USAGE["cohort join"]
    words = args.lower().split()
    for word in words:
        _check_length(word, MAX_VALUE_CHARS, "A track or budget id", usage)
    if len(words) > 2:
        raise UsageError(
            "Join takes a track and a budget at most, e.g. /cohort join finance part-time.",
            usage=usage,
        )
    track = words[0] if words else None
    budget = words[1] if len(words) > 1 else None
    return c.JoinCohort(track=track, budget=budget)


def _parse_cohort_leave(args: str) -> c.LeaveCohort:
    _no_more(args, "cohort leave")
    return c.LeaveCohort()


def _parse_cohort_export(args: str) -> c.ExportCohort:
    _no_more(args, "cohort export")
    return c.ExportCohort()


def _parse_cohort_me(args: str) -> c.Command:
    if not args:
        return c.ShowMySettings()
    key, value = _first_word(args)
    key = _key(key)
    if key == "away":
        return _parse_away(value)
    return c.ChangeMySetting(
        key=_setting_key(key, MY_SETTING_KEYS, "cohort me"),
        value=_setting_value(value, key, "cohort me"),
    )


def _parse_away(args: str) -> c.SetAway:
    usage = USAGE["cohort me away"]
    words = args.lower().split()
    if words == ["off"]:
        return c.SetAway()
    if len(words) == 2 and words[0] == "until":
        return c.SetAway(until=parse_date(words[1], usage=usage).isoformat())
    days = None
    if len(words) == 1:
        days = _whole_number(words[0])
        if days is None:
            back = parse_day(words[0]) if words[0].endswith("d") else None
            days = back if isinstance(back, int) else None
    elif len(words) == 2 and words[1] in ("day", "days"):
        days = _whole_number(words[0])
    if days is None:
        raise UsageError("How long? Give a number of days, an end date, or off.", usage=usage)
    if not 1 <= days <= MAX_AWAY_DAYS:
        raise UsageError(f"Away can be 1 to {MAX_AWAY_DAYS} days (you wrote {days}).", usage=usage)
    return c.SetAway(days=days)


def _parse_cohort_summary(args: str) -> c.ShowSummary:
    usage = USAGE["cohort summary"]
    word, extra = _first_word(args.lower())
    _no_more(extra, "cohort summary")
    if word in ("", "this"):
        return c.ShowSummary(weeks_back=0)
    if word == "last":
        return c.ShowSummary(weeks_back=1)
    weeks = _whole_number(word)
    if weeks is None or weeks > MAX_SUMMARY_WEEKS_BACK:
        raise UsageError(
            f"Say which week: nothing for this week, last, or 1 to {MAX_SUMMARY_WEEKS_BACK} "
            "weeks back.",
            usage=usage,
        )
    return c.ShowSummary(weeks_back=weeks)


def _parse_cohort_settings(args: str) -> c.ChangeCohortSetting:
    key, value = _first_word(args)
    key = _setting_key(_key(key), COHORT_SETTING_KEYS, "cohort settings")
    if key == "name":
        usage = USAGE["cohort settings"]
        _check_length(value, MAX_COHORT_NAME_CHARS, "A cohort name", usage)
    return c.ChangeCohortSetting(key=key, value=_setting_value(value, key, "cohort settings"))


def _parse_forget_me(args: str) -> c.ForgetMe:
    word = args.lower()
    if word not in ("", "confirm"):
        raise UsageError(
            "Add confirm to delete your data, or nothing to see what would go.",
            usage=USAGE["cohort forget-me"],
        )
    return c.ForgetMe(confirm=word == "confirm")


_PARSERS: dict[str, Callable[[str], c.Command]] = {
    "checkin": _parse_checkin,
    "hours": _parse_hours,
    "plan": _parse_plan,
    "sprint": _parse_sprint,
    "progress": _parse_progress,
    "cohort": _parse_cohort,
    "help": _parse_help,
}

_COHORT_PARSERS: dict[str, Callable[[str], c.Command]] = {
    "start": _parse_cohort_start,
    "join": _parse_cohort_join,
    "leave": _parse_cohort_leave,
    "me": _parse_cohort_me,
    "summary": _parse_cohort_summary,
    "export": _parse_cohort_export,
    "settings": _parse_cohort_settings,
    "forget-me": _parse_forget_me,
}


# ---- check-in text ------------------------------------------------------------------------

# A label starts the text, a line, or follows " | ". Unlabelled lines continue the segment
# before them, so a multi-line blocker stays whole and a "|" inside a sentence is just text.
_LABEL = re.compile(r"(?:\A|\n|\|)\s*(next|blockers?|mood|hours)[ \t]*:", re.IGNORECASE)
_TEXT_FIELDS = {"did": "What you did", "next": "What's next", "blockers": "Blockers"}


def _checkin_parts(text: str, command: str) -> dict[str, str]:
    usage = USAGE[command]
    parts: dict[str, str] = {}
    matches = list(_LABEL.finditer(text))
    parts["did"] = text[: matches[0].start()] if matches else text
    for index, match in enumerate(matches):
        label = match.group(1).lower()
        label = "blockers" if label == "blocker" else label
        if label in parts:
            raise UsageError(f"'{label}:' appears twice; give it once.", usage=usage)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts[label] = text[match.end() : end]
    parts = {label: value.strip() for label, value in parts.items()}
    # Lengths first, so an over-long paste is reported as that, whatever else is wrong.
    for label, name in _TEXT_FIELDS.items():
        _check_length(parts.get(label, ""), MAX_CHECKIN_CHARS, name, usage)
    if not parts["did"]:
        raise UsageError(
            "Start with what you did, e.g. /checkin finished lesson 4 | next: lesson 5.",
            usage=usage,
        )
    for label in ("next", "blockers"):
        if label in parts and not parts[label]:
            del parts[label]
    return parts


def _mood(text: str | None, command: str) -> int | None:
    if text is None or text == "":
        return None
    match = re.fullmatch(r"([0-9]{1,6})(?:\s*/\s*5)?", text)  # "4" or "4/5"
    mood = int(match.group(1)) if match else None
    if mood is None or not 1 <= mood <= 5:
        raise UsageError(
            f"Mood is a number from 1 to 5 (you wrote {quote(text)}).", usage=USAGE[command]
        )
    return mood


def _hours_segment(text: str | None, command: str) -> dict[str, int]:
    """``1h learning, 30m building`` -> ``{"learning": 60, "building": 30}``."""
    usage = USAGE[command]
    if not text:
        return {}
    totals: dict[str, int] = {}
    for item in re.split(r"[,;]|\band\b", text):
        if not item.strip():
            continue
        words = _Words(item)
        try:
            minutes, category = _amount_and_category(words, usage)
        except UsageError as error:
            raise UsageError(f"In hours: {error.message}", usage=usage) from None
        if words.rest():
            raise UsageError(
                f"In hours: I can't read {quote(item.strip())}; write e.g. "
                "hours: 1h learning, 30m building.",
                usage=usage,
            )
        totals[category] = totals.get(category, 0) + minutes
        if totals[category] > MAX_MINUTES_PER_ENTRY:
            raise UsageError(
                f"In hours: more than 16 h of {category} in one check-in.", usage=usage
            )
    return totals


_DAY_PREFIX = re.compile(
    r"\s*(today|yesterday|[0-9]{1,4}d|[0-9]{1,4}[ \t]+days?[ \t]+ago"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[ \t]*(:|(?=\s)|\Z)",
    re.IGNORECASE,
)


def _leading_day(text: str, command: str) -> tuple[c.Day, str]:
    """``yesterday: finished x`` -> ``(1, "finished x")``; no day word -> ``(0, text)``."""
    match = _DAY_PREFIX.match(text)
    # "today I learned ..." is a sentence; "today: ..." names the day.
    if match is None or (match.group(1).lower() == "today" and not match.group(2)):
        return 0, text
    try:
        day = parse_day(match.group(1))
    except UsageError as error:
        raise UsageError(error.message, usage=USAGE[command]) from None
    return (0 if day is None else day), text[match.end() :]


# ---- shared pieces ------------------------------------------------------------------------


class _Words:
    """The words of an argument string, read left to right; the rest keeps its spacing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [m.span() for m in re.finditer(r"\S+", text)]
        self.at = 0

    def peek(self, count: int) -> str:
        if self.at + count > len(self.spans):
            return ""
        start, end = self.spans[self.at][0], self.spans[self.at + count - 1][1]
        return self.text[start:end]

    def skip(self, count: int) -> None:
        self.at += count

    def rest(self) -> str:
        if self.at >= len(self.spans):
            return ""
        return self.text[self.spans[self.at][0] :].strip()


def _take_amount(words: _Words) -> int:
    """The longest run of up to four words that reads as an amount (``1 h 30 m``)."""
    first_error: UsageError | None = None
    for count in (4, 3, 2, 1):
        phrase = words.peek(count)
        if not phrase:
            continue
        try:
            minutes = parse_amount(phrase)
        except UsageError as error:
            if count == 1:
                first_error = error
            continue
        words.skip(count)
        return minutes
    raise first_error or UsageError("Say how long, like 90m or 2h.")


def _amount_and_category(words: _Words, usage: str) -> tuple[int, str]:
    first = words.peek(1)
    if is_category(first):
        words.skip(1)
        category = parse_category(first)
        if not words.peek(1):
            raise UsageError(f"How long on {category}? e.g. 90m or 2h.", usage=usage)
        return _take_amount(words), category
    if not re.search(r"[0-9]", first) and words.peek(1) and _reads_as_amount(words, 1):
        parse_category(first)  # "bulding 2h": a misspelt category, say so
    minutes = _take_amount(words)
    category_word = words.peek(1)
    if not category_word:
        raise UsageError("Which category? " + ", ".join(CATEGORIES) + " (or l, b, n).", usage=usage)
    category = parse_category(category_word)
    words.skip(1)
    return minutes, category


def _reads_as_amount(words: _Words, offset: int) -> bool:
    ahead = _Words(words.text)
    ahead.at = words.at + offset
    try:
        _take_amount(ahead)
    except UsageError:
        return False
    return True


def _day_at(words: _Words) -> c.Day:
    for count in (3, 1):
        phrase = words.peek(count)
        if not phrase or (count == 3 and not phrase.lower().endswith("ago")):
            continue
        day = parse_day(phrase)
        if day is not None:
            words.skip(count)
            return day
    return 0


def _whole_number(text: str) -> int | None:
    # Bounded ASCII digits: int() would read "٣", and refuses more than 4300 digits.
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


def _week(text: str, usage: str) -> int:
    week = _whole_number(text.lower().removeprefix("w"))
    if week is None or not 1 <= week <= 4:
        shown = f" (you wrote {quote(text)})" if text else ""
        raise UsageError(f"The plan has weeks 1 to 4{shown}.", usage=usage)
    return week


def _drop_word(text: str, word: str) -> str:
    """``week 2 ...`` -> ``2 ...``: the optional word people type out of habit."""
    first, rest = _first_word(text)
    return rest if first.lower() == word else text


def _first_word(text: str) -> tuple[str, str]:
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def _help_topic(text: str) -> str:
    first, _ = _first_word(text)
    name = _command_name(first)
    return _TOPIC_ALIASES.get(name, name)


def _command_name(name: str) -> str:
    word = name.strip().lower().removeprefix("/").strip()
    return _COMMAND_ALIASES.get(word, word)


def _key(word: str) -> str:
    key = word.strip().lower().replace("_", "-")
    return _KEY_ALIASES.get(key, key)


def _setting_key(key: str, keys: tuple[str, ...], command: str) -> str:
    if key in keys:
        return key
    shown = f"Unknown setting {quote(key)}." if key else "Which setting?"
    raise UsageError(
        f"{shown}{_suggest(key, keys)} Settings: {', '.join(keys)}.", usage=USAGE[command]
    )


# Values that are ids or choices; time zones, names and user mentions keep their case.
_LOWER_CASE_VALUES = frozenset(
    {
        "study-days",
        "track",
        "budget",
        "delivery",
        "checkins",
        "leaderboard",
        "reminders",
        "reminder-day",
        "review-day",
        "digest-day",
        "rest-day",
    }
)


def _setting_value(value: str, key: str, command: str) -> str:
    usage = USAGE[command]
    _check_length(value, MAX_VALUE_CHARS, f"A value for {key}", usage)
    if not value:
        raise UsageError(f"What should {key} be?", usage=usage)
    return value.lower() if key in _LOWER_CASE_VALUES else value


def _no_more(extra: str, command: str) -> None:
    if extra:
        raise UsageError(
            f"/{command} takes nothing more (you added {quote(extra)}).", usage=USAGE[command]
        )


def _unknown_subcommand(command: str, sub: str, subs: tuple[str, ...]) -> UsageError:
    return UsageError(
        f"Unknown /{command} command {quote(sub)}.{_suggest(sub, subs)} Try: {', '.join(subs)}.",
        usage=USAGE[command],
    )


def _suggest(word: str, options: tuple[str, ...], prefix: str = "") -> str:
    close = difflib.get_close_matches(word[:50], options, n=1, cutoff=0.6)
    return f" Did you mean '{prefix}{close[0]}'?" if close else ""


def _check_length(text: str, limit: int, what: str, usage: str) -> None:
    if len(text) > limit:
        raise UsageError(
            f"{what} can be at most {limit} characters; this one has {len(text)}.", usage=usage
        )


def _check_input_length(text: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise UsageError(
            f"That message has {len(text)} characters; the most I take is {MAX_INPUT_CHARS}.",
            usage=COMMANDS_SUMMARY,
        )
