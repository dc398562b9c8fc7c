"""Use cases: the only code that writes. Each command runs in one unit of work.

``Core.handle(command, actor)`` is the single way in for every adapter. It
returns a neutral :class:`Reply`; user mistakes surface as ``UserError``
subclasses with a message fit to show as-is, and leave the database untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import Clock
from bot.commands import USAGE, help_text
from bot.content import CATEGORIES, Content
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.calendar import (
    PLAN_DAYS,
    WEEKDAYS,
    format_study_days,
    iso_week,
    parse_clock,
    parse_study_days,
    plan_day,
    plan_week,
    weekday_number,
    zone,
)
from bot.domain.errors import NotAllowed, NotFound, UsageError
from bot.domain.progress import reached
from bot.domain.schedule import MEMBER_KINDS
from bot.domain.streaks import Streak
from bot.messages import (
    Button,
    CheckInForm,
    Field,
    Message,
    Reply,
    Update,
    bar,
    hours_text,
    safe_text,
)
from bot.read import stats
from bot.storage.orm import (
    AwayPeriod,
    CheckInRow,
    Cohort,
    CohortAdmin,
    HourLog,
    Member,
    MilestoneAward,
    OutboxRow,
    PlanWeek,
    PortfolioProject,
    RestDay,
    Sprint,
    SprintGoal,
)
from bot.storage.uow import UnitOfWork
from bot.text import fill

log = logging.getLogger(__name__)

MAX_DAYS_BACK = 3
MAX_SPRINT_GOALS = 10
UNDO_WINDOW = timedelta(hours=24)
# The balance (mix-drift) tip is not a scheduled message of its own: it rides on the
# mid-week reminder. Members still turn it off by name, like every scheduled kind.
MIX_DRIFT = "mix_drift"
REMINDER_KINDS = (*MEMBER_KINDS, MIX_DRIFT)
FREEZE_NEWS_DAYS = 7  # /progress tells of a freeze used this many days back, at most


def _refuse_nul(command: c.Command) -> None:
    """No text field may hold NUL: PostgreSQL cannot store it, so refuse it on every path
    (typed commands, Slack and Discord forms) with the same clear answer."""
    for value in vars(command).values():
        if isinstance(value, str) and "\x00" in value:
            raise UsageError(
                "That text contains a NUL character (\\0), which I can't store.", USAGE["help"]
            )


def profile_zone(actor: Actor, default: str) -> str:
    """The actor's platform-profile time zone when it is a real one, else ``default``."""
    if actor.timezone:
        try:
            return zone(actor.timezone).key
        except UsageError:
            log.info("ignoring unknown profile time zone %r", actor.timezone[:64])
    return default


def checkin_ref(checkin_id: int) -> str:
    """The identity of a check-in's public card, reported back by adapters (``record_post``)."""
    return f"checkin:{checkin_id}"


NO_COHORT = (
    "There's no cohort in this channel yet. Anyone can start one with "
    "`/cohort start [name]` — the person who starts it becomes its admin."
)


# Said on every reply to the person concerned while the pause lasts.
PAUSED_MEMBER = (
    "Your reminders are paused: my direct messages to you fail. Allow direct messages "
    "from me and run `/cohort me delivery dm`, or get them here with "
    "`/cohort me delivery channel`."
)
PAUSED_COHORT = (
    "Prompts, reminders and digests for this cohort are paused: I couldn't post in this "
    "channel, or an admin paused them. Make sure I'm in the channel, then "
    "`/cohort settings paused off`."
)
# Lookups on every command, built once so each keeps its SQL cache key between calls.
_THIS_CHANNEL = (
    (Cohort.platform == bindparam("platform"))
    & (Cohort.workspace_id == bindparam("workspace_id"))
    & (Cohort.channel_id == bindparam("channel_id"))
)
_COHORT_IN_CHANNEL = select(Cohort).where(_THIS_CHANNEL)
_MEMBER_IN_CHANNEL = (
    select(Cohort, Member)
    .outerjoin(Member, (Member.cohort_id == Cohort.id) & (Member.user_id == bindparam("user_id")))
    .where(_THIS_CHANNEL)
)
# One statement, no read first: this runs after every public check-in card.
_RECORD_POST = (
    update(CheckInRow)
    .where(CheckInRow.id == bindparam("checkin_id"))
    .values(posted_channel=bindparam("channel"), posted_message_id=bindparam("message"))
    .execution_options(synchronize_session=False)
)
_AWARDED = select(MilestoneAward.milestone).where(
    MilestoneAward.member_id == bindparam("member_id")
)


def _channel_of(actor: Actor) -> dict[str, str]:
    return {
        "platform": actor.platform,
        "workspace_id": actor.workspace_id,
        "channel_id": actor.channel_id,
    }


