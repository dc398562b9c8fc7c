"""Structured logs: one JSON object per line, with secrets masked before anything is written.

``configure(level)`` installs both on the root logger. Context such as cohort and
member ids travels as ``extra={"cohort_id": ..., "member_id": ...}`` and becomes
top-level keys; message text people typed is never logged at INFO (callers log ids).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

MASK = "[redacted]"
# Bot, app and user tokens of Slack; Discord bot tokens (three dot-separated base64url
# parts, the first the bot's id); the password in a URL; bearer/authorization values.
SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bxox[abposre]-[A-Za-z0-9-]+"), MASK),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), MASK),
    (re.compile(r"\b[MNO][A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}"), MASK),
    # URL user names and webhook/interaction ids are not secret: keep them for debugging.
    (re.compile(r"(://[^:/@\s]+):[^@/\s]+@"), rf"\1:{MASK}@"),
    (re.compile(r"(?i)\b((?:bot|bearer) )[A-Za-z0-9._~+/=-]{16,}"), rf"\1{MASK}"),
    (re.compile(r"(/(?:webhooks|interactions)/[0-9]+/)[A-Za-z0-9._-]{16,}"), rf"\1{MASK}"),
)
# Keys of ``extra`` that become fields of the JSON line.
CONTEXT_KEYS = ("cohort_id", "member_id", "outbox_id", "platform", "workspace_id", "kind")
# Libraries that log request and response bodies (check-in words, goals, blockers) at
# DEBUG. They stay at INFO or quieter even at LOG_LEVEL=DEBUG unless the operator asks
# for them with LOG_LEVEL_LIBRARIES.
LIBRARY_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "discord",
    "aiohttp",
    "urllib3",
    "websockets",
    "websocket",
    "httpx",
    "httpcore",
    "alembic",
    "psycopg",
    "apscheduler",
    "asyncio",
)
# SQLAlchemy logs every statement at INFO (its echo): WARNING unless asked.
QUIET_LIBRARY_LOGGERS = ("sqlalchemy",)


def redact(text: str) -> str:
    """``text`` with every token-shaped substring replaced by ``[redacted]``."""
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactionFilter(logging.Filter):
    """Masks secrets in the message, its arguments and any attached traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format: keep what we can, masked
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "event", ...context, "error"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                data[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            data["error"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


def _level(level: str | int, default: int) -> int:
    if isinstance(level, int):
        return level
    value = getattr(logging, level.upper(), default)
    return value if isinstance(value, int) else default


def configure(
    level: str | int = "INFO", stream: TextIO | None = None, libraries: str | int | None = None
) -> logging.Handler:
    """JSON lines to ``stream`` (stderr), secrets masked; replaces the root's handlers.

    Third-party loggers get ``libraries`` if given, else ``level`` but never below INFO:
    their DEBUG records carry request bodies, which hold what people typed.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactionFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    level = _level(level, logging.INFO)
    library_level = max(level, logging.INFO) if libraries is None else _level(libraries, level)
    handler.setLevel(min(level, library_level))
    root.setLevel(level)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(library_level)
    quiet = max(level, logging.WARNING) if libraries is None else library_level
    for name in QUIET_LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    return handler
