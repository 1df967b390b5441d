"""The negotiation thread over Socket.IO: a room per request, only the two parties, live messages and moves."""


def events(sc, name):
    return [msg["args"][0] for msg in sc.get_received() if msg["name"] == name]


def test_parties_join_and_receive_messages_and_moves(make_request, market, login, socket_client):
    req = make_request("submitted")
    founder, provider = login(market.founder), login(market.provider_user)
    founder.post(f"/api/requests/{req.id}/messages", json={"body": "Earlier"})
    sc = socket_client(founder)
    ack = sc.emit("request:join", {"request_id": req.id, "after_id": 0}, callback=True)
    assert ack["ok"] is True and ack["state"] == "submitted"
    assert [m["body"] for m in ack["messages"]] == ["Earlier"]
    sc.get_received()
    provider.post(f"/api/requests/{req.id}/messages", json={"body": "Hello from the lab"})
    [message] = events(sc, "request:message")
    assert message["body"] == "Hello from the lab" and message["author"]["id"] == market.provider_user.id
    provider.post(f"/api/requests/{req.id}/quote", json={"price": 10})
    assert {"id": req.id, "state": "quoted"} in events(sc, "request:update")


def test_send_over_the_socket_is_stored_and_broadcast(make_request, market, login, socket_client):
    req = make_request("quoted")
    founder_socket = socket_client(login(market.founder))
    provider_socket = socket_client(login(market.provider_user))
    for sc in (founder_socket, provider_socket):
        assert sc.emit("request:join", {"request_id": req.id}, callback=True)["ok"]
        sc.get_received()
    ack = founder_socket.emit("request:send", {"request_id": req.id, "body": "Deal?"}, callback=True)
    assert ack["ok"] and ack["message"]["body"] == "Deal?"
    assert [m["body"] for m in events(provider_socket, "request:message")] == ["Deal?"]


def test_outsiders_and_anonymous_cannot_join(make_request, market, login, socket_client):
    req = make_request("submitted")
    anonymous = socket_client()
    ack = anonymous.emit("request:join", {"request_id": req.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unauthorized"
    ack = anonymous.emit("request:send", {"request_id": req.id, "body": "hi"}, callback=True)
    assert ack["ok"] is False
    outsider = socket_client(login(market.outsider))
    ack = outsider.emit("request:join", {"request_id": req.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    founder = login(market.founder)
    founder.post(f"/api/requests/{req.id}/messages", json={"body": "secret"})
    assert events(outsider, "request:message") == []


def test_bad_join_payload_is_a_validation_error(market, login, socket_client):
    sc = socket_client(login(market.founder))
    ack = sc.emit("request:join", {"request_id": "x"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"


def test_moves_notify_the_other_side(make_request, market, db):
    from sqlalchemy import select

    from app.notifications.models import Notification
    make_request("accepted")
    provider_kinds = set(db.session.scalars(select(Notification.kind)
                                            .where(Notification.user_id == market.provider_user.id)))
    founder_kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == market.founder.id)))
    assert {"request_submitted", "request_accepted"} <= provider_kinds
    assert "request_quoted" in founder_kinds and "request_submitted" not in founder_kinds
