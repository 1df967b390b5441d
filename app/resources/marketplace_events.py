"""Socket.IO handlers of the negotiation threads."""
