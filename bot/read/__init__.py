"""The read side: cards, stats, reports, digest, leaderboards and export. Nothing here writes."""
