"""Helpers shared by the test packages: databases, the world, the command line."""
