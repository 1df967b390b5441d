"""Two server processes sharing one database and Redis: a notification raised by a request on one
process reaches a socket connected to the other, through the Socket.IO message queue."""
import os
import queue

import pytest
import requests
import socketio

from tests.conftest import PASSWORD
from tests.served import serve

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = [pytest.mark.served,
              pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL (a real Redis message queue)")]


def register(base: str, email: str, name: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/api/auth/register",
                            json={"email": email, "password": PASSWORD, "name": name, "role": "founder"}, timeout=10)
    assert response.status_code == 201, response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


def test_notification_crosses_processes_through_redis():
    with serve(processes=2, env={"REDIS_URL": REDIS_URL}) as served:
        first, second = served.servers
        owner = register(first.url, "owner@example.com", "Owner")
        invitee = register(second.url, "invitee@example.com", "Invitee")
        token = invitee.post(f"{second.url}/api/tokens", json={"name": "socket"}, timeout=10).json()["token"]

        received: queue.Queue = queue.Queue()
        client = socketio.Client(reconnection=False)
        client.on("notification:new", received.put)
        client.connect(second.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
        try:
            startup = owner.post(f"{first.url}/api/startups", timeout=10, json={
                "name": "Photonix", "sector": "quantum", "stage": "seed", "summary": "Photonic qubits",
                "needs": "A cleanroom", "tags": ["photonics"]})
            assert startup.status_code == 201, startup.text
            invite = owner.post(f"{first.url}/api/organisations/{startup.json()['id']}/invitations",
                                json={"email": "invitee@example.com"}, timeout=10)
            assert invite.status_code == 201, invite.text
            note = received.get(timeout=10)
        finally:
            client.disconnect()
        assert note["kind"] == "invitation_received"
        assert "Photonix" in note["text"]
        assert note["unread_count"] == 1


def test_deactivation_on_one_process_closes_sockets_on_another():
    with serve(processes=2, env={"REDIS_URL": REDIS_URL}) as served:
        first, second = served.servers
        result = served.flask("create-admin", "ops@example.com", "--password", PASSWORD)
        assert result.returncode == 0, result.stderr
        admin = requests.Session()
        login = admin.post(f"{first.url}/api/auth/login", json={"email": "ops@example.com", "password": PASSWORD},
                           timeout=10)
        admin.headers["X-CSRFToken"] = login.json()["csrf_token"]
        member = register(second.url, "member@example.com", "Member")
        token = member.post(f"{second.url}/api/tokens", json={"name": "socket"}, timeout=10).json()["token"]
        user_id = member.get(f"{second.url}/api/me", timeout=10).json()["id"]

        closed: queue.Queue = queue.Queue()
        client = socketio.Client(reconnection=False)
        client.on("disconnect", lambda *args: closed.put(True))
        client.connect(second.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
        try:
            response = admin.post(f"{first.url}/api/admin/users/{user_id}/deactivate", timeout=10)
            assert response.status_code == 200, response.text
            assert closed.get(timeout=10) is True
        finally:
            if client.connected:
                client.disconnect()
