"""Mentor profiles, session types, availability, bookings (issue: mentor booking)."""
