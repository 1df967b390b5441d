"""Socket.IO handlers of the mentoring session rooms."""
