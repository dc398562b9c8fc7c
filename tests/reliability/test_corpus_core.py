"""The hostile-input corpus through the grammar and the core, on SQLite and PostgreSQL.

Every entry either raises a ``UserError`` that carries a usage line and leaves every
table exactly as it was, or stores its text verbatim and answers with messages in
which that text is inert (no live mention, broadcast or markup).
"""

from __future__ import annotations

from bot.domain.errors import UserError
from bot.messages import safe_text
from tests.reliability.rel_corpus import Entry, live_markup, load, message_texts
from tests.support.db import snapshot, stored_anywhere

ENTRIES = load()
# Entries whose right behaviour needs a change outside this suite's files; each is
# reported to the owner and kept here as a strict xfail until it lands.
# Entries that expose a bug not fixed yet: id -> what is wrong. Add a strict xfail test
# here when one appears; the sweep above skips them.
KNOWN_BUGS: dict[str, str] = {}


def run_entry(world, index: int, entry: Entry) -> list[str]:
    """Run one entry as a fresh member; return what went wrong (empty: all good)."""
    name = f"M{index:03d}"
    world.say(name, "/cohort join")
    engine = world.app.engine
    before = snapshot(engine)
    problems: list[str] = []
    try:
        reply = world.say(name, entry.input)
    except UserError as error:
        if entry.expect != "error":
            return [f"refused but should be stored: {error.message[:120]!r}"]
        if not error.usage:
            problems.append(f"error without a usage line: {error.message[:120]!r}")
        if live_markup(safe_text(str(error))):
            problems.append("error renders live markup")
        if snapshot(engine) != before:
            problems.append("an error wrote to the database")
        return problems
    except Exception as exc:  # anything else is a crash
        return [f"crashed: {type(exc).__name__}: {str(exc)[:160]}"]
    if entry.expect == "error":
        problems.append("accepted but should be refused")
    if entry.stored is not None and not stored_anywhere(engine, entry.stored):
        problems.append(f"{entry.stored[:60]!r} not stored verbatim")
    for message in (reply.message, *reply.public):
        for text in message_texts(message):
            if live_markup(text):
                problems.append(f"reply shows live markup {live_markup(text)} in {text[:80]!r}")
    return problems


def test_every_corpus_entry_is_refused_cleanly_or_stored_verbatim_and_shown_inert(world):
    world.say("Ada", "/cohort start Corpus cohort")
    failures = {}
    for index, entry in enumerate(ENTRIES):
        if entry.id in KNOWN_BUGS:
            continue
        problems = run_entry(world, index, entry)
        if problems:
            failures[entry.id] = problems
    assert failures == {}