class Core:
    """The use cases, bound to their dependencies by ``bot.bootstrap``."""

    def __init__(self, uow: UnitOfWork, content: Content, clock: Clock) -> None:
        self.uow = uow
        self.content = content
        self.clock = clock
        self._handlers: dict[type[c.Command], Callable[..., Reply]] = {
            c.Help: self._help,
            c.OpenCheckInForm: self._open_form,
            c.CheckIn: self._checkin,
            c.EditCheckIn: self._edit_checkin,
            c.LogHours: self._log_hours,
            c.UndoHours: self._undo_hours,
            c.ShowPlan: self._show_plan,
            c.SetPlanGoal: self._set_plan_goal,
            c.MarkPlanDone: self._mark_plan_done,
            c.ShowSprint: self._show_sprint,
            c.AddSprintGoal: self._add_sprint_goal,
            c.MarkSprintGoalDone: self._mark_sprint_goal_done,
            c.ShowProgress: self._show_progress,
            c.StartCohort: self._start_cohort,
            c.JoinCohort: self._join,
            c.LeaveCohort: self._leave,
            c.ShowMySettings: self._show_settings,
            c.ChangeMySetting: self._change_setting,
            c.SetAway: self._set_away,
            c.ShowSummary: self._summary,
            c.ExportCohort: self._export,
            c.ChangeCohortSetting: self._cohort_setting,
            c.ForgetMe: self._forget_me,
            c.Snooze: self._snooze,
            c.ReviewPlanWeek: self._review_plan_week,
            c.MarkPortfolioProject: self._mark_portfolio_project,
        }

    # -- entry point -------------------------------------------------------------------

    def handle(self, command: c.Command, actor: Actor) -> Reply:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise UsageError("I don't know that command.", USAGE.get("help", "/help"))
        _refuse_nul(command)
        now = self.clock.now()
        with self.uow() as session:
            reply = handler(session, command, actor, now)
            return self._with_notices(session, command, reply)

    @staticmethod
    def _with_notices(session: Session, command: c.Command, reply: Reply) -> Reply:
        """Tell the person a pause that concerns them, on whatever they asked, until it ends:
        a pause nobody hears about is a cohort that silently stops."""
        if reply.form is not None or isinstance(command, c.ForgetMe):
            return reply
        if isinstance(command, c.ChangeCohortSetting) and command.key == "paused":
            return reply
        notes = []
        member = session.info.get("member")
        if member is not None and member.status == "paused":
            notes.append(PAUSED_MEMBER)
        cohort = session.info.get("admin_cohort")
        if cohort is not None and cohort.paused:
            notes.append(PAUSED_COHORT)
        if not notes:
            return reply
        text = "\n".join([reply.message.text, *notes])
        return replace(reply, message=replace(reply.message, text=text))

    # -- lookups -----------------------------------------------------------------------

    def _cohort(self, session: Session, actor: Actor) -> Cohort:
        cohort = session.scalar(_COHORT_IN_CHANNEL, _channel_of(actor))
        if cohort is None:
            raise NotFound(NO_COHORT)
        return cohort

    def _lookup(self, session: Session, actor: Actor) -> tuple[Cohort, Member | None]:
        """The channel's cohort and the actor's membership in it, in one round trip."""
        row = session.execute(
            _MEMBER_IN_CHANNEL, {**_channel_of(actor), "user_id": actor.user_id}
        ).first()
        if row is None:
            raise NotFound(NO_COHORT)
        cohort, member = row
        session.info["member"] = member  # for the notices on the reply (see handle)
        if member is not None:
            # The session only holds objects weakly: without this the cohort, once the
            # caller drops it, would be read again the first time member.cohort is used.
            set_committed_value(member, "cohort", cohort)
        return cohort, member

    def _member(self, session: Session, actor: Actor) -> Member:
        cohort, member = self._lookup(session, actor)
        if member is None or member.status == "left":
            raise NotFound(
                f"You're not in {cohort.name} yet. Join with `/cohort join [track] [budget]`."
            )
        return member

    def _member_or_join(self, session: Session, actor: Actor, now: datetime) -> tuple[Member, str]:
        """Members who check in before joining are joined with defaults, and told so."""
        cohort, member = self._lookup(session, actor)
        if member is not None and member.status != "left":
            return member, ""
        # A member coming back after /cohort leave keeps the track and budget they chose.
        track, budget = (member.track, member.budget) if member else ("other", "part-time")
        member = self._enrol(session, cohort, actor, now, track, budget, member)
        hours = self.content.budgets[budget].hours_per_week if budget in self.content.budgets else 0
        note = (
            f"I've added you to {safe_text(cohort.name, 80)} with the `{track}` track and the "
            f"`{budget}` budget ({hours:g} h a week). Change them any time: "
            "`/cohort me track <id>`, `/cohort me budget <full-time|part-time|minimal>`."
        )
        return member, note

    def is_admin(self, session: Session, cohort: Cohort, actor: Actor) -> bool:
        if actor.platform_admin:
            return True
        return (
            session.scalar(
                select(CohortAdmin.id).where(
                    CohortAdmin.cohort_id == cohort.id, CohortAdmin.user_id == actor.user_id
                )
            )
            is not None
        )

    def _require_admin(self, session: Session, actor: Actor) -> Cohort:
        cohort = self._cohort(session, actor)
        if not self.is_admin(session, cohort, actor):
            raise NotAllowed(
                "That's for the cohort's admins. Ask one of them, or a workspace admin, "
                "if you need it."
            )
        session.info["admin_cohort"] = cohort
        return cohort

    def _day(self, member: Member, when: c.Day, now: datetime) -> date:
        today = stats.today_for(member, now)
        day = today - timedelta(days=when) if isinstance(when, int) else when
        if day > today:
            raise UsageError(
                "That day hasn't happened yet where you are.",
                "today, yesterday, 2d, 3d or a date up to 3 days back",
            )
        joined = stats.joined_on(member)
        if day < joined:
            raise UsageError(
                f"You joined on {joined:%a %d %b}; entries can't go back before that.",
                "today, yesterday, 2d, 3d or a date up to 3 days back",
            )
        if (today - day).days > MAX_DAYS_BACK:
            raise UsageError(
                f"Entries can go back at most {MAX_DAYS_BACK} days (to "
                f"{(today - timedelta(days=MAX_DAYS_BACK)).isoformat()}).",
                "today, yesterday, 2d, 3d or a date up to 3 days back",
            )
        return day

    # -- membership --------------------------------------------------------------------

    def _enrol(
        self,
        session: Session,
        cohort: Cohort,
        actor: Actor,
        now: datetime,
        track: str,
        budget: str,
        existing: Member | None = None,
    ) -> Member:
        tz = profile_zone(actor, cohort.timezone)
        today = now.astimezone(zone(tz)).date()
        member = existing or Member(cohort_id=cohort.id, user_id=actor.user_id, last_nudges={})
        member.display_name = actor.display_name[:80] or actor.user_id
        member.timezone = tz
        member.track = track
        member.budget = budget
        member.status = "active"
        member.plan_start = today
        member.joined_at = now
        member.left_at = None
        member.cohort = cohort
        if existing is None:
            session.add(member)
        session.flush()
        if not stats.plan_weeks(session, member.id):
            session.add_all(PlanWeek(member_id=member.id, week=w) for w in range(1, 5))
        session.flush()
        return member

    def _start_cohort(
        self, session: Session, cmd: c.StartCohort, actor: Actor, now: datetime
    ) -> Reply:
        existing = session.scalar(_COHORT_IN_CHANNEL, _channel_of(actor))
        if existing is not None:
            raise UsageError(
                f"This channel already has a cohort: {safe_text(existing.name, 80)}. "
                "Join it with `/cohort join [track] [budget]`."
            )
        tz = profile_zone(actor, "UTC")
        name = (cmd.name or "").strip() or "Study cohort"
        cohort = Cohort(
            platform=actor.platform,
            workspace_id=actor.workspace_id,
            channel_id=actor.channel_id,
            name=name,
            timezone=tz,
            start_date=now.astimezone(zone(tz)).date(),
            created_at=now,
        )
        session.add(cohort)
        try:
            session.flush()
        except IntegrityError as exc:  # another admin started it a moment ago
            raise UsageError("This channel already has a cohort.") from exc
        session.add(CohortAdmin(cohort_id=cohort.id, user_id=actor.user_id))
        text = (
            f"{safe_text(name, 80)} is open, and you're its admin. Members join with "
            "`/cohort join [track] [budget]`; daily prompts go out at "
            f"{cohort.prompt_time:%H:%M} ({tz}) on {cohort.study_days}. Change that with "
            "`/cohort settings <key> <value>`."
        )
        return Reply(Message(text, title="Cohort started"))

    def _join(self, session: Session, cmd: c.JoinCohort, actor: Actor, now: datetime) -> Reply:
        cohort, member = self._lookup(session, actor)
        track, budget = cmd.track, cmd.budget
        # People type the two in either order; the ids never overlap. Swap whenever the
        # first word is a budget and the second is not, so `part-time astronaut` reports
        # the unknown track 'astronaut' rather than calling 'part-time' a track.
        if track in self.content.budgets and budget not in self.content.budgets:
            track, budget = budget, track
        # Someone coming back after /cohort leave keeps what they chose before.
        track = track or (member.track if member is not None else "other")
        budget = budget or (member.budget if member is not None else "part-time")
        self._check_track(track)
        self._check_budget(budget)
        if member is not None and member.status != "left":
            member.track, member.budget = track, budget
            return Reply(
                Message(
                    f"You're already in {safe_text(cohort.name, 80)} — I've set your track to "
                    f"`{track}` and your budget to `{budget}`."
                )
            )
        member = self._enrol(session, cohort, actor, now, track, budget, member)
        t = self.content.tracks[track]
        b = self.content.budgets[budget]
        week1 = self.content.plan.weeks[0]
        split = ", ".join(f"{b.split[cat]:g} h {cat}" for cat in CATEGORIES if b.split[cat])
        return Reply(
            Message(
                f"Welcome to {safe_text(cohort.name, 80)}, {safe_text(member.display_name, 80)}!",
                title="You're in",
                blocks=(
                    f"Track: {t.name} — a realistic first role is {t.target_role}, "
                    f"usually {t.time_to_first_role} away.",
                    f"Budget: {b.name}, {b.hours_per_week:g} h a week ({split}).",
                    f"Day 1 of {PLAN_DAYS}. Week 1: {week1.default_goal}. Make it yours with "
                    "`/plan set 1 <goal>`.",
                    f"Prompts come at {member.cohort.prompt_time:%H:%M} your time "
                    f"({member.timezone}); see `/cohort me` to change anything.",
                ),
            )
        )

    def _leave(self, session: Session, cmd: c.LeaveCohort, actor: Actor, now: datetime) -> Reply:
        member = self._member(session, actor)
        member.status = "left"
        member.left_at = now
        return Reply(
            Message(
                "You've left the cohort. Your entries are kept in case you come back "
                "(`/cohort join`); `/cohort forget-me` deletes them for good."
            )
        )

    def _check_track(self, track: str) -> None:
        if track not in self.content.tracks:
            raise UsageError(
                f"Unknown track '{safe_text(track, 40)}'. Tracks: "
                + ", ".join(sorted(self.content.tracks)),
                USAGE["cohort join"],
            )

    def _check_budget(self, budget: str) -> None:
        if budget not in self.content.budgets:
            raise UsageError(
                f"Unknown budget '{safe_text(budget, 40)}'. Budgets: "
                + ", ".join(self.content.budgets),
                USAGE["cohort join"],
            )

    # -- check-ins and hours -----------------------------------------------------------

    def _open_form(
        self, session: Session, cmd: c.OpenCheckInForm, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor) if cmd.edit else None
        initial: dict[str, str] = {}
        if member is not None:
            row = self._checkin_on(session, member, stats.today_for(member, now))
            if row is None:
                raise NotFound(
                    "You haven't checked in today, so there's nothing to edit yet.",
                    USAGE["checkin"],
                )
            initial = {
                k: v
                for k, v in (
                    ("did", row.did),
                    ("next", row.next or ""),
                    ("blockers", row.blockers or ""),
                )
                if v
            }
            if row.mood:
                initial["mood"] = str(row.mood)
        else:
            self._cohort(session, actor)
        q = self.content.prompts.checkin_questions
        return Reply(
            Message(f"{q.did}\n{q.next}\n{q.blockers}", title="Check in"),
            form=CheckInForm(initial=initial, edit=cmd.edit),
        )

    def _checkin_on(self, session: Session, member: Member, day: date) -> CheckInRow | None:
        return session.scalar(
            select(CheckInRow).where(
                CheckInRow.member_id == member.id, CheckInRow.local_date == day
            )
        )

    def _checkin(self, session: Session, cmd: c.CheckIn, actor: Actor, now: datetime) -> Reply:
        member, note = self._member_or_join(session, actor, now)
        day = self._day(member, cmd.when, now)
        # One read of the member's dates and away days serves the duplicate check, the
        # streak before and after, the freezes and the milestones: nothing is asked twice.
        dates = stats.checkin_dates(session, member.id)
        if day in dates:
            raise UsageError(
                f"You've already checked in for {self._day_name(member, day, now)}. "
                "To change it: `/checkin edit <text>`.",
                USAGE["checkin"],
            )
        away = stats.away_days(session, member)
        before = stats.streak_of(member, now, dates, away)
        row = CheckInRow(
            member_id=member.id,
            local_date=day,
            did=cmd.did,
            next=cmd.next,
            blockers=cmd.blockers,
            mood=cmd.mood,
            public=member.checkins_public,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        if member.last_checkin_on is None or day > member.last_checkin_on:
            member.last_checkin_on = day
        for category, minutes in cmd.hours.items():
            session.add(
                HourLog(
                    member_id=member.id,
                    local_date=day,
                    minutes=minutes,
                    category=category,
                    note=None,
                    created_at=now,
                )
            )
        session.flush()
        previous = max((d for d in dates if d < day), default=None)
        dates.add(day)
        streak = stats.streak_of(member, now, dates, away)
        plan = stats.plan_weeks(session, member.id)
        lines = [
            f"Checked in for {self._day_name(member, day, now)}. Streak: "
            f"{streak.current} day{'s' if streak.current != 1 else ''}."
        ]
        if day != stats.today_for(member, now) and streak.current > before.current:
            lines.append("That late entry repaired your streak.")
        # Freezes used since the previous check-in are told once, by the next one.
        used = stats.freezes_used(member, now, dates, away, streak, after=previous, before=day)
        if used:
            lines.append(self._freeze_line(used))
        if cmd.hours:
            lines.append(
                "Logged "
                + ", ".join(f"{hours_text(m)} {cat}" for cat, m in cmd.hours.items())
                + "."
            )
        lines.append(self.plan_line(session, member, now, plan))
        if note:
            lines.insert(0, note)
        public: list[Message] = []
        if member.checkins_public:
            public.append(
                self._checkin_card(
                    member,
                    cmd.did,
                    cmd.next,
                    cmd.blockers,
                    cmd.mood,
                    day,
                    now,
                    ref=checkin_ref(row.id),
                )
            )
        celebrations = self._award(session, member, now, streak=streak, plan=plan)
        lines.extend(m.text for m in celebrations)
        if member.checkins_public:
            public.extend(celebrations)
        return Reply(Message("\n".join(lines), title="Check-in saved"), public=tuple(public))

    @staticmethod
    def _freeze_line(used: list[stats.FreezeUse]) -> str:
        """Say "A freeze kept your 12-day streak (Fri 4 Dec)." — kindly, never as a debt."""
        days = ", ".join(f"{u.day:%a} {u.day.day} {u.day:%b}" for u in used)
        who = "A freeze" if len(used) == 1 else f"{len(used)} freezes"
        kept = used[-1].kept
        return f"{who} kept your {kept}-day streak ({days})."

    def _edit_checkin(
        self, session: Session, cmd: c.EditCheckIn, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        day = self._day(member, cmd.when, now)
        row = self._checkin_on(session, member, day)
        if row is None:
            raise NotFound(
                f"There's no check-in for {self._day_name(member, day, now)} to edit. "
                "Add one with `/checkin <text>`.",
                USAGE["checkin"],
            )
        row.did = cmd.did
        # An emptied field in the prefilled form clears it: stored as None, never "".
        if cmd.next is not None:
            row.next = cmd.next.strip() or None
        if cmd.blockers is not None:
            row.blockers = cmd.blockers.strip() or None
        if cmd.mood is not None:
            row.mood = cmd.mood
        row.updated_at = now
        public: tuple[Message, ...] = ()
        updates: tuple[Update, ...] = ()
        if row.public:
            ref = checkin_ref(row.id)
            if row.posted_channel and row.posted_message_id:
                # Updated in place; both platforms mark an edited message themselves.
                card = self._checkin_card(
                    member, row.did, row.next, row.blockers, row.mood, day, now, ref=ref
                )
                updates = (Update(row.posted_channel, row.posted_message_id, card),)
            else:  # where the card landed is unknown: post the new text, marked as an edit
                card = self._checkin_card(
                    member,
                    row.did,
                    row.next,
                    row.blockers,
                    row.mood,
                    day,
                    now,
                    edited=True,
                    ref=ref,
                )
                public = (card,)
        return Reply(
            Message(f"Updated your check-in for {self._day_name(member, day, now)}."),
            public=public,
            updates=updates,
        )

    def record_post(self, ref: str, channel_id: str, message_id: str) -> bool:
        """An adapter reports where a public card with ``ref`` landed; an edit updates it there.

        Returns False for a ref the core does not know (or a check-in deleted since).
        """
        kind, _, ident = ref.partition(":")
        if kind != "checkin" or not ident.isdigit() or not channel_id or not message_id:
            log.warning("record_post: unknown ref %r", ref[:40])
            return False
        with self.uow() as session:
            result = session.execute(
                _RECORD_POST,
                {"checkin_id": int(ident), "channel": channel_id[:64], "message": message_id[:64]},
            )
            return bool(getattr(result, "rowcount", 0))

    def _checkin_card(
        self,
        member: Member,
        did: str,
        nxt: str | None,
        blockers: str | None,
        mood: int | None,
        day: date,
        now: datetime,
        edited: bool = False,
        ref: str | None = None,
    ) -> Message:
        fields = [Field("Did", safe_text(did, 1000))]
        if nxt:
            fields.append(Field("Next", safe_text(nxt, 1000)))
        if blockers:
            fields.append(Field("Blockers", safe_text(blockers, 1000)))
        if mood:
            fields.append(Field("Confidence", "●" * mood + "○" * (5 - mood)))
        when = "" if day == stats.today_for(member, now) else f" for {day:%a %d %b}"
        return Message(
            f"{safe_text(member.display_name, 80)} checked in{when}"
            + (" (edited)" if edited else ""),
            fields=tuple(fields),
            ref=ref,
        )

    def _day_name(self, member: Member, day: date, now: datetime) -> str:
        delta = (stats.today_for(member, now) - day).days
        return {0: "today", 1: "yesterday"}.get(delta, f"{day:%a %d %b}")

    def _log_hours(self, session: Session, cmd: c.LogHours, actor: Actor, now: datetime) -> Reply:
        member, note = self._member_or_join(session, actor, now)
        day = self._day(member, cmd.when, now)
        session.add(
            HourLog(
                member_id=member.id,
                local_date=day,
                minutes=cmd.minutes,
                category=cmd.category,
                note=cmd.note,
                created_at=now,
            )
        )
        session.flush()
        week = stats.week_minutes(session, member, stats.today_for(member, now))
        targets = stats.budget_targets(self.content, member.budget)
        lines = [
            f"Logged {hours_text(cmd.minutes)} of {cmd.category} for "
            f"{self._day_name(member, day, now)}."
        ]
        if note:
            lines.insert(0, note)
        if iso_week(day) == iso_week(stats.today_for(member, now)):
            lines.append(
                f"This week: {hours_text(week[cmd.category])} of "
                f"{hours_text(targets[cmd.category])} {cmd.category}."
            )
        celebrations = self._award(session, member, now)
        lines.extend(m.text for m in celebrations)
        public = tuple(celebrations) if member.checkins_public else ()
        return Reply(Message("\n".join(lines), title="Hours logged"), public=public)

    def _undo_hours(self, session: Session, cmd: c.UndoHours, actor: Actor, now: datetime) -> Reply:
        member = self._member(session, actor)
        row = session.scalar(
            select(HourLog)
            .where(HourLog.member_id == member.id)
            .order_by(HourLog.created_at.desc(), HourLog.id.desc())
            .limit(1)
        )
        if row is None or now - row.created_at > UNDO_WINDOW:
            raise NotFound("There's no hour entry from the last 24 hours to undo.", USAGE["hours"])
        text = (
            f"Removed {hours_text(row.minutes)} of {row.category} for "
            f"{self._day_name(member, row.local_date, now)}."
        )
        session.delete(row)
        return Reply(Message(text))

    # -- plan --------------------------------------------------------------------------

    def _plan_goal(self, row: PlanWeek | None, week: int) -> str:
        if row is not None and row.goal:
            return row.goal
        return self.content.plan.weeks[week - 1].default_goal

    def plan_line(
        self,
        session: Session,
        member: Member,
        now: datetime,
        plan: dict[int, PlanWeek] | None = None,
    ) -> str:
        """The "Day N of 30 — this week: <goal>" line of check-in replies and prompts."""
        day = plan_day(member.plan_start, stats.today_for(member, now))
        if day > PLAN_DAYS:
            return "Your 30-day plan is behind you — keep the sprints going."
        week = plan_week(day)
        if plan is None:
            plan = stats.plan_weeks(session, member.id)
        goal = self._plan_goal(plan.get(week), week)
        return f"Day {day} of {PLAN_DAYS} — this week: {safe_text(goal, 300)}."

    def _show_plan(self, session: Session, cmd: c.ShowPlan, actor: Actor, now: datetime) -> Reply:
        member = self._member(session, actor)
        return Reply(self.plan_card(session, member, now))

    def plan_card(self, session: Session, member: Member, now: datetime) -> Message:
        rows = stats.plan_weeks(session, member.id)
        day = plan_day(member.plan_start, stats.today_for(member, now))
        current = plan_week(day)
        fields = []
        for tmpl in self.content.plan.weeks:
            row = rows.get(tmpl.week)
            mark = (
                "✅" if row is not None and row.done_at else ("▶" if tmpl.week == current else "·")
            )
            own = "" if row is not None and row.goal else " (template — make it yours)"
            fields.append(
                Field(
                    f"{mark} Week {tmpl.week}: {tmpl.title}",
                    safe_text(self._plan_goal(row, tmpl.week), 300) + own,
                )
            )
        done = sum(1 for r in rows.values() if r.done_at)
        shipped = stats.portfolio_done(session, member.id)
        head = (
            f"Day {min(day, PLAN_DAYS)} of {PLAN_DAYS} · {done}/4 weeks done"
            if day <= PLAN_DAYS
            else f"Plan finished · {done}/4 weeks done"
        )
        return Message(
            head,
            title="Your 30-day plan",
            fields=tuple(fields),
            blocks=(
                "Portfolio: "
                + "  ".join(
                    f"{'✅' if p.number in shipped else '◻️'} {p.number}. {p.name}"
                    for p in self.content.portfolio.projects
                ),
                "Set a goal: `/plan set <week> <goal>` · mark it: `/plan done <week>` · "
                "a project shipped: `/plan project <1-3>`",
            ),
        )

    def _mark_portfolio_project(
        self, session: Session, cmd: c.MarkPortfolioProject, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        project = next(p for p in self.content.portfolio.projects if p.number == cmd.number)
        row = session.scalar(
            select(PortfolioProject).where(
                PortfolioProject.member_id == member.id, PortfolioProject.number == cmd.number
            )
        )
        if not cmd.done:
            if row is not None:
                session.delete(row)
            return Reply(Message(f"Project {cmd.number} ({project.name}) is open again."))
        if row is not None:
            return Reply(Message(f"Project {cmd.number} ({project.name}) was already shipped. 🎉"))
        session.add(PortfolioProject(member_id=member.id, number=cmd.number, done_at=now))
        session.flush()
        celebrations = self._award(session, member, now)
        text = "\n".join(
            [f"Project {cmd.number} shipped: {project.name}.", *(m.text for m in celebrations)]
        )
        public = tuple(celebrations) if member.checkins_public else ()
        return Reply(Message(text, title="Portfolio"), public=public)

    def _set_plan_goal(
        self, session: Session, cmd: c.SetPlanGoal, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        row = stats.plan_weeks(session, member.id)[cmd.week]
        row.goal = cmd.goal
        return Reply(Message(f"Week {cmd.week} goal set: {safe_text(cmd.goal, 300)}"))

    def _mark_plan_done(
        self, session: Session, cmd: c.MarkPlanDone, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        plan = stats.plan_weeks(session, member.id)
        row = plan[cmd.week]
        if cmd.done:
            if row.done_at is not None:
                return Reply(Message(f"Week {cmd.week} was already done. 🎉"))
            row.done_at = now
        else:
            row.done_at = None
            return Reply(Message(f"Week {cmd.week} is open again."))
        session.flush()
        celebrations = self._award(session, member, now, plan=plan)
        text = "\n".join(
            [
                f"Week {cmd.week} done: {safe_text(self._plan_goal(row, cmd.week), 300)}",
                *(m.text for m in celebrations),
            ]
        )
        public = tuple(celebrations) if member.checkins_public else ()
        return Reply(Message(text, title="Plan"), public=public)

    # -- sprint ------------------------------------------------------------------------

    def sprint_for(self, session: Session, member: Member, now: datetime) -> Sprint:
        """This ISO week's sprint in the member's zone, created on first use."""
        today = stats.today_for(member, now)
        week = iso_week(today)
        sprint = session.scalar(
            select(Sprint).where(Sprint.member_id == member.id, Sprint.iso_week == week)
        )
        if sprint is not None:
            return sprint
        targets = stats.budget_targets(self.content, member.budget)
        sprint = Sprint(
            member_id=member.id,
            iso_week=week,
            target_learning=targets["learning"],
            target_building=targets["building"],
            target_networking=targets["networking"],
        )
        day = plan_day(member.plan_start, today)
        if 1 <= day <= PLAN_DAYS:
            pw = plan_week(day)
            goal = self._plan_goal(stats.plan_weeks(session, member.id).get(pw), pw)
            sprint.goals.append(SprintGoal(position=1, text=goal, source="plan"))
        session.add(sprint)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # a concurrent command created it first
            session.expunge(sprint)
            sprint = session.scalars(
                select(Sprint).where(Sprint.member_id == member.id, Sprint.iso_week == week)
            ).one()
        return sprint

    def _show_sprint(
        self, session: Session, cmd: c.ShowSprint, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        return Reply(self.sprint_card(session, member, now))

    def sprint_card(self, session: Session, member: Member, now: datetime) -> Message:
        sprint = self.sprint_for(session, member, now)
        week = stats.week_minutes(session, member, stats.today_for(member, now))
        targets = {
            "learning": sprint.target_learning,
            "building": sprint.target_building,
            "networking": sprint.target_networking,
        }
        fields = [
            Field(
                cat.capitalize(),
                f"{bar(week[cat], targets[cat])} {hours_text(week[cat])} / "
                f"{hours_text(targets[cat])}",
            )
            for cat in CATEGORIES
            if targets[cat] or week[cat]
        ]
        goals = [
            f"{i}. {'✅' if g.done_at else '◻️'} {safe_text(g.text, 300)}"
            for i, g in enumerate(sprint.goals, 1)
        ]
        return Message(
            f"Sprint {sprint.iso_week}",
            title="This week's sprint",
            blocks=("\n".join(goals) or "No goals yet — add one with `/sprint goal <text>`.",),
            fields=tuple(fields),
        )

    def _add_sprint_goal(
        self, session: Session, cmd: c.AddSprintGoal, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        sprint = self.sprint_for(session, member, now)
        if len(sprint.goals) >= MAX_SPRINT_GOALS:
            raise UsageError(f"A sprint holds at most {MAX_SPRINT_GOALS} goals; finish one first.")
        position = max((g.position for g in sprint.goals), default=0) + 1
        sprint.goals.append(SprintGoal(position=position, text=cmd.text, source="own"))
        return Reply(Message(f"Goal {len(sprint.goals)} added: {safe_text(cmd.text, 300)}"))

    def _mark_sprint_goal_done(
        self, session: Session, cmd: c.MarkSprintGoalDone, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        sprint = self.sprint_for(session, member, now)
        if not 1 <= cmd.number <= len(sprint.goals):
            raise NotFound(
                f"This sprint has {len(sprint.goals)} goal(s); there's no goal {cmd.number}.",
                USAGE["sprint done"],
            )
        goal = sprint.goals[cmd.number - 1]
        goal.done_at = goal.done_at or now
        return Reply(Message(f"Done: {safe_text(goal.text, 300)} ✅"))

    # -- progress ----------------------------------------------------------------------

    def _show_progress(
        self, session: Session, cmd: c.ShowProgress, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        return Reply(self.progress_card(session, member, now))

    def progress_card(self, session: Session, member: Member, now: datetime) -> Message:
        today = stats.today_for(member, now)
        dates = stats.checkin_dates(session, member.id)
        away = stats.away_days(session, member)
        streak = stats.streak_of(member, now, dates, away)
        # A freeze used in the last week, on this run, is worth telling: it is why the
        # streak is still there.
        used = stats.freezes_used(
            member, now, dates, away, streak, after=today - timedelta(days=FREEZE_NEWS_DAYS + 1)
        )
        week = stats.week_minutes(session, member, today)
        targets = stats.budget_targets(self.content, member.budget)
        awarded = set(
            session.scalars(
                select(MilestoneAward.milestone).where(MilestoneAward.member_id == member.id)
            )
        )
        total = stats.total_minutes(session, member.id)
        fields = [
            Field(
                "Streak",
                f"{streak.current} day(s) · longest {streak.longest} · "
                f"{streak.freezes} freeze(s) held",
            )
        ]
        fields.extend(
            Field(
                cat.capitalize(),
                f"{bar(week[cat], targets[cat])} {hours_text(week[cat])} / "
                f"{hours_text(targets[cat])}",
            )
            for cat in CATEGORIES
            if targets[cat] or week[cat]
        )
        fields.append(Field("All time", f"{hours_text(total)} · {streak.checkin_days} check-in(s)"))
        upcoming = next(
            (
                m
                for m in self.content.milestones
                if m.id not in awarded and m.kind in ("streak", "total_hours")
            ),
            None,
        )
        blocks = [self.plan_line(session, member, now)]
        if used:
            blocks.append(self._freeze_line(used))
        if upcoming is not None:
            if upcoming.kind == "streak":
                gap = f"{(upcoming.threshold or 0) - streak.current} more study day(s)"
            else:
                gap = f"{hours_text((upcoming.threshold or 0) * 60 - total)} more"
            blocks.append(f"Next milestone: {upcoming.title} — {gap}.")
        blocks.append(f"Milestones reached: {len(awarded)}")
        return Message(
            f"{safe_text(member.display_name, 80)}'s progress",
            title="Progress",
            fields=tuple(fields),
            blocks=tuple(blocks),
        )

    def _award(
        self,
        session: Session,
        member: Member,
        now: datetime,
        *,
        streak: Streak | None = None,
        plan: dict[int, PlanWeek] | None = None,
    ) -> list[Message]:
        """Award every newly reached milestone once; return the celebrations.

        ``streak`` and ``plan``, when the caller has them, save reading them again.
        """
        if plan is None:
            plan = stats.plan_weeks(session, member.id)
        got = stats.achievements(session, member, now, self.content, streak=streak, plan=plan)
        have = set(session.scalars(_AWARDED, {"member_id": member.id}))
        out = []
        for mid in reached(self.content.milestones, got):
            if mid in have:
                continue
            rule = next(m for m in self.content.milestones if m.id == mid)
            session.add(MilestoneAward(member_id=member.id, milestone=mid, awarded_at=now))
            values = self.values_for(
                session,
                member,
                now,
                plan=plan,
                streak=got.streak,
                hours=round(got.total_minutes / 60, 1),
            )
            out.append(Message(f"🏅 {rule.title}: {fill(rule.message, values)}"))
        return out

    def values_for(
        self,
        session: Session,
        member: Member,
        now: datetime,
        *,
        plan: dict[int, PlanWeek] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Placeholder values for content texts about ``member``."""
        today = stats.today_for(member, now)
        day = plan_day(member.plan_start, today)
        week = plan_week(day)
        if plan is None:
            plan = stats.plan_weeks(session, member.id)
        values: dict[str, Any] = {
            "name": safe_text(member.display_name, 80),
            "day": min(max(day, 1), PLAN_DAYS),
            "week": week,
            "week_goal": safe_text(self._plan_goal(plan.get(week), week), 300),
        }
        values.update(extra)
        return values

    # -- settings ----------------------------------------------------------------------

    def _show_settings(
        self, session: Session, cmd: c.ShowMySettings, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        cohort = member.cohort
        quiet = (
            f"{member.quiet_start:%H:%M}-{member.quiet_end:%H:%M}"
            if member.quiet_start and member.quiet_end
            else "off"
        )
        away = session.scalars(
            select(AwayPeriod).where(
                AwayPeriod.member_id == member.id,
                AwayPeriod.end_date >= stats.today_for(member, now),
            )
        ).all()
        fields = (
            Field("timezone", member.timezone),
            Field(
                "prompt-time",
                f"{(member.prompt_time or cohort.prompt_time):%H:%M}"
                + ("" if member.prompt_time else " (cohort default)"),
            ),
            Field("study-days", member.study_days or f"{cohort.study_days} (cohort default)"),
            Field("quiet-hours", quiet),
            Field("track", member.track),
            Field("budget", member.budget),
            Field("delivery", member.delivery),
            Field("checkins", "public" if member.checkins_public else "private"),
            Field("leaderboard", "on" if member.leaderboard else "off"),
            Field(
                "reminders",
                ", ".join(
                    f"{k} {'off' if k in member.reminders_off.split(',') else 'on'}"
                    for k in REMINDER_KINDS
                ),
            ),
            Field("away", ", ".join(f"{a.start_date}..{a.end_date}" for a in away) or "no"),
        )
        return Reply(
            Message(
                "Change one with `/cohort me <key> <value>`.", title="Your settings", fields=fields
            )
        )

    def _change_setting(
        self, session: Session, cmd: c.ChangeMySetting, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        key, value = cmd.key, cmd.value.strip()
        low = value.lower()
        usage = USAGE["cohort me"]
        if key == "timezone":
            member.timezone = zone(value).key
            shown = member.timezone
        elif key == "prompt-time":
            member.prompt_time = parse_clock(value)
            shown = f"{member.prompt_time:%H:%M}"
        elif key == "study-days":
            member.study_days = format_study_days(parse_study_days(value))
            shown = member.study_days
        elif key == "quiet-hours":
            if low == "off":
                member.quiet_start = member.quiet_end = None
                shown = "off"
            else:
                a, sep, b = value.partition("-")
                if not sep:
                    raise UsageError(
                        f"'{safe_text(value, 40)}' is not a range.",
                        "/cohort me quiet-hours 22:00-07:00 (or off)",
                    )
                member.quiet_start, member.quiet_end = parse_clock(a), parse_clock(b)
                shown = f"{member.quiet_start:%H:%M}-{member.quiet_end:%H:%M}"
        elif key == "track":
            self._check_track(low)
            member.track = shown = low
        elif key == "budget":
            self._check_budget(low)
            member.budget = shown = low
        elif key == "delivery":
            if low not in ("dm", "channel"):
                raise UsageError("Delivery is `dm` or `channel`.", usage)
            member.delivery = shown = low
            if member.status == "paused":
                # They chose how to be reached: try again (a failure pauses them again).
                member.status = "active"
                return Reply(Message(f"Done: delivery is now {low}. Your reminders are back on."))
        elif key == "checkins":
            if low not in ("public", "private"):
                raise UsageError("Check-ins are `public` or `private`.", usage)
            member.checkins_public = low == "public"
            shown = low
        elif key == "leaderboard":
            member.leaderboard = self._on_off(low, usage)
            shown = low
        elif key == "reminders":
            shown = self._set_reminders(member, low)
        else:
            raise UsageError(f"Unknown setting '{safe_text(key, 40)}'.", usage)
        return Reply(Message(f"Done: {key} is now {safe_text(shown, 80)}."))

    @staticmethod
    def _on_off(value: str, usage: str) -> bool:
        if value in ("on", "yes", "true"):
            return True
        if value in ("off", "no", "false"):
            return False
        raise UsageError(f"'{safe_text(value, 20)}' should be on or off.", usage)

    def _set_reminders(self, member: Member, value: str) -> str:
        """``reminders off`` / ``reminders on`` / ``reminders <kind> on|off``."""
        usage = "/cohort me reminders [" + "|".join(REMINDER_KINDS) + "] on|off"
        parts = value.replace("-", "_").split()
        off = {k for k in member.reminders_off.split(",") if k}
        if len(parts) == 1:
            flag = self._on_off(parts[0], usage)
            off = set() if flag else set(REMINDER_KINDS)
        elif len(parts) == 2 and parts[0] in REMINDER_KINDS:
            if self._on_off(parts[1], usage):
                off.discard(parts[0])
            else:
                off.add(parts[0])
        else:
            raise UsageError("Which reminder?", usage)
        member.reminders_off = ",".join(sorted(off))
        return "off for " + (", ".join(sorted(off)) or "nothing")

    def _set_away(self, session: Session, cmd: c.SetAway, actor: Actor, now: datetime) -> Reply:
        member = self._member(session, actor)
        today = stats.today_for(member, now)
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

    # -- admin -------------------------------------------------------------------------

    def _summary(self, session: Session, cmd: c.ShowSummary, actor: Actor, now: datetime) -> Reply:
        from bot.read import (
            reports,  # matplotlib is heavy; load it only when a summary is asked for
        )

        cohort = self._require_admin(session, actor)
        data = reports.cohort_summary(session, cohort, now, self.content, weeks_back=cmd.weeks_back)
        return Reply(reports.summary_message(data, chart=True))

    def _export(self, session: Session, cmd: c.ExportCohort, actor: Actor, now: datetime) -> Reply:
        from bot.read import reports

        cohort = self._require_admin(session, actor)
        files = reports.export_files(session, cohort)
        return Reply(
            Message(
                f"Export of {safe_text(cohort.name, 80)}: " + ", ".join(f.filename for f in files),
                title="Export",
                files=tuple(files),
            )
        )

    def _cohort_setting(
        self, session: Session, cmd: c.ChangeCohortSetting, actor: Actor, now: datetime
    ) -> Reply:
        cohort = self._require_admin(session, actor)
        key, value = cmd.key, cmd.value.strip()
        usage = USAGE["cohort settings"]
        if key == "timezone":
            cohort.timezone = shown = zone(value).key
        elif key == "prompt-time":
            cohort.prompt_time = parse_clock(value)
            shown = f"{cohort.prompt_time:%H:%M}"
        elif key == "study-days":
            cohort.study_days = shown = format_study_days(parse_study_days(value))
        elif key in ("reminder-day", "review-day", "digest-day"):
            n = weekday_number(value)
            setattr(cohort, key.replace("-", "_"), n)
            shown = WEEKDAYS[n]
        elif key == "name":
            if not value or len(value) > 80:
                raise UsageError("A cohort name is 1-80 characters.", usage)
            cohort.name = shown = value
        elif key == "admin":
            user = value.strip().lstrip("<@!").rstrip(">").split("|")[0]
            if not user:
                raise UsageError("Name the user to make admin.", usage)
            exists = session.scalar(
                select(CohortAdmin.id).where(
                    CohortAdmin.cohort_id == cohort.id, CohortAdmin.user_id == user
                )
            )
            if exists is None:
                session.add(CohortAdmin(cohort_id=cohort.id, user_id=user))
            shown = f"an admin: {safe_text(user, 64)}"
            return Reply(Message(f"Done: {shown}."))
        elif key == "rest-day":
            try:
                day = date.fromisoformat(value)
            except ValueError as exc:
                raise UsageError(
                    f"'{safe_text(value, 20)}' is not a date.",
                    "/cohort settings rest-day YYYY-MM-DD",
                ) from exc
            if (
                session.scalar(
                    select(RestDay.id).where(RestDay.cohort_id == cohort.id, RestDay.day == day)
                )
                is None
            ):
                session.add(RestDay(cohort_id=cohort.id, day=day))
            shown = f"a rest day on {day:%a %d %b %Y}"
            return Reply(Message(f"Done: {shown} — no prompts, and no streak loss."))
        elif key == "paused":
            cohort.paused = self._on_off(value.lower(), usage)
            return Reply(
                Message(
                    "Done: prompts, reminders and digests for this cohort are paused. Members can "
                    "still check in. `/cohort settings paused off` starts them again."
                    if cohort.paused
                    else "Done: prompts, reminders and digests for this cohort are on again."
                )
            )
        else:
            raise UsageError(f"Unknown cohort setting '{safe_text(key, 40)}'.", usage)
        return Reply(Message(f"Done: cohort {key} is now {safe_text(shown, 80)}."))

    def _forget_me(self, session: Session, cmd: c.ForgetMe, actor: Actor, now: datetime) -> Reply:
        cohort, member = self._lookup(session, actor)
        if member is None:
            raise NotFound("I hold no data about you in this cohort.")
        if not cmd.confirm:
            return Reply(
                Message(
                    "This deletes your check-ins, hours, plan, sprints, milestones and settings in "
                    f"{safe_text(cohort.name, 80)}, for good. Sure?",
                    title="Forget me",
                    buttons=(Button("Yes, delete my data", "forget_me_confirm", style="danger"),),
                    blocks=("Or type `/cohort forget-me confirm`.",),
                )
            )
        counts = {
            "check-ins": session.scalar(
                select(func.count())
                .select_from(CheckInRow)
                .where(CheckInRow.member_id == member.id)
            )
            or 0,
            "hour entries": session.scalar(
                select(func.count()).select_from(HourLog).where(HourLog.member_id == member.id)
            )
            or 0,
            "milestones": session.scalar(
                select(func.count())
                .select_from(MilestoneAward)
                .where(MilestoneAward.member_id == member.id)
            )
            or 0,
        }
        # Explicit deletes, so a database without cascades still forgets everything.
        sprint_ids = select(Sprint.id).where(Sprint.member_id == member.id)
        session.execute(delete(SprintGoal).where(SprintGoal.sprint_id.in_(sprint_ids)))
        for table in (
            Sprint,
            CheckInRow,
            HourLog,
            MilestoneAward,
            PlanWeek,
            PortfolioProject,
            AwayPeriod,
            OutboxRow,
        ):
            session.execute(delete(table).where(table.member_id == member.id))
        session.execute(delete(Member).where(Member.id == member.id))
        # An admin grant names the user too; forgetting them removes it (platform admins can
        # still manage a cohort whose last admin left this way).
        session.execute(
            delete(CohortAdmin).where(
                CohortAdmin.cohort_id == cohort.id, CohortAdmin.user_id == actor.user_id
            )
        )
        what = ", ".join(f"{n} {k}" for k, n in counts.items())
        return Reply(
            Message(
                f"Done. I deleted your data in {safe_text(cohort.name, 80)}: {what}, "
                "plus your plan, sprints and settings."
            )
        )

    def _snooze(self, session: Session, cmd: c.Snooze, actor: Actor, now: datetime) -> Reply:
        member = self._member(session, actor)
        if cmd.until_tomorrow:
            tz = zone(member.timezone)
            tomorrow = stats.today_for(member, now) + timedelta(days=1)
            until = datetime.combine(tomorrow, datetime.min.time(), tz)
            text = "Snoozed until tomorrow. Rest well."
        else:
            # Only a missing value means the default; 0 is out of range, not "an hour".
            minutes = 60 if cmd.minutes is None else cmd.minutes
            if not 1 <= minutes <= 24 * 60:
                raise UsageError("Snooze for 1 minute to 24 hours.")
            until = now + timedelta(minutes=minutes)
            text = f"Snoozed for {hours_text(minutes)}. I'll ask again after that."
        member.snoozed_until = until
        # The prompt they snoozed comes back once when the snooze ends.
        key = f"snooze:m{member.id}:{until.astimezone(zone('UTC')):%Y%m%dT%H%M}"
        if session.scalar(select(OutboxRow.id).where(OutboxRow.key == key)) is None:
            q = self.content.prompts.checkin_questions
            message = Message(
                f"{q.did}\n{self.plan_line(session, member, now)}",
                title="Check-in time",
                buttons=(
                    Button("Check in now", "checkin_open", style="primary"),
                    Button("Log hours", "hours_open"),
                ),
            )
            session.add(
                OutboxRow(
                    key=key,
                    cohort_id=member.cohort_id,
                    member_id=member.id,
                    kind="snoozed_prompt",
                    payload=message.to_dict(),
                    due_at=until,
                    expires_at=until + timedelta(hours=2),
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
            )
        return Reply(Message(text))

    def _review_plan_week(
        self, session: Session, cmd: c.ReviewPlanWeek, actor: Actor, now: datetime
    ) -> Reply:
        member = self._member(session, actor)
        day = plan_day(member.plan_start, stats.today_for(member, now))
        if day > PLAN_DAYS:
            return Reply(Message("Your 30-day plan is complete; `/sprint` has this week."))
        week = plan_week(day)
        if cmd.done:
            return self._mark_plan_done(session, c.MarkPlanDone(week), actor, now)
        goal = self._plan_goal(stats.plan_weeks(session, member.id).get(week), week)
        return Reply(
            Message(
                f"Not yet is fine. Week {week}: {safe_text(goal, 300)} — what's the smallest next "
                "step? Add it with `/sprint goal <text>`."
            )
        )

    def home_cards(self, platform: str, workspace_id: str, user_id: str) -> list[Message]:
        """Plan, sprint and progress for every cohort the user is in on this workspace."""
        now = self.clock.now()
        with self.uow() as session:
            members = session.scalars(
                select(Member)
                .join(Cohort)
                .where(
                    Cohort.platform == platform,
                    Cohort.workspace_id == workspace_id,
                    Member.user_id == user_id,
                    Member.status != "left",
                )
            ).all()
            cards: list[Message] = []
            for member in members:
                cards.append(Message(safe_text(member.cohort.name, 80), title="Cohort"))
                cards.append(self.progress_card(session, member, now))
                cards.append(self.plan_card(session, member, now))
                cards.append(self.sprint_card(session, member, now))
                recent = session.scalars(
                    select(MilestoneAward)
                    .where(MilestoneAward.member_id == member.id)
                    .order_by(MilestoneAward.awarded_at.desc())
                    .limit(3)
                ).all()
                if recent:
                    titles = {m.id: m.title for m in self.content.milestones}
                    cards.append(
                        Message(
                            ", ".join(titles.get(r.milestone, r.milestone) for r in recent),
                            title="Recent milestones",
                        )
                    )
            return cards

    def _help(self, session: Session, cmd: c.Help, actor: Actor, now: datetime) -> Reply:
        return Reply(Message(help_text(cmd.topic), title="cohortbot"))
