"""Roadshows, pitches, live room records (issue: roadshow rooms)."""
