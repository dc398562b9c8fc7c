"""TEMP: Discord versions of core texts that do not name commands by reference yet.

They come from ``bot/usecases/`` (being split up elsewhere); once those texts reference
commands (backticked, or a structured help reply) this module goes. Exactly these:

- the help reply, ``help_text(topic)`` for every topic (``Help`` returns plain text);
- three usage lines written out in the use cases: ``/cohort me quiet-hours ...``,
  ``/cohort me reminders [...] on|off`` and ``/cohort settings rest-day YYYY-MM-DD``.
"""

from __future__ import annotations

from bot.commands import HELP_TOPICS, help_text

_HELP: dict[str, str] = {
    help_text(topic): help_text(topic, typed=True) for topic in (None, *HELP_TOPICS)
}
_USAGE: dict[str, str] = {
    "/cohort me quiet-hours 22:00-07:00 (or off)": (
        "/cohort me key:quiet-hours value:22:00-07:00 (or value:off)"
    ),
    "/cohort settings rest-day YYYY-MM-DD": "/cohort-admin settings key:rest-day value:YYYY-MM-DD",
}
_REMINDERS = ("/cohort me reminders [", "/cohort me key:reminders value:[")


def whole_text(text: str) -> str | None:
    """The Discord help for a help reply; None for any other text."""
    return _HELP.get(text)


def usage_line(usage: str) -> str:
    if usage.startswith(_REMINDERS[0]):
        return _REMINDERS[1] + usage.removeprefix(_REMINDERS[0])
    return _USAGE.get(usage, usage)
