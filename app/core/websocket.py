"""WebSocket sending tuned for broadcasts to big rooms (simple-websocket, as engine.io uses it under gevent).

A room's broadcast is one engine.io packet whose text every viewer gets: python-engineio encodes it once
and caches the string, but simple-websocket then frames it again for each viewer through wsproto. Two
changes make a copy cheaper:

* **No permessage-deflate.** Browsers offer it, and simple-websocket accepts it: every copy is then
  compressed separately (each connection has its own zlib stream, ~300 KB of memory apiece) to save a few
  bytes on messages of a few hundred. `strip_deflate_offer` removes the offer before the handshake, as
  socket.io's own server does by default.
* **One frame per broadcast.** A server's text frame is a small header plus the UTF-8 payload, the same
  for every viewer; `install_frame_cache` builds it once per payload string and writes it straight to
  the socket. Anything else (binary data, a negotiated extension, a client-side socket) goes through
  simple-websocket unchanged.
"""
from __future__ import annotations

import simple_websocket.ws

_FRAMES: dict[str, bytes] = {}
_MAX_FRAMES = 256  # recent payloads; a broadcast's copies all hit the same entry
_MAX_CACHED = 64 * 1024  # payload characters worth keeping
_original_send = simple_websocket.ws.Base.send


def text_frame(text: str) -> bytes:
    """A final, unmasked text frame (RFC 6455 §5.2) carrying `text`, as a server sends it."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


def _send(self, data) -> None:
    if type(data) is not str or not self.is_server or not self.connected or self.ws.connection is None \
            or self.ws.connection._proto.extensions:
        return _original_send(self, data)
    frame = _FRAMES.get(data)
    if frame is None:
        frame = text_frame(data)
        if len(data) <= _MAX_CACHED:
            if len(_FRAMES) >= _MAX_FRAMES:
                _FRAMES.clear()
            _FRAMES[data] = frame
    self.sock.sendall(frame)


def install_frame_cache() -> None:
    """Send server text frames through the per-payload cache (idempotent)."""
    simple_websocket.ws.Base.send = _send


def strip_deflate_offer(wsgi_app):
    """WSGI middleware: drop the client's WebSocket extension offers (permessage-deflate)."""
    def middleware(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)
    return middleware
