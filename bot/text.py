"""Filling content texts: placeholders in braces, unknown ones left as they are."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``fill("Day {day}", {"day": 3}) -> "Day 3"``; never raises on a stray brace."""
    try:
        return string.Formatter().vformat(template, (), _Values(values))
    except (ValueError, IndexError, KeyError):
        return template
