"""The production setting (process_before_response=True): same behaviour, ack first."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.orm import CheckInRow
from tests.slack.slack_rig import serving


def test_commands_modals_and_slow_work_behave_the_same(app, fake_slack):
    with serving(app, fake_slack, process_before_response=True) as slack:
        d = slack.driver
        d.command("/cohort", "start Cohort")
        r = d.command("/checkin", "finished lesson 4")
        assert r.status == 200 and "Checked in" in r.json["text"]
        with app.uow() as s:
            assert s.scalars(select(CheckInRow)).one().did == "finished lesson 4"
        fake_slack.wait_for("chat.postMessage")
        assert d.command("/checkin", "").raw == b""
        fake_slack.wait_for("views.open")
        assert d.command("/cohort", "summary").raw == b""
        fake_slack.wait_for("files.completeUploadExternal")
        assert "Cohort summary" in fake_slack.wait_for("response_url")[0].body["text"]
