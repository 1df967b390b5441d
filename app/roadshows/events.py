"""Socket.IO handlers of the live roadshow rooms."""
