"""Invite-only means invite-only (issue 17, item 3): organisers invite by email or approve requests, and
nobody else sees the room's content or gets in, by any route. Public rooms stay open to everyone."""
import io

import pytest

from tests.roadshows.conftest import pdf_bytes


@pytest.fixture
def closed_room(db, admin, make_roadshow, make_pitch, make_startup, make_user):
    """An invite-only roadshow with one pitch (a 2-page deck) and one chat message."""
    from app.roadshows import services
    from app.roadshows.live import use_cases
    roadshow = make_roadshow(visibility="invite_only", title="闭门路演")
    pitch = make_pitch(roadshow, title="量子传感器", deck_pages=2)
    use_cases.send_chat(user=pitch.presenter, roadshow_id=roadshow.id, body="欢迎", client_id="c1")
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, leaderboard_published=True)
    return roadshow, pitch


def _routes(roadshow, pitch):
    """Every REST and page route that shows or changes the room's content, as (method, path, body)."""
    return [
        ("GET", f"/api/roadshows/{roadshow.id}/messages", None),
        ("GET", f"/api/roadshows/{roadshow.id}/leaderboard", None),
        ("PUT", f"/api/pitches/{pitch.id}/interest", None),
        ("GET", f"/roadshows/{roadshow.id}/transcript", None),
        ("GET", f"/roadshows/pitches/{pitch.id}/deck/1.png", None),
    ]


def _status(api, method, path, body):
    return api.open(method, path, json=body).status_code


def test_an_uninvited_account_is_refused_by_every_route(closed_room, make_user, login):
    roadshow, pitch = closed_room
    api = login(make_user("investor"))
    for method, path, body in _routes(roadshow, pitch):
        assert _status(api, method, path, body) == 403, path


def test_signed_out_visitors_are_refused_by_every_route(closed_room, app):
    roadshow, pitch = closed_room
    anon = app.test_client()
    for method, path, body in _routes(roadshow, pitch):
        assert anon.open(path, method=method, json=body).status_code in (401, 403), path
    assert app.test_client().get(f"/api/roadshows/{roadshow.id}").status_code == 401


def test_an_invited_account_gets_in_by_every_route(closed_room, admin, make_user, login):
    roadshow, pitch = closed_room
    investor = make_user("investor", email="wang.fang@example.com")
    response = login(admin).post(f"/api/roadshows/{roadshow.id}/invitations",
                                 json={"emails": ["Wang.Fang@Example.com"]})
    assert response.status_code == 201 and response.get_json()[0]["email"] == "wang.fang@example.com"
    api = login(investor)
    for method, path, body in _routes(roadshow, pitch):
        assert _status(api, method, path, body) == 200, path
    assert [p["title"] for p in api.get(f"/api/roadshows/{roadshow.id}").get_json()["pitches"]] == ["量子传感器"]
    assert api.get(f"/roadshows/{roadshow.id}/live").status_code == 200


def test_the_agenda_is_hidden_from_those_not_let_in(closed_room, make_user, login):
    roadshow, _pitch = closed_room
    api = login(make_user("investor"))
    body = api.get(f"/api/roadshows/{roadshow.id}").get_json()
    assert body["title"] == "闭门路演" and body["pitches"] == []
    listed = api.get("/api/roadshows").get_json()["items"]
    assert [r["pitches"] for r in listed if r["id"] == roadshow.id] == [[]]
    page = api.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    assert "量子传感器" not in page and "Ask to join" in page


def test_the_live_page_sends_an_uninvited_account_back(closed_room, make_user, login):
    roadshow, _pitch = closed_room
    response = login(make_user("investor")).get(f"/roadshows/{roadshow.id}/live")
    assert response.status_code == 302 and response.location.endswith(f"/roadshows/{roadshow.id}")


def test_sockets_refuse_an_uninvited_account(closed_room, make_user, login, socket_client):
    roadshow, pitch = closed_room
    sc = socket_client(login(make_user("investor")))
    ack = sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "registration_required"
    ask = sc.emit("qa:ask", {"roadshow_id": roadshow.id, "pitch_id": pitch.id, "body": "?"}, callback=True)
    assert ask["ok"] is False
    chat = sc.emit("chat:send", {"roadshow_id": roadshow.id, "body": "hi", "client_id": "x"}, callback=True)
    assert chat["ok"] is False


