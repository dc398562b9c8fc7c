"""Commands: orders given to the core, one dataclass each, whatever the platform.

Every way in (Slack text, Discord options, console, scheduler buttons) builds
these same values; the use cases in ``bot.usecases`` carry them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The local day an entry counts for: days back from today (0 = today) or a date.
Day = int | date


@dataclass(frozen=True)
class Command:
    """Marker base class."""


@dataclass(frozen=True)
class Help(Command):
    topic: str | None = None


@dataclass(frozen=True)
class OpenCheckInForm(Command):
    """``/checkin`` with no text: the adapter opens a form (prefilled when editing)."""

    edit: bool = False


@dataclass(frozen=True)
class CheckIn(Command):
    did: str
    next: str | None = None
    blockers: str | None = None
    mood: int | None = None
    hours: dict[str, int] = field(default_factory=dict)  # category -> minutes
    when: Day = 0


@dataclass(frozen=True)
class EditCheckIn(Command):
    """Replaces a day's check-in: a field given empty ("" or ``clear_mood``) is cleared,
    a field not given (None) is kept."""

    did: str
    next: str | None = None
    blockers: str | None = None
    mood: int | None = None
    when: Day = 0
    clear_mood: bool = False


@dataclass(frozen=True)
class LogHours(Command):
    minutes: int
    category: str
    note: str | None = None
    when: Day = 0


@dataclass(frozen=True)
class UndoHours(Command):
    pass


@dataclass(frozen=True)
class ShowHourLog(Command):
    """This week's hour entries, so a member can check their own numbers."""


@dataclass(frozen=True)
class ShowPlan(Command):
    pass


@dataclass(frozen=True)
class SetPlanGoal(Command):
    week: int
    goal: str


@dataclass(frozen=True)
class MarkPlanDone(Command):
    week: int
    done: bool = True


@dataclass(frozen=True)
class ShowSprint(Command):
    pass


@dataclass(frozen=True)
class AddSprintGoal(Command):
    text: str


@dataclass(frozen=True)
class MarkSprintGoalDone(Command):
    number: int


@dataclass(frozen=True)
class ShowProgress(Command):
    pass


@dataclass(frozen=True)
class StartCohort(Command):
    name: str | None = None


@dataclass(frozen=True)
class JoinCohort(Command):
    track: str | None = None
    budget: str | None = None


@dataclass(frozen=True)
class LeaveCohort(Command):
    pass


@dataclass(frozen=True)
class ShowMySettings(Command):
    pass


@dataclass(frozen=True)
class ChangeMySetting(Command):
    key: str
    value: str


@dataclass(frozen=True)
class SetAway(Command):
    """``/cohort me away``: days, an end date, or off (``days=None, until=None``)."""

    days: int | None = None
    until: str | None = None  # ISO date, validated by the handler in the member's zone


@dataclass(frozen=True)
class ShowSummary(Command):
    weeks_back: int = 0


@dataclass(frozen=True)
class ExportCohort(Command):
    pass


@dataclass(frozen=True)
class ChangeCohortSetting(Command):
    key: str
    value: str


@dataclass(frozen=True)
class ForgetMe(Command):
    confirm: bool = False


@dataclass(frozen=True)
class Snooze(Command):
    """Snooze prompts: for ``minutes`` from now, or until the member's tomorrow."""

    minutes: int | None = 60
    until_tomorrow: bool = False


@dataclass(frozen=True)
class ReviewPlanWeek(Command):
    """The weekly review's Done / Not yet buttons, about the current plan week."""

    done: bool


@dataclass(frozen=True)
class MarkPortfolioProject(Command):
    """``/plan project <1-3>``: one of the three portfolio projects is shipped (or not)."""

    number: int
    done: bool = True
