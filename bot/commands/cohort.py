"""``/cohort``: start, join or leave the channel's cohort, your settings and a break, and the
admins' summary, export and settings.

Typed UIs (Discord) put the admins' commands in their own ``/cohort-admin`` group and the
break in ``/cohort away``; the ``*_from_options`` readers build the same commands.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.commands.limits import (
    COHORT_SETTING_KEYS,
    MAX_AWAY_DAYS,
    MAX_COHORT_NAME_CHARS,
    MAX_SUMMARY_WEEKS_BACK,
    MAX_VALUE_CHARS,
    MY_SETTING_KEYS,
)
from bot.commands.reading import (
    check_length,
    first_word,
    key,
    no_more,
    setting_key,
    setting_value,
    unknown_subcommand,
    whole_number,
)
from bot.commands.spec import Option, Spec
from bot.domain import commands as c
from bot.domain.amounts import parse_date, parse_day
from bot.domain.errors import UsageError

_KEY = Option("key")
_VALUE = Option("value", rest=True)

COHORT = Spec(
    "cohort",
    usage="/cohort start [name] | join [track] [budget] | leave | me [<key> <value>] "
    "| summary [last|N] | export | settings <key> <value> | forget-me [confirm]",
    typed_usage="/cohort start [name:<...>] | join [track:<...>] [budget:<...>] | leave "
    "| me [key:<key> value:<value>] | away (days:<N>, until:<YYYY-MM-DD> or off:True) "
    "| forget-me [confirm:True]   admins: /cohort-admin summary [weeks_back:<N>] | export "
    "| settings key:<key> value:<value>",
    help="Settings you can change with /cohort me <key> <value>: "
    + ", ".join(MY_SETTING_KEYS)
    + ".\nTake a break with /cohort me away <N days | until YYYY-MM-DD | off>."
    "\nReminders come by direct message unless you choose `delivery channel`; turn one "
    "kind off with /cohort me reminders <kind> off "
    "(sprint-kickoff, weekly-review, midweek-reminder, checkin-prompt, inactivity, "
    "mix-drift) or all of them with /cohort me reminders off."
    "\nLeaderboards are opt-in: /cohort me leaderboard on.",
    typed_help="Settings you can change with /cohort me key:<key> value:<value>: "
    + ", ".join(MY_SETTING_KEYS)
    + ".\nTake a break with /cohort away days:<N>, until:<YYYY-MM-DD> or off:True."
    "\nReminders come by direct message unless you choose /cohort me key:delivery "
    "value:channel; turn one kind off with /cohort me key:reminders value:<kind> off "
    "(sprint-kickoff, weekly-review, midweek-reminder, checkin-prompt, inactivity, "
    "mix-drift) or all of them with /cohort me key:reminders value:off."
    "\nLeaderboards are opt-in: /cohort me key:leaderboard value:on."
    "\nAdmins: /cohort-admin summary, /cohort-admin export and /cohort-admin settings.",
)
START = Spec(
    "cohort start",
    usage="/cohort start [name]  e.g. /cohort start Spring ML switchers",
    typed_usage="/cohort start [name:<...>]  e.g. /cohort start name:Spring ML switchers",
    options=(Option("name", rest=True),),
)
JOIN = Spec(
    "cohort join",
    usage="/cohort join [track] [budget]  e.g. /cohort join data_analyst part-time",
    typed_usage="/cohort join [track:<...>] [budget:<...>]  "
    "e.g. /cohort join track:data_analyst budget:part-time",
    options=(Option("track"), Option("budget")),
)
LEAVE = Spec("cohort leave", usage="/cohort leave")
ME = Spec(
    "cohort me",
    usage="/cohort me [<key> <value>]  keys: "
    + ", ".join(MY_SETTING_KEYS)
    + "  e.g. /cohort me timezone Europe/Berlin",
    typed_usage="/cohort me [key:<key> value:<value>]  keys: "
    + ", ".join(MY_SETTING_KEYS)
    + "  e.g. /cohort me key:timezone value:Europe/Berlin",
    options=(_KEY, _VALUE),
)
AWAY = Spec(
    "cohort me away",
    usage="/cohort me away <N days | until YYYY-MM-DD | off>  e.g. /cohort me away 5 days",
    typed_usage="/cohort away days:<N> | until:<YYYY-MM-DD> | off:True  e.g. /cohort away days:5",
    options=(
        Option("days", pattern=r"[0-9]{1,6}", units=("day", "days")),
        Option("until", keyword=True),
        Option("off", flag=True),
    ),
    typed_name="cohort away",
)
SUMMARY = Spec(
    "cohort summary",
    usage="/cohort summary [last|N]  this week, last week, or N weeks back (admins)",
    typed_usage="/cohort-admin summary [weeks_back:<N>]  0 this week, 1 last week, "
    "or N weeks back (admins)",
    options=(Option("weeks_back"),),
    typed_name="cohort-admin summary",
)
EXPORT = Spec(
    "cohort export",
    usage="/cohort export  CSV of the cohort's data (admins)",
    typed_usage="/cohort-admin export  CSV of the cohort's data (admins)",
    typed_name="cohort-admin export",
)
SETTINGS = Spec(
    "cohort settings",
    usage="/cohort settings <key> <value>  keys: "
    + ", ".join(COHORT_SETTING_KEYS)
    + "  e.g. /cohort settings prompt-time 18:30 (admins)",
    typed_usage="/cohort-admin settings key:<key> value:<value>  keys: "
    + ", ".join(COHORT_SETTING_KEYS)
    + "  e.g. /cohort-admin settings key:prompt-time value:18:30 (admins)",
    options=(_KEY, _VALUE),
    typed_name="cohort-admin settings",
)
FORGET_ME = Spec(
    "cohort forget-me",
    usage="/cohort forget-me [confirm]  deletes all your data in this cohort",
    typed_usage="/cohort forget-me [confirm:True]  deletes all your data in this cohort",
    options=(Option("confirm", flag=True),),
)
SPECS = (COHORT, START, JOIN, LEAVE, ME, AWAY, SUMMARY, EXPORT, SETTINGS, FORGET_ME)


def parse(args: str) -> c.Command:
    """The text after ``/cohort``: its subcommand and that subcommand's words."""
    if not args:
        raise UsageError("Which cohort command?", usage=COHORT.usage)
    sub, rest = first_word(args)
    sub = key(sub)
    parser = _PARSERS.get(sub)
    if parser is None:
        raise unknown_subcommand(COHORT, sub, tuple(_PARSERS))
    return parser(rest)


