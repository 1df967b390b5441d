"""A browser's side of Janus over plain HTTP, as janus.js speaks it: enough to ask Janus itself whether a token
lets one in (create a session, attach the VideoRoom, join a room)."""
import json
import secrets
from urllib.request import Request, urlopen


class JanusRefused(Exception):
    pass


def _call(url: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps({"transaction": secrets.token_hex(6), **body}).encode()
    request = Request(url, data=data, headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def join_room(http_url: str, *, token: str, room: int, feed_id: int | None = None, display: str = "测试") -> dict:
    """Join `room` as a publisher with `token` (for the core and the room); the VideoRoom's `joined` data.
    Raises JanusRefused with Janus's reason when the core or the room refuses."""
    answer = _call(http_url, {"janus": "create", "token": token})
    if answer["janus"] == "error":
        raise JanusRefused(answer["error"]["reason"])
    session = f"{http_url}/{answer['data']['id']}"
    try:
        answer = _call(session, {"janus": "attach", "plugin": "janus.plugin.videoroom", "token": token})
        if answer["janus"] == "error":
            raise JanusRefused(answer["error"]["reason"])
        handle = f"{session}/{answer['data']['id']}"
        body = {"request": "join", "ptype": "publisher", "room": room, "display": display, "token": token}
        if feed_id is not None:
            body["id"] = feed_id
        answer = _call(handle, {"janus": "message", "token": token, "body": body})
        if answer["janus"] == "error":
            raise JanusRefused(answer["error"]["reason"])
        for _ in range(10):
            events = _call(f"{session}?maxev=5&token={token}")
            for event in events if isinstance(events, list) else [events]:
                data = (event.get("plugindata") or {}).get("data") or {}
                if data.get("error"):
                    raise JanusRefused(data["error"])
                if data.get("videoroom") == "joined":
                    return data
        raise AssertionError("no answer to the join")
    finally:
        try:
            _call(session, {"janus": "destroy", "token": token})
        except Exception:  # noqa: BLE001 (the token may be gone already; the session then times out)
            pass


def session_refused(http_url: str, token: str) -> bool:
    """Whether Janus refuses to open a session with `token`."""
    return _call(http_url, {"janus": "create", "token": token})["janus"] == "error"


def open_session(http_url: str, token: str) -> int:
    """Open a Janus session with `token` and attach the VideoRoom (as a page would); the session id."""
    session = _call(http_url, {"janus": "create", "token": token})["data"]["id"]
    _call(f"{http_url}/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom", "token": token})
    return session
