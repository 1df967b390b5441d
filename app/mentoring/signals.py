"""Signals other domains can listen to (a higher domain reacts without mentoring importing it)."""
from blinker import Namespace

signals = Namespace()

# Sent with the booking id once a move on a booking (confirm, decline, cancel, complete, no-show, reschedule)
# has been committed.
booking_moved = signals.signal("booking-moved")
