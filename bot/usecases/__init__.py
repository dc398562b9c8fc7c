"""Use cases: the only code that writes, one module per capability, run by the dispatcher."""

from bot.usecases.core import Core

__all__ = ["Core"]
