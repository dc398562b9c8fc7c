"""The console adapter: chat with the core in a terminal, or script it through a pipe."""
