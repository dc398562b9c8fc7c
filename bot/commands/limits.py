"""How long each typed field may be, and the setting keys: one set of limits for every way in."""

from __future__ import annotations

MAX_CHECKIN_CHARS = 4000  # each of did / next / blockers
MAX_NOTE_CHARS = 500
MAX_GOAL_CHARS = 300
MAX_COHORT_NAME_CHARS = 80
MAX_VALUE_CHARS = 200  # a setting value, a track or budget id
# Whole input: three full check-in fields plus labels and an hours line fit comfortably.
MAX_INPUT_CHARS = 3 * MAX_CHECKIN_CHARS + 1000
MAX_AWAY_DAYS = 90
MAX_SUMMARY_WEEKS_BACK = 52

MY_SETTING_KEYS = (
    "timezone",
    "prompt-time",
    "study-days",
    "quiet-hours",
    "track",
    "budget",
    "delivery",
    "checkins",
    "leaderboard",
    "reminders",
)
COHORT_SETTING_KEYS = (
    "timezone",
    "prompt-time",
    "study-days",
    "reminder-day",
    "review-day",
    "digest-day",
    "admin",
    "rest-day",
    "name",
    "paused",
)
