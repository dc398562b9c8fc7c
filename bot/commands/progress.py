"""``/progress``: the member's streak, hours, plan and milestones."""

from __future__ import annotations

from bot.commands.reading import no_more
from bot.commands.spec import Spec
from bot.domain import commands as c

PROGRESS = Spec(
    "progress",
    usage="/progress  your streak, hours, plan and milestones",
    help="Your streak, this week's hours against your budget, your plan and milestones.",
)
SPECS = (PROGRESS,)


def parse(args: str) -> c.ShowProgress:
    """``/progress`` takes nothing more."""
    no_more(args, PROGRESS)
    return c.ShowProgress()


def from_options() -> c.ShowProgress:
    return c.ShowProgress()
