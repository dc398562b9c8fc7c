"""Only Slack gets in: bad signatures and replayed timestamps are refused before any write."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from sqlalchemy import func, select

from bot.storage.orm import CheckInRow, Cohort
from tests.slack.slack_harness import payload, signed_headers


def checkin_body(text: str = "did a thing") -> str:
    data = payload("slash_command")
    data.update(command="/checkin", text=text)
    return urlencode(data)


def rows(slack) -> int:
    with slack.app.uow() as s:
        return s.scalar(select(func.count()).select_from(CheckInRow)) + s.scalar(
            select(func.count()).select_from(Cohort)
        )


def test_a_wrong_signature_is_refused_with_401_and_nothing_is_written(slack):
    slack.driver.command("/cohort", "start Cohort")
    before = rows(slack)
    body = checkin_body()
    r = slack.driver.post(body, signed_headers(body, secret="not-the-secret"))
    assert r.status == 401
    headers = signed_headers(body)
    r = slack.driver.post(body + "&text=tampered", headers)
    assert r.status == 401
    r = slack.driver.post(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 401
    assert rows(slack) == before
    assert slack.fake.calls_to("chat.postMessage") == []


def test_a_timestamp_older_than_five_minutes_is_refused(slack):
    slack.driver.command("/cohort", "start Cohort")
    before = rows(slack)
    body = checkin_body()
    r = slack.driver.signed(body, timestamp=int(time.time()) - 5 * 60 - 10)
    assert r.status == 401
    r = slack.driver.signed(body, timestamp=int(time.time()) + 5 * 60 + 10)
    assert r.status == 401
    assert rows(slack) == before
    # The same request signed now is accepted: the refusal was about time alone.
    assert slack.driver.signed(body).status == 200
    assert rows(slack) == before + 1


def test_malformed_payloads_do_not_crash_or_write(slack):
    slack.driver.command("/cohort", "start Cohort")
    before = rows(slack)
    for body in (
        urlencode({"payload": "{not json"}),
        urlencode({"payload": "[1, 2]"}),
        urlencode({"payload": json.dumps({"type": "block_actions"})}),
        urlencode({"payload": json.dumps({"type": "view_submission", "view": "nope"})}),
        '{"type": "event_callback", "event": ',
    ):
        r = slack.driver.signed(body)
        # 400 from our server for what cannot be parsed; Bolt answers shapes it cannot
        # route with 404, and shapes that break its own middleware with 500.
        assert r.status in (400, 404, 500), (body, r.status)
    assert rows(slack) == before
    # Still serving.
    r = slack.driver.command("/checkin", "still here")
    assert r.status == 200 and rows(slack) == before + 1


def test_other_paths_are_not_found(slack):
    body = checkin_body()
    assert slack.driver.post(body, signed_headers(body), path="/elsewhere").status == 404
