"""Property: whatever is typed, the grammar and the core either refuse it cleanly (a
UserError with a usage line, nothing written) or accept it and answer inertly."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import bootstrap
from bot.clock import FixedClock
from bot.commands import parse
from bot.domain.actor import Actor
from bot.domain.errors import UsageError, UserError
from bot.storage.db import make_engine, upgrade
from tests.reliability.rel_corpus import live_markup, message_texts
from tests.support.db import table_counts

FRAGMENTS = [
    "<!channel>",
    "<!here>",
    "@everyone",
    "@here",
    "<@U123>",
    "<@&123>",
    "<#C1>",
    "<@!42>",
    "[x](https://evil.example)",
    "'; DROP TABLE members; --",
    "{name}",
    "{{7*7}}",
    "%s",
    "1e9",
    "-2h",
    "NaN",
    "inf",
    "2h30",
    "½",
    "٣",
    "\u202e",
    "\u200b",
    "\ufeff",
    "🚀",
    "\u0007",
    "|",
    " | next: ",
    " | blockers: ",
    " | mood: ",
    " | hours: ",
    "\n",
    "yesterday:",
    "2d",
    "learning",
    "building",
    "networking",
    "l",
    "b",
    "90m",
    "1h30m",
    "week",
    "1",
    "5",
    "0",
]
COMMANDS = [
    "/checkin",
    "/checkin edit",
    "/hours",
    "/hours undo",
    "/plan",
    "/plan set",
    "/plan done",
    "/sprint goal",
    "/sprint done",
    "/progress",
    "/help",
    "/cohort me",
    "/cohort me timezone",
    "/cohort me prompt-time",
    "/cohort me quiet-hours",
    "/cohort me away",
    "/cohort join",
    "/cohort summary",
    "/cohort settings name",
    "/cohort settings timezone",
    "/cohort export",
    "/cohort forget-me",
    "/sprint",
    "/frob",
]
# No NUL: PostgreSQL refuses it and the grammar does not yet (a known bug, see the corpus).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
ARGS = st.lists(st.one_of(st.sampled_from(FRAGMENTS), TEXT), max_size=6).map(" ".join)


def make_app(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}")
    upgrade(engine)
    app = bootstrap(
        engine=engine, clock=FixedClock(datetime(2026, 12, 2, 10, tzinfo=UTC)), migrate=False
    )
    admin = Actor("console", "W", "C", "U-admin", "Admin")
    app.core.handle(parse("/cohort start Property"), admin)
    return app


def test_anything_typed_is_refused_cleanly_or_answered_inertly(tmp_path_factory, content):
    app = make_app(tmp_path_factory)
    member = Actor("console", "W", "C", "U-m", "<!channel> @everyone")
    app.core.handle(parse("/cohort join"), member)

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(command=st.sampled_from(COMMANDS), args=ARGS)
    def check(command: str, args: str) -> None:
        line = f"{command} {args}"
        before = table_counts(app.engine)
        try:
            reply = app.core.handle(parse(line), member)
        except UserError as error:
            # A malformed command shows the usage; "not yours"/"not found" need none.
            assert error.usage or not isinstance(error, UsageError), (line, error.message)
            assert table_counts(app.engine) == before, line
            return
        for message in (reply.message, *reply.public):
            for text in message_texts(message):
                assert not live_markup(text), (line, text)

    check()
