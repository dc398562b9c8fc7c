"""Secrets stay secret: tokens and typed text never reach a log line at INFO or above,
nor an exception message or a stored error; the JSON log format masks token-shaped
strings at every level; database errors never echo the values they tried to write."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from adapters.slack.app import build_app
from adapters.slack.platform import SlackPlatform
from adapters.slack.render import button_value
from adapters.slack.server import make_server
from bot.logs import (
    LIBRARY_LOGGERS,
    QUIET_LIBRARY_LOGGERS,
    JsonFormatter,
    RedactionFilter,
    configure,
    redact,
)
from bot.messages import Message
from bot.ports import DeliveryError, Destination
from bot.scheduling.delivery import Delivery, RateLimiter
from bot.storage.orm import CheckInRow
from tests.discord.discord_harness import ADA, Harness, run_with_bot
from tests.slack.slack_fake_api import FakeSlackAPI
from tests.slack.slack_harness import SECRET, SlackDriver

SLACK_TOKEN = "xoxb-1234567890-0987654321-SeCrEtSlackBotToken"
APP_TOKEN = "xapp-1-A0123456-1234567890-SeCrEtAppToken"
DISCORD_TOKEN = "MTE2MDAwMDAwMDAwMDAwMDAwMQ.GaBcDe.SeCrEtDiscordTokenAbcdefghijklmnop"
TYPED = "my-private-checkin-text-4711"
TOKENS = (SLACK_TOKEN, APP_TOKEN, DISCORD_TOKEN, SECRET, "SeCrEt")


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def rendered(record: logging.LogRecord) -> str:
    """Everything a handler could write for ``record``: message, arguments, traceback."""
    text = record.getMessage()
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text


def slack_flows(app, fake: FakeSlackAPI) -> None:
    client = WebClient(token=SLACK_TOKEN, base_url=fake.url)
    bolt = build_app(app.core, signing_secret=SECRET, client=client)
    server = make_server(bolt, "127.0.0.1", 0)
    thread = server.start_in_thread()
    d = SlackDriver(*server.server_address[:2], fake.root)
    try:
        d.command("/cohort", "start Secret keepers")
        d.command("/checkin", TYPED)
        fake.fail("chat.postMessage", error="invalid_auth")
        fake.fail("users.info", error="token_revoked")
        fake.fail("views.open", status=500, error="fatal_error")
        d.command("/checkin", "", user="U7")
        d.command("/hours", f"1h learning {TYPED}", user="U8")
        d.command("/cohort", "summary")
        d.action("snooze_1h", button_value("C1", ""))  # queues a prompt in the outbox
        fake.settle()
        # The delivery path: refusals become DeliveryErrors and stored last_error values.
        platform = SlackPlatform(client)
        errors = []
        for failure in ("invalid_auth", "not_authed", None):
            fake.fail(
                "chat.postMessage",
                error=failure or "ratelimited",
                status=429 if failure is None else 200,
                retry_after=1 if failure is None else None,
            )
            try:
                platform.send(Destination("slack", "T1", "C1"), Message(TYPED))
            except DeliveryError as exc:
                errors.append(f"{exc} {exc.reason} {exc!r} {exc.__cause__!r}")
        assert len(errors) == 3
        for text in errors:
            assert not any(t in text for t in TOKENS), text
            assert TYPED not in text
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        bolt.listener_runner.listener_executor.shutdown(wait=True)


def test_no_token_or_typed_text_reaches_logs_or_errors(app, captured, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    fake = FakeSlackAPI().start()
    try:
        slack_flows(app, fake)
    finally:
        fake.stop()

    async def scenario(h: Harness) -> None:
        await h.start_cohort(person=ADA)
        await h.slash("checkin", person=ADA, text=TYPED)
        h.fake.fail(
            "POST", r"/channels/\d+/messages", 403, {"message": "Missing Access", "code": 50001}
        )
        await h.slash("checkin", person=ADA, text=TYPED + " again", edit=True)

    run_with_bot(app, scenario)
    # A scheduled delivery that fails, so the delivery loop logs too.
    app.clock.advance(timedelta(minutes=61))
    delivery = Delivery(app.core, app.uow, _Refusing(), app.clock, limiter=RateLimiter(1e9, 1e9))
    assert delivery.drain().retried == 1

    assert captured.records, "nothing was logged: the capture is broken"
    loud = [r for r in captured.records if r.levelno >= logging.INFO]
    for record in loud:
        text = rendered(record)
        assert not any(t in text for t in TOKENS), text
        assert TYPED not in text, (record.name, text[:300])
    # Through the JSON formatter and the redaction filter, token-shaped strings are masked
    # even in DEBUG records (third-party libraries log request URLs and bodies there).
    formatter, redactor = JsonFormatter(), RedactionFilter()
    for record in captured.records:
        redactor.filter(record)
        line = formatter.format(record)
        assert "\n" not in line
        json.loads(line)
        for token in (SLACK_TOKEN, APP_TOKEN, DISCORD_TOKEN):
            assert token not in line, line[:300]


class _Refusing:
    name = "refusing"

    def send(self, destination, message, *, key=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("upstream said no")


def test_the_json_log_format_is_one_line_with_context_and_masks_secrets(restored_logging):
    stream = io.StringIO()
    handler = configure("INFO", stream)
    log = logging.getLogger("cohortbot.test")
    try:
        log.info(
            "sent outbox row %s with %s", 7, SLACK_TOKEN, extra={"cohort_id": 3, "member_id": 9}
        )
        try:
            raise RuntimeError(f"connect to postgresql://bot:hunter2@db/x failed, {DISCORD_TOKEN}")
        except RuntimeError:
            log.exception("delivery failed", extra={"cohort_id": 3})
        log.debug("not at info")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["event"] == "sent outbox row 7 with [redacted]"
    assert (first["cohort_id"], first["member_id"], first["level"]) == (3, 9, "INFO")
    assert "hunter2" not in second["error"] and DISCORD_TOKEN not in second["error"]
    assert "postgresql://bot:[redacted]@db/x" in second["error"]
    assert redact(f"Authorization: Bearer {APP_TOKEN}") == "Authorization: Bearer [redacted]"


def test_database_errors_never_echo_the_values_they_tried_to_write(engine):
    with pytest.raises(DBAPIError) as info, engine.begin() as conn:
        conn.execute(
            insert(CheckInRow).values(
                member_id=424242,
                local_date=datetime(2026, 12, 1, tzinfo=UTC).date(),
                did=TYPED,
                public=True,
                created_at=datetime(2026, 12, 1, tzinfo=UTC),
                updated_at=datetime(2026, 12, 1, tzinfo=UTC),
            )
        )
    message = str(info.value)
    assert TYPED not in message
    assert "parameters hidden" in message


@pytest.fixture
def restored_logging():
    """Put the root's handlers and the library loggers' levels back after ``configure``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = (*LIBRARY_LOGGERS, *QUIET_LIBRARY_LOGGERS)
    libraries = {name: logging.getLogger(name).level for name in names}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in libraries.items():
        logging.getLogger(name).setLevel(old)


def test_at_debug_library_loggers_do_not_log_request_bodies(app, restored_logging):
    """LOG_LEVEL=DEBUG is for the bot's own records: slack_sdk logs every request body at
    DEBUG, which would put check-in words on stderr. Only LOG_LEVEL_LIBRARIES opens them."""
    stream = io.StringIO()
    configure("DEBUG", stream)
    fake = FakeSlackAPI().start()
    try:
        slack_flows(app, fake)
        logging.getLogger("bot.test").debug("the bot's own debug line")
    finally:
        fake.stop()
    written = stream.getvalue()
    assert "the bot's own debug line" in written  # DEBUG is on for the bot itself
    assert TYPED not in written, [line for line in written.splitlines() if TYPED in line][:2]


def test_library_debug_logging_only_when_asked_for(restored_logging):
    stream = io.StringIO()
    configure("INFO", stream, libraries="DEBUG")
    logging.getLogger("slack_sdk.web.base_client").debug("a request body")
    logging.getLogger("bot.test").debug("not at info")
    assert "not at info" not in stream.getvalue()
    assert "a request body" in stream.getvalue()
