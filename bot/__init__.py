"""cohortbot: the platform-neutral core of a study-cohort accountability bot."""

__version__ = "0.1.0"
