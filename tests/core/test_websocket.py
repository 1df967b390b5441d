"""Broadcast-friendly WebSocket sending: frames built once per payload, no per-copy compression."""
import json

import pytest
from wsproto.frame_protocol import FrameProtocol

from app.core.websocket import strip_deflate_offer, text_frame


def _decode(frame: bytes) -> str:
    reader = FrameProtocol(client=True, extensions=[])
    reader.receive_bytes(frame)
    frames = list(reader.received_frames())
    assert len(frames) == 1 and frames[0].message_finished
    return frames[0].payload


@pytest.mark.parametrize("text", ["", "42[\"chat:new\",{}]", "x" * 125, "y" * 126, "z" * 65535, "路演" * 40000])
def test_a_text_frame_reads_back_as_the_same_message(text):
    assert _decode(text_frame(text)) == text


def test_the_deflate_offer_never_reaches_the_handshake():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []
    strip_deflate_offer(app)({"HTTP_SEC_WEBSOCKET_EXTENSIONS": "permessage-deflate; client_max_window_bits",
                              "HTTP_UPGRADE": "websocket"}, None)
    assert "HTTP_SEC_WEBSOCKET_EXTENSIONS" not in seen and seen["HTTP_UPGRADE"] == "websocket"


@pytest.mark.served
def test_served_sockets_take_no_compression_and_read_broadcasts(served_app):  # noqa: F811
    import websocket
    url = served_app.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(url, timeout=10, header=["Sec-WebSocket-Extensions: permessage-deflate"])
    try:
        assert "sec-websocket-extensions" not in {k.lower() for k in ws.getheaders()}
        assert ws.recv().startswith("0")  # the engine.io handshake, framed by us
        ws.send("40")
        assert ws.recv().startswith("40")
        ws.send('421["roadshow:join",{"roadshow_id":2147483647,"after_id":null}]')
        ack = ws.recv()
        assert ack.startswith("431") and json.loads(ack[3:])[0]["ok"] is False
    finally:
        ws.close()


from tests.served import served_app  # noqa: E402, F401
