"""Settings: a member's own, being away, and the cohort's (admins only).

Each key has one setter in a table; a setter stores the value and returns what to show,
or a whole reply when the key answers in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from bot.commands import USAGE
from bot.domain import commands as c
from bot.domain.calendar import (
    WEEKDAYS,
    format_study_days,
    parse_clock,
    parse_study_days,
    weekday_number,
    zone,
)
from bot.domain.errors import UsageError
from bot.domain.schedule import REMINDER_KINDS
from bot.messages import Message, Reply, safe_text
from bot.read import cards, stats
from bot.storage.orm import AwayPeriod, Cohort, CohortAdmin, Member, RestDay
from bot.usecases import membership, sprint_follow
from bot.usecases.context import READS, WRITES, Ctx, UseCase

MemberSetter = Callable[[Ctx, Member, str], "str | Reply"]
CohortSetter = Callable[[Ctx, Cohort, str], "str | Reply"]


def on_off(value: str, usage: str) -> bool:
    if value in ("on", "yes", "true"):
        return True
    if value in ("off", "no", "false"):
        return False
    raise UsageError(f"'{safe_text(value, 20)}' should be on or off.", usage)


# -- a member's own settings -----------------------------------------------------------


# A member's own and the cohort's: the same three settings, read the same way.
def _timezone(ctx: Ctx, owner: Member | Cohort, value: str) -> str:
    owner.timezone = zone(value).key
    return owner.timezone


def _prompt_time(ctx: Ctx, owner: Member | Cohort, value: str) -> str:
    owner.prompt_time = parse_clock(value)
    return f"{owner.prompt_time:%H:%M}"


def _study_days(ctx: Ctx, owner: Member | Cohort, value: str) -> str:
    owner.study_days = format_study_days(parse_study_days(value))
    return owner.study_days


def _quiet_hours(ctx: Ctx, member: Member, value: str) -> str:
    if value.lower() == "off":
        member.quiet_start = member.quiet_end = None
        return "off"
    a, sep, b = value.partition("-")
    if not sep:
        raise UsageError(
            f"'{safe_text(value, 40)}' is not a range.",
            "`/cohort me quiet-hours 22:00-07:00 (or off)`",
        )
    member.quiet_start, member.quiet_end = parse_clock(a), parse_clock(b)
    return f"{member.quiet_start:%H:%M}-{member.quiet_end:%H:%M}"


def _track(ctx: Ctx, member: Member, value: str) -> str:
    membership.check_track(ctx.content, value.lower())
    member.track = value.lower()
    return member.track


def _budget(ctx: Ctx, member: Member, value: str) -> str:
    membership.check_budget(ctx.content, value.lower())
    member.budget = value.lower()
    sprint_follow.follow_plan_and_budget(ctx.session, ctx.content, member, ctx.now)
    return member.budget


def _delivery(ctx: Ctx, member: Member, value: str) -> str | Reply:
    low = value.lower()
    if low not in ("dm", "channel"):
        raise UsageError("Delivery is `dm` or `channel`.", USAGE["cohort me"])
    member.delivery = low
    if member.status == "paused":
        # They chose how to be reached: try again (a failure pauses them again).
        member.status = "active"
        return Reply(Message(f"Done: delivery is now {low}. Your reminders are back on."))
    return low


def _checkins(ctx: Ctx, member: Member, value: str) -> str:
    low = value.lower()
    if low not in ("public", "private"):
        raise UsageError("Check-ins are `public` or `private`.", USAGE["cohort me"])
    member.checkins_public = low == "public"
    return low


def _leaderboard(ctx: Ctx, member: Member, value: str) -> str:
    member.leaderboard = on_off(value.lower(), USAGE["cohort me"])
    return value.lower()


def reminder_name(kind: str) -> str:
    """A reminder kind as members type it: ``sprint-kickoff``, not ``sprint_kickoff``."""
    return kind.replace("_", "-")


def _reminders(ctx: Ctx, member: Member, value: str) -> Reply:
    """``reminders off`` / ``reminders on`` / ``reminders <kind> on|off``."""
    usage = "`/cohort me reminders [" + "|".join(map(reminder_name, REMINDER_KINDS)) + "] on|off`"
    parts = value.lower().replace("-", "_").split()
    off = {k for k in member.reminders_off.split(",") if k}
    if len(parts) == 1:
        flag = on_off(parts[0], usage)
        off = set() if flag else set(REMINDER_KINDS)
    elif len(parts) == 2 and parts[0] in REMINDER_KINDS:
        if on_off(parts[1], usage):
            off.discard(parts[0])
        else:
            off.add(parts[0])
    else:
        raise UsageError("Which reminder?", usage)
    member.reminders_off = ",".join(sorted(off))
    if not off:
        return Reply(Message("Done: all your reminders are on."))
    if off == set(REMINDER_KINDS):
        return Reply(Message("Done: all your reminders are off."))
    names = [reminder_name(k) for k in REMINDER_KINDS if k in off]
    which = (
        f"the {names[0]} reminder is"
        if len(names) == 1
        else ("the " + ", ".join(names[:-1]) + f" and {names[-1]} reminders are")
    )
    return Reply(Message(f"Done: {which} off; the others are on."))


MEMBER_SETTERS: dict[str, MemberSetter] = {
    "timezone": _timezone,
    "prompt-time": _prompt_time,
    "study-days": _study_days,
    "quiet-hours": _quiet_hours,
    "track": _track,
    "budget": _budget,
    "delivery": _delivery,
    "checkins": _checkins,
    "leaderboard": _leaderboard,
    "reminders": _reminders,
}


def show_settings(ctx: Ctx, cmd: c.ShowMySettings) -> Reply:
    member = membership.current_member(ctx)
    return Reply(cards.settings_card(ctx.session, member, ctx.now))


def change_setting(ctx: Ctx, cmd: c.ChangeMySetting) -> Reply:
    member = membership.current_member(ctx)
    setter = MEMBER_SETTERS.get(cmd.key)
    if setter is None:
        raise UsageError(f"Unknown setting '{safe_text(cmd.key, 40)}'.", USAGE["cohort me"])
    shown = setter(ctx, member, cmd.value.strip())
    if isinstance(shown, Reply):
        return shown
    return Reply(Message(f"Done: {cmd.key} is now {safe_text(shown, 80)}."))


def set_away(ctx: Ctx, cmd: c.SetAway) -> Reply:
    session = ctx.session
    member = membership.current_member(ctx)
    today = stats.today_for(member, ctx.now)
    usage = USAGE["cohort me away"]
    if cmd.days is None and cmd.until is None:
        periods = session.scalars(
            select(AwayPeriod).where(
                AwayPeriod.member_id == member.id, AwayPeriod.end_date >= today
            )
        ).all()
        for p in periods:
            if p.start_date >= today:
                session.delete(p)
            else:
                p.end_date = today - timedelta(days=1)
        return Reply(
            Message(
                "Welcome back! Prompts start again from your next study day."
                if periods
                else "You weren't marked away."
            )
        )
    if cmd.days is not None:
        end = today + timedelta(days=cmd.days - 1)
    else:
        try:
            end = date.fromisoformat(cmd.until or "")
        except ValueError as exc:
            raise UsageError(f"'{safe_text(cmd.until, 20)}' is not a date.", usage) from exc
        if end < today:
            raise UsageError("That date has already passed.", usage)
        if end > today + timedelta(days=366):
            raise UsageError("Away can last at most a year.", usage)
    session.add(AwayPeriod(member_id=member.id, start_date=today, end_date=end))
    return Reply(
        Message(
            f"Enjoy the break. You're away until {end:%a %d %b} (inclusive): no prompts, "
            "and your streak is frozen. `/cohort me away off` to come back early."
        )
    )


# -- the cohort's settings (admins) ----------------------------------------------------


def _weekday(attribute: str) -> CohortSetter:
    def set_day(ctx: Ctx, cohort: Cohort, value: str) -> str:
        n = weekday_number(value)
        setattr(cohort, attribute, n)
        return WEEKDAYS[n]

    return set_day


def _name(ctx: Ctx, cohort: Cohort, value: str) -> str:
    if not value or len(value) > 80:
        raise UsageError("A cohort name is 1-80 characters.", USAGE["cohort settings"])
    cohort.name = value
    return value


_ADMIN_USAGE = "`/cohort settings admin <@member | member's name>`"
# Slack <@U123|ben>, Discord <@123> / <@!123>: the id inside a mention.
_MENTION = re.compile(r"<@!?([^|>\s]+)(?:\|[^>]*)?>")


def _admin(ctx: Ctx, cohort: Cohort, value: str) -> Reply:
    """Make a member of this cohort an admin, stored by their user id: a mention, their id or
    their display name (any case) finds them; anyone else is refused."""
    if not value:
        raise UsageError("Name the member to make admin.", _ADMIN_USAGE)
    mention = _MENTION.fullmatch(value)
    ident = mention.group(1) if mention else value
    members = ctx.session.scalars(
        select(Member).where(Member.cohort_id == cohort.id, Member.status != "left")
    ).all()
    found = [m for m in members if m.user_id == ident]
    if not found and mention is None:
        found = [m for m in members if m.display_name.casefold() == ident.casefold()]
    if not found:
        raise UsageError(
            f"{safe_text(value, 64)} isn't a member of {safe_text(cohort.name, 80)}. An admin "
            "must be a member: they join with `/cohort join`, then name them again.",
            _ADMIN_USAGE,
        )
    if len(found) > 1:
        raise UsageError(
            f"More than one member is called {safe_text(value, 64)}; mention the one you mean.",
            _ADMIN_USAGE,
        )
    member = found[0]
    exists = ctx.session.scalar(
        select(CohortAdmin.id).where(
            CohortAdmin.cohort_id == cohort.id, CohortAdmin.user_id == member.user_id
        )
    )
    if exists is None:
        ctx.session.add(CohortAdmin(cohort_id=cohort.id, user_id=member.user_id))
    return Reply(
        Message(
            f"Done: {safe_text(member.display_name, 80)} is an admin of "
            f"{safe_text(cohort.name, 80)}."
        )
    )


def _rest_day(ctx: Ctx, cohort: Cohort, value: str) -> Reply:
    usage = "`/cohort settings rest-day YYYY-MM-DD`"
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"'{safe_text(value, 20)}' is not a date.", usage) from exc
    today = ctx.now.astimezone(zone(cohort.timezone)).date()
    if day < today:
        raise UsageError(
            f"{day:%a %d %b %Y} has already passed; a rest day is today or later.", usage
        )
    known = ctx.session.scalar(
        select(RestDay.id).where(RestDay.cohort_id == cohort.id, RestDay.day == day)
    )
    if known is None:
        ctx.session.add(RestDay(cohort_id=cohort.id, day=day))
    return Reply(
        Message(f"Done: a rest day on {day:%a %d %b %Y} — no prompts, and no streak loss.")
    )


def _paused(ctx: Ctx, cohort: Cohort, value: str) -> Reply:
    cohort.paused = on_off(value.lower(), USAGE["cohort settings"])
    return Reply(
        Message(
            "Done: prompts, reminders and digests for this cohort are paused. Members can "
            "still check in. `/cohort settings paused off` starts them again."
            if cohort.paused
            else "Done: prompts, reminders and digests for this cohort are on again."
        )
    )


COHORT_SETTERS: dict[str, CohortSetter] = {
    "timezone": _timezone,
    "prompt-time": _prompt_time,
    "study-days": _study_days,
    "reminder-day": _weekday("reminder_day"),
    "review-day": _weekday("review_day"),
    "digest-day": _weekday("digest_day"),
    "name": _name,
    "admin": _admin,
    "rest-day": _rest_day,
    "paused": _paused,
}


def cohort_setting(ctx: Ctx, cmd: c.ChangeCohortSetting) -> Reply:
    cohort = membership.require_admin(ctx)
    setter = COHORT_SETTERS.get(cmd.key)
    if setter is None:
        raise UsageError(
            f"Unknown cohort setting '{safe_text(cmd.key, 40)}'.", USAGE["cohort settings"]
        )
    shown = setter(ctx, cohort, cmd.value.strip())
    if isinstance(shown, Reply):
        return shown
    return Reply(Message(f"Done: cohort {cmd.key} is now {safe_text(shown, 80)}."))


USE_CASES: dict[type[c.Command], UseCase] = {
    c.ShowMySettings: UseCase(show_settings, READS),
    c.ChangeMySetting: UseCase(change_setting, WRITES),
    c.SetAway: UseCase(set_away, WRITES),
    c.ChangeCohortSetting: UseCase(cohort_setting, WRITES),
}
