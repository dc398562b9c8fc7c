"""Errors a user can cause. Adapters render them as short ephemeral replies."""

from __future__ import annotations


class UserError(Exception):
    """Base of every error whose message is meant for the person who typed the command."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        if self.usage:
            return f"{self.message}\nUsage: {self.usage}"
        return self.message


class UsageError(UserError):
    """The command was malformed: wrong arguments, bad amount, unknown option."""


class NotAllowed(UserError):
    """The caller may not do this (not an admin, not their entry)."""


class NotFound(UserError):
    """The thing the command refers to does not exist (no cohort here, no such goal)."""