def test_registering_is_a_request_until_an_organiser_approves(db, closed_room, admin, make_user, login):
    from sqlalchemy import select

    from app.notifications.models import Notification
    roadshow, _pitch = closed_room
    investor = make_user("investor", name="赵敏")
    api = login(investor)
    asked = api.post(f"/api/roadshows/{roadshow.id}/register").get_json()
    assert (asked["status"], asked["registered"]) == ("pending", False)
    assert api.get(f"/api/roadshows/{roadshow.id}/messages").status_code == 403
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == admin.id,
                                                           Notification.kind == "roadshow_join_request"))
    waiting = login(admin).get(f"/api/roadshows/{roadshow.id}/admission").get_json()["registrations"]
    assert [(r["user"]["name"], r["status"]) for r in waiting][:1] == [("赵敏", "pending")]
    decided = login(admin).post(f"/api/roadshows/{roadshow.id}/registrations/{investor.id}/decision",
                                json={"approve": True})
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"
    assert login(investor).get(f"/api/roadshows/{roadshow.id}/messages").status_code == 200


def test_a_declined_request_stays_out(closed_room, admin, make_user, login):
    roadshow, _pitch = closed_room
    investor = make_user("investor")
    login(investor).post(f"/api/roadshows/{roadshow.id}/register")
    login(admin).post(f"/api/roadshows/{roadshow.id}/registrations/{investor.id}/decision", json={"approve": False})
    api = login(investor)
    assert api.post(f"/api/roadshows/{roadshow.id}/register").get_json()["status"] == "declined"
    assert api.get(f"/api/roadshows/{roadshow.id}/messages").status_code == 403


def test_only_organisers_invite_and_decide(closed_room, make_user, login):
    roadshow, _pitch = closed_room
    other = make_user("investor")
    api = login(make_user("investor"))
    assert api.post(f"/api/roadshows/{roadshow.id}/invitations", json={"emails": [other.email]}).status_code == 403
    assert api.get(f"/api/roadshows/{roadshow.id}/admission").status_code == 403
    assert api.post(f"/api/roadshows/{roadshow.id}/registrations/{other.id}/decision",
                    json={"approve": True}).status_code == 403


@pytest.mark.parametrize("body", [{"emails": ["not-an-email"]}, {"emails": []}, {"emails": "a@b.c"}, {}, [1]])
def test_a_bad_invitation_is_422(closed_room, admin, login, body):
    roadshow, _pitch = closed_room
    assert login(admin).post(f"/api/roadshows/{roadshow.id}/invitations", json=body).status_code == 422


def test_an_invitation_by_email_lets_in_the_account_opened_later(closed_room, admin, login, client):
    roadshow, _pitch = closed_room
    login(admin).post(f"/api/roadshows/{roadshow.id}/invitations", json={"emails": ["new.person@example.com"]})
    response = client.post("/api/auth/register", json={"email": "new.person@example.com", "password": "a-Long-pass-42",
                                                        "name": "新人", "role": "investor"})
    assert response.status_code == 201
    assert client.get(f"/api/roadshows/{roadshow.id}/messages").status_code == 200


def test_withdrawing_an_invitation_shuts_the_door(closed_room, admin, make_user, login):
    roadshow, _pitch = closed_room
    investor = make_user("investor")
    [invitation] = login(admin).post(f"/api/roadshows/{roadshow.id}/invitations",
                                     json={"emails": [investor.email]}).get_json()
    assert login(investor).get(f"/api/roadshows/{roadshow.id}/messages").status_code == 200
    assert login(admin).delete(f"/api/roadshows/{roadshow.id}/invitations/{invitation['id']}").status_code == 204
    assert login(investor).get(f"/api/roadshows/{roadshow.id}/messages").status_code == 403


def test_a_founder_cannot_apply_to_an_invite_only_roadshow_uninvited(closed_room, make_user, make_startup, login):
    roadshow, _pitch = closed_room
    founder = make_user("founder")
    startup = make_startup(founder, name="深空科技")
    response = login(founder).post(f"/api/roadshows/{roadshow.id}/pitches",
                                   json={"startup_id": startup.id, "title": "闯入"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "registration_required"


def test_a_founder_cannot_upload_a_deck_to_get_in(closed_room, make_user, login):
    roadshow, pitch = closed_room
    response = login(make_user("founder")).post(f"/api/pitches/{pitch.id}/deck",
                                                data={"file": (io.BytesIO(pdf_bytes(1)), "d.pdf")},
                                                content_type="multipart/form-data")
    assert response.status_code == 403


def test_public_rooms_stay_open_to_signed_out_viewers(db, make_roadshow, make_pitch, app, socket_client):
    roadshow = make_roadshow(title="公开路演")
    pitch = make_pitch(roadshow, deck_pages=1)
    anon = app.test_client()
    assert anon.get(f"/api/roadshows/{roadshow.id}").get_json()["pitches"][0]["id"] == pitch.id
    assert anon.get(f"/api/roadshows/{roadshow.id}/messages").status_code == 200
    assert anon.get(f"/roadshows/{roadshow.id}/live").status_code == 200
    assert anon.get(f"/roadshows/pitches/{pitch.id}/deck/1.png").status_code == 200
    assert socket_client().emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["ok"] is True
