"""One form reader for Slack modals, Discord modals and the console: the same fields, rules."""

from __future__ import annotations

import pytest

from bot.commands import MAX_CHECKIN_CHARS, FormError, checkin_from_form, hours_from_form
from bot.domain import commands as c


def test_a_checkin_form_becomes_a_checkin_with_hours_mood_and_day():
    command = checkin_from_form(
        {
            "did": " lesson 4 ",
            "next": "",
            "mood": "4",
            "hours_learning": "1h",
            "hours_building": "30m",
            "day": "1",
        }
    )
    assert command == c.CheckIn(
        did="lesson 4", mood=4, hours={"learning": 60, "building": 30}, when=1
    )


def test_hours_typed_in_one_field_read_as_in_the_grammar():
    command = checkin_from_form({"did": "x", "hours": "1h learning, 30m b", "mood": "4/5"})
    assert command == c.CheckIn(did="x", mood=4, hours={"learning": 60, "building": 30})


def test_in_the_edit_form_an_empty_field_clears_it():
    command = checkin_from_form({"did": "better", "next": "", "blockers": " "}, edit=True)
    assert command == c.EditCheckIn(did="better", next="", blockers="", clear_mood=True)


def test_every_problem_is_reported_against_its_field():
    with pytest.raises(FormError) as info:
        checkin_from_form(
            {
                "did": "",
                "blockers": "b" * (MAX_CHECKIN_CHARS + 1),
                "mood": "9",
                "hours_learning": "-1h",
            }
        )
    errors = info.value.errors
    assert set(errors) == {"did", "blockers", "mood", "hours_learning"}
    assert "at most 4000 characters" in errors["blockers"]
    assert "Mood is a number from 1 to 5" in errors["mood"]
    assert str(info.value).startswith(errors["blockers"])  # lengths are checked first


def test_more_than_16_hours_of_one_category_is_refused():
    with pytest.raises(FormError) as info:
        checkin_from_form({"did": "x", "hours": "10h learning", "hours_learning": "7h"})
    assert "more than 16 h of learning" in info.value.errors["hours_learning"]


def test_the_hours_form_reads_amount_category_note_and_day():
    command = hours_from_form(
        {"amount": "1h30m", "category": "b", "note": " tests ", "day": "yesterday"}
    )
    assert command == c.LogHours(minutes=90, category="building", note="tests", when=1)
    assert hours_from_form({"amount": "2h", "category": "learning", "day": "0"}).when == 0


def test_the_hours_form_names_the_fields_that_are_wrong():
    with pytest.raises(FormError) as info:
        hours_from_form({"amount": "soon", "category": "sleeping", "note": "n" * 501})
    assert set(info.value.errors) == {"amount", "category", "note"}
