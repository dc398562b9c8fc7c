"""Button ids are on messages already posted: the table keeps every one of them."""

from __future__ import annotations

from adapters.slack.interactions import ACTION_PATTERN
from bot.commands import ACTION_IDS, HOURS_FORM_BUTTON, button_command
from bot.domain import commands as c


def test_every_button_id_still_means_what_it_meant():
    assert button_command("checkin_open") == c.OpenCheckInForm()
    assert button_command("snooze_1h") == c.Snooze(minutes=60)
    assert button_command("plan_week_done") == c.ReviewPlanWeek(done=True)
    assert button_command("plan_week_not_yet") == c.ReviewPlanWeek(done=False)
    assert button_command("forget_me_confirm") == c.ForgetMe(confirm=True)
    assert button_command(HOURS_FORM_BUTTON) is None  # the adapter draws that form itself
    assert button_command("frobnicate") is None
    assert sorted(ACTION_IDS) == sorted(
        [
            "checkin_open",
            "hours_open",
            "snooze_1h",
            "plan_week_done",
            "plan_week_not_yet",
            "forget_me_confirm",
        ]
    )


def test_slack_routes_exactly_the_table_ids():
    for action_id in ACTION_IDS:
        assert ACTION_PATTERN.match(action_id) and ACTION_PATTERN.match(action_id + "#3")
    assert not ACTION_PATTERN.match("frobnicate")