def _parse_start(args: str) -> c.StartCohort:
    check_length(args, MAX_COHORT_NAME_CHARS, "A cohort name", START.usage)
    return c.StartCohort(name=args or None)


def _parse_join(args: str) -> c.JoinCohort:
    usage = JOIN.usage
    words = args.lower().split()
    for word in words:
        check_length(word, MAX_VALUE_CHARS, "A track or budget id", usage)
    if len(words) > 2:
        raise UsageError(
            "Join takes a track and a budget at most, e.g. `/cohort join finance part-time`.",
            usage=usage,
        )
    track = words[0] if words else None
    budget = words[1] if len(words) > 1 else None
    return c.JoinCohort(track=track, budget=budget)


def _parse_leave(args: str) -> c.LeaveCohort:
    no_more(args, LEAVE)
    return c.LeaveCohort()


def _parse_export(args: str) -> c.ExportCohort:
    no_more(args, EXPORT)
    return c.ExportCohort()


def _parse_me(args: str) -> c.Command:
    if not args:
        return c.ShowMySettings()
    word, value = first_word(args)
    name = key(word)
    if name == "away":
        return _parse_away(value)
    return c.ChangeMySetting(
        key=setting_key(name, MY_SETTING_KEYS, ME.usage),
        value=setting_value(value, name, ME.usage),
    )


def _parse_away(args: str) -> c.SetAway:
    usage = AWAY.usage
    words = args.lower().split()
    if words == ["off"]:
        return c.SetAway()
    if len(words) == 2 and words[0] == "until":
        return c.SetAway(until=parse_date(words[1], usage=usage).isoformat())
    days = None
    if len(words) == 1:
        days = whole_number(words[0])
        if days is None:
            back = parse_day(words[0]) if words[0].endswith("d") else None
            days = back if isinstance(back, int) else None
    elif len(words) == 2 and words[1] in ("day", "days"):
        days = whole_number(words[0])
    if days is None:
        raise UsageError("How long? Give a number of days, an end date, or off.", usage=usage)
    if not 1 <= days <= MAX_AWAY_DAYS:
        raise UsageError(f"Away can be 1 to {MAX_AWAY_DAYS} days (you wrote {days}).", usage=usage)
    return c.SetAway(days=days)


def _parse_summary(args: str) -> c.ShowSummary:
    usage = SUMMARY.usage
    word, extra = first_word(args.lower())
    no_more(extra, SUMMARY)
    if word in ("", "this"):
        return c.ShowSummary(weeks_back=0)
    if word == "last":
        return c.ShowSummary(weeks_back=1)
    weeks = whole_number(word)
    if weeks is None or weeks > MAX_SUMMARY_WEEKS_BACK:
        raise UsageError(
            f"Say which week: nothing for this week, last, or 1 to {MAX_SUMMARY_WEEKS_BACK} "
            "weeks back.",
            usage=usage,
        )
    return c.ShowSummary(weeks_back=weeks)


