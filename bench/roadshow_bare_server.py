"""The stack's own ceiling: a minimal Flask-SocketIO server in gevent mode with the same two events the
roadshow load uses (`roadshow:join` joins a room and acks; `chat:send` broadcasts `chat:new` to the room
and acks). No database, no access checks. Started by `bench/roadshow_load.py --target bare`.

    python bench/roadshow_bare_server.py PORT
"""
from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import sys  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent")
ids = itertools.count(1)


@app.get("/healthz")
def healthz():
    return "ok"


@socketio.on("roadshow:join")
def on_join(data):
    join_room(f"roadshow:{data['roadshow_id']}")
    return {"ok": True, "state": {}, "messages": []}


@socketio.on("chat:send")
def on_chat(data):
    message = {"id": next(ids), "roadshow_id": data["roadshow_id"], "user": {"id": 1, "name": "bench"},
               "body": data["body"], "created_at": None, "client_id": data["client_id"]}
    socketio.emit("chat:new", message, to=f"roadshow:{data['roadshow_id']}")
    return {"ok": True, "message": message}


if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False)
