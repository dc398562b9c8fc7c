"""Use cases: the only code that writes, one module per capability, run by the dispatcher."""

from bot.usecases.core import Core
from bot.usecases.dispatch import APOLOGY, Outcome, Traits

__all__ = ["APOLOGY", "Core", "Outcome", "Traits"]