def _parse_settings(args: str) -> c.ChangeCohortSetting:
    word, value = first_word(args)
    name = setting_key(key(word), COHORT_SETTING_KEYS, SETTINGS.usage)
    if name == "name":
        check_length(value, MAX_COHORT_NAME_CHARS, "A cohort name", SETTINGS.usage)
    return c.ChangeCohortSetting(key=name, value=setting_value(value, name, SETTINGS.usage))


def _parse_forget_me(args: str) -> c.ForgetMe:
    word = args.lower()
    if word not in ("", "confirm"):
        raise UsageError(
            "Add confirm to delete your data, or nothing to see what would go.",
            usage=FORGET_ME.usage,
        )
    return c.ForgetMe(confirm=word == "confirm")


_PARSERS: dict[str, Callable[[str], c.Command]] = {
    "start": _parse_start,
    "join": _parse_join,
    "leave": _parse_leave,
    "me": _parse_me,
    "summary": _parse_summary,
    "export": _parse_export,
    "settings": _parse_settings,
    "forget-me": _parse_forget_me,
}


# ---- typed options ------------------------------------------------------------------------


def start_from_options(name: str | None = None) -> c.StartCohort:
    text = (name or "").strip()
    if len(text) > MAX_COHORT_NAME_CHARS:
        raise UsageError(
            f"A cohort name can be at most {MAX_COHORT_NAME_CHARS} characters.",
            START.typed_usage_line,
        )
    return c.StartCohort(name=text or None)


def join_from_options(track: str | None = None, budget: str | None = None) -> c.JoinCohort:
    return c.JoinCohort(track=_id(track), budget=_id(budget))


def _id(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    if len(text) > MAX_VALUE_CHARS:
        raise UsageError("That id is too long.", JOIN.typed_usage_line)
    return text or None


def me_from_options(key: str | None = None, value: str | None = None) -> c.Command:
    usage = ME.typed_usage_line
    if key is None:
        if value is not None:
            raise UsageError("Which setting? Pick a key.", usage)
        return c.ShowMySettings()
    return c.ChangeMySetting(
        key=_typed_key(key, MY_SETTING_KEYS, usage), value=_typed_value(value, key, usage)
    )


def away_from_options(
    days: int | None = None, until: str | None = None, off: bool | None = None
) -> c.SetAway:
    usage = AWAY.typed_usage_line
    given = [x for x in (days, until, off) if x is not None]
    if len(given) != 1:
        raise UsageError("Give one of days, until or off.", usage)
    if off is not None:
        if not off:
            raise UsageError("off:True ends your break early.", usage)
        return c.SetAway()
    if until is not None:
        return c.SetAway(until=parse_date(until[:20], usage=usage).isoformat())
    # The typed UI offers 1-90; a forged payload may carry anything (99999 days: year 2300).
    if not isinstance(days, int) or not 1 <= days <= MAX_AWAY_DAYS:
        raise UsageError(f"Away can be 1 to {MAX_AWAY_DAYS} days (you chose {days}).", usage)
    return c.SetAway(days=days)


def summary_from_options(weeks_back: int = 0) -> c.ShowSummary:
    # The typed UI offers 0-52; a forged payload may carry anything.
    if not isinstance(weeks_back, int) or not 0 <= weeks_back <= MAX_SUMMARY_WEEKS_BACK:
        raise UsageError(
            f"weeks_back can be 0 (this week) to {MAX_SUMMARY_WEEKS_BACK}.",
            SUMMARY.typed_usage_line,
        )
    return c.ShowSummary(weeks_back=weeks_back)


def settings_from_options(key: str, value: str | None) -> c.ChangeCohortSetting:
    usage = SETTINGS.typed_usage_line
    return c.ChangeCohortSetting(
        key=_typed_key(key, COHORT_SETTING_KEYS, usage), value=_typed_value(value, key, usage)
    )


def forget_me_from_options(confirm: bool = False) -> c.ForgetMe:
    return c.ForgetMe(confirm=confirm)


def _typed_key(name: str, keys: tuple[str, ...], usage: str) -> str:
    # Typed UIs offer only these as choices; a forged payload may carry anything.
    if name not in keys:
        raise UsageError(f"Unknown setting '{name[:40]}'. Settings: {', '.join(keys)}.", usage)
    return name


def _typed_value(value: str | None, name: str, usage: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UsageError(f"What should {name} be? Add value:<...>.", usage)
    if len(text) > MAX_VALUE_CHARS:
        raise UsageError(f"A value can be at most {MAX_VALUE_CHARS} characters.", usage)
    return text
