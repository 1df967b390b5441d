"""Live delivery: a message reaches the other participant's socket at once, and nobody else's."""


def _events(sc, name):
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def test_the_other_participant_receives_the_message_live(people, login, socket_client, conversation):
    investor_socket = socket_client(login(people["investor"]))
    outsider_socket = socket_client(login(people["other_investor"]))
    investor_socket.get_received()
    outsider_socket.get_received()
    sent = login(people["founder"]).post(f"/api/conversations/{conversation.id}/messages",
                                         json={"body": "Can we talk on Tuesday?"})
    assert sent.status_code == 201
    live = _events(investor_socket, "conversation:message")
    assert [(m["conversation_id"], m["body"], m["author"]["name"]) for m in live] == [
        (conversation.id, "Can we talk on Tuesday?", "Fang Founder")]
    assert live[0]["unread_total"] == 1
    assert _events(outsider_socket, "conversation:message") == []
