"""Button action ids -> commands: one table for every platform's buttons.

The ids are on messages already posted (Slack ``action_id``, Discord ``custom_id``
``cohortbot:<action>[:<guild>:<channel>]``), so they never change.
"""

from __future__ import annotations

from bot.domain import commands as c

# Buttons whose click is a command for the core.
BUTTON_COMMANDS: dict[str, c.Command] = {
    "checkin_open": c.OpenCheckInForm(),
    "snooze_1h": c.Snooze(minutes=60),
    "plan_week_done": c.ReviewPlanWeek(done=True),
    "plan_week_not_yet": c.ReviewPlanWeek(done=False),
    "forget_me_confirm": c.ForgetMe(confirm=True),
}
# Buttons that open the hours form, which the adapter draws without asking the core.
HOURS_FORM_BUTTON = "hours_open"
ACTION_IDS = (*BUTTON_COMMANDS, HOURS_FORM_BUTTON)


def button_command(action_id: str) -> c.Command | None:
    """The command a button means; None for the hours-form button or an unknown id."""
    return BUTTON_COMMANDS.get(action_id)
