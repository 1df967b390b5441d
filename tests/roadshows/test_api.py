"""REST contract of SPEC §8 for roadshows, pitches, decks, registration and chat history."""
import io
from datetime import timedelta

from app.core.db import utcnow
from app.roadshows.live import use_cases
from tests.roadshows.conftest import pdf_bytes

START = "2030-05-01T09:00:00+08:00"
END = "2030-05-01T12:00:00+08:00"


def _deck(client, pitch_id, data: bytes, name="deck.pdf"):
    return client.post(f"/api/pitches/{pitch_id}/deck", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_admin_creates_a_roadshow(db, admin, login, make_user):
    mod = make_user("mentor")
    response = login(admin).post("/api/roadshows", json={
        "title": "Hard-tech Demo Day", "description": "Six startups", "starts_at": START, "ends_at": END,
        "visibility": "invite_only", "moderator_ids": [mod.id],
        "criteria": [{"name": "Team", "weight": 2}, {"name": "Market", "weight": 1}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["title"] == "Hard-tech Demo Day"
    assert body["visibility"] == "invite_only"
    assert body["status"] == "scheduled"
    assert body["moderator_ids"] == [mod.id]
    assert body["starts_at"].startswith("2030-05-01T01:00:00")
    assert body["criteria"] == [{"name": "Team", "weight": 2.0}, {"name": "Market", "weight": 1.0}]


def test_non_admin_cannot_create_a_roadshow(db, make_user, login):
    response = login(make_user("founder")).post("/api/roadshows", json={
        "title": "Mine", "starts_at": START, "ends_at": END})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_cannot_create_a_roadshow(client):
    assert client.post("/api/roadshows", json={"title": "x", "starts_at": START, "ends_at": END}).status_code == 401


def test_end_before_start_is_invalid(db, admin, login):
    response = login(admin).post("/api/roadshows", json={"title": "Backwards", "starts_at": END, "ends_at": START})
    assert response.status_code == 422
    assert "ends_at" in response.get_json()["error"]["details"]


def test_naive_time_is_invalid(db, admin, login):
    response = login(admin).post("/api/roadshows", json={"title": "Naive", "starts_at": "2030-05-01T09:00:00",
                                                         "ends_at": END})
    assert response.status_code == 422


def test_list_upcoming_and_past(db, client, make_roadshow):
    soon = make_roadshow(title="Soon")
    old = make_roadshow(title="Old", starts_at=utcnow() - timedelta(days=3))
    upcoming = client.get("/api/roadshows?when=upcoming").get_json()
    past = client.get("/api/roadshows?when=past").get_json()
    assert [r["id"] for r in upcoming["items"]] == [soon.id]
    assert [r["id"] for r in past["items"]] == [old.id]
    assert upcoming["total"] == 1 and upcoming["page"] == 1


def test_list_rejects_a_bad_filter(client, db):
    assert client.get("/api/roadshows?when=yesterday").status_code == 422


def test_anonymous_sees_only_public_roadshows(db, client, make_roadshow):
    make_roadshow(visibility="invite_only")
    public = make_roadshow()
    assert [r["id"] for r in client.get("/api/roadshows").get_json()["items"]] == [public.id]


def test_get_and_patch_a_roadshow(db, admin, login, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    make_pitch(roadshow, title="Qubits")
    api = login(admin)
    got = api.get(f"/api/roadshows/{roadshow.id}").get_json()
    assert [p["title"] for p in got["pitches"]] == ["Qubits"]
    patched = api.patch(f"/api/roadshows/{roadshow.id}", json={"title": "Renamed", "leaderboard_published": True})
    assert patched.status_code == 200
    assert patched.get_json()["title"] == "Renamed"
    assert patched.get_json()["leaderboard_published"] is True


def test_moderator_may_edit_but_not_choose_moderators(db, make_user, login, make_roadshow):
    mod = make_user("mentor")
    roadshow = make_roadshow(moderator_ids=[mod.id])
    api = login(mod)
    assert api.patch(f"/api/roadshows/{roadshow.id}", json={"description": "Updated"}).status_code == 200
    assert api.patch(f"/api/roadshows/{roadshow.id}", json={"moderator_ids": []}).status_code == 403


def test_stranger_cannot_patch(db, make_user, login, make_roadshow):
    roadshow = make_roadshow()
    assert login(make_user("investor")).patch(f"/api/roadshows/{roadshow.id}", json={"title": "x"}).status_code == 403


def test_missing_roadshow_is_404(client, db):
    response = client.get("/api/roadshows/999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "roadshow_not_found"


def test_founder_adds_a_pitch_for_their_own_startup(db, make_user, login, make_roadshow, make_startup):
    founder = make_user("founder")
    startup = make_startup(founder)
    roadshow = make_roadshow()
    response = login(founder).post(f"/api/roadshows/{roadshow.id}/pitches", json={
        "startup_id": startup.id, "title": "Quantum sensing", "duration_minutes": 8,
        "stream_url": "https://meet.example.com/abc"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["presenter"] == {"id": founder.id, "name": founder.name}
    assert body["state"] == "upcoming" and body["deck_status"] == "none" and body["deadline"] is None
    assert body["stream_url"] == "https://meet.example.com/abc"


def test_founder_cannot_add_someone_elses_startup(db, make_user, login, make_roadshow, make_startup):
    other = make_startup()
    roadshow = make_roadshow()
    response = login(make_user("founder")).post(f"/api/roadshows/{roadshow.id}/pitches", json={
        "startup_id": other.id, "title": "Not mine"})
    assert response.status_code == 403


def test_pitch_with_a_bad_stream_url_is_invalid(db, admin, login, make_roadshow, make_startup):
    roadshow = make_roadshow()
    response = login(admin).post(f"/api/roadshows/{roadshow.id}/pitches", json={
        "startup_id": make_startup().id, "title": "x", "stream_url": "javascript:alert(1)"})
    assert response.status_code == 422


def test_deck_upload_renders_pages(db, make_user, login, make_roadshow, make_pitch, media_dir):
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow)
    founder = pitch.startup.owner
    response = _deck(login(founder), pitch.id, pdf_bytes(4))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["deck_status"] in ("processing", "ready")  # rendered by a background job
    body = login(founder).get(f"/api/roadshows/{roadshow.id}").get_json()["pitches"][0]
    assert body["deck_pages"] == 4 and body["deck_status"] == "ready"
    images = sorted(p.name for p in media_dir.rglob("page-*.png"))
    assert images == ["page-1.png", "page-2.png", "page-3.png", "page-4.png"]


def test_deck_upload_checks_the_content_not_the_name(db, admin, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    response = _deck(login(admin), pitch.id, b"GIF89a not a pdf at all", name="deck.pdf")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_a_pdf"


def test_broken_pdf_is_refused(db, admin, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    response = _deck(login(admin), pitch.id, b"%PDF-1.7\nthis is not really a pdf")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_pdf"


def test_deck_over_100_pages_is_refused(db, admin, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    response = _deck(login(admin), pitch.id, pdf_bytes(101))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_many_pages"


def test_deck_over_20_mb_is_413(db, admin, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    response = _deck(login(admin), pitch.id, b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_deck_upload_needs_a_file(db, admin, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    response = login(admin).post(f"/api/pitches/{pitch.id}/deck", data={}, content_type="multipart/form-data")
    assert response.status_code == 422


def test_stranger_cannot_upload_a_deck(db, make_user, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    assert _deck(login(make_user("founder")), pitch.id, pdf_bytes(1)).status_code == 403


def test_deck_pages_are_served_to_watchers_only(db, app, admin, make_user, login, make_roadshow, make_pitch):
    roadshow = make_roadshow(visibility="invite_only")
    pitch = make_pitch(roadshow, deck_pages=2)
    url = f"/roadshows/pitches/{pitch.id}/deck/2.png"
    assert app.test_client().get(url).status_code in (401, 403, 302)
    viewer = make_user("investor")
    api = login(viewer)
    assert api.get(url).status_code == 403
    assert api.post(f"/api/roadshows/{roadshow.id}/register").get_json()["status"] == "pending"
    assert api.get(url).status_code == 403  # asking is not being let in
    assert login(admin).post(f"/api/roadshows/{roadshow.id}/registrations/{viewer.id}/decision",
                             json={"approve": True}).status_code == 200
    api = login(viewer)
    response = api.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert api.get(f"/roadshows/pitches/{pitch.id}/deck/3.png").status_code == 404


def test_register_is_idempotent(db, make_user, login, make_roadshow):
    roadshow = make_roadshow()
    user = make_user("investor")
    api = login(user)
    first = api.post(f"/api/roadshows/{roadshow.id}/register")
    second = api.post(f"/api/roadshows/{roadshow.id}/register")
    assert first.status_code == second.status_code == 200
    assert first.get_json()["user_id"] == user.id and first.get_json()["registered"] is True


def test_register_needs_sign_in(client, db, make_roadshow):
    assert client.post(f"/api/roadshows/{make_roadshow().id}/register").status_code == 401


def test_messages_after_id(db, client, make_user, make_roadshow):
    roadshow = make_roadshow()
    user = make_user("investor")
    sent = [use_cases.send_chat(user=user, roadshow_id=roadshow.id, body=f"m{i}", client_id=f"c{i}") for i in range(3)]
    body = client.get(f"/api/roadshows/{roadshow.id}/messages?after_id={sent[0]['id']}").get_json()
    assert [m["body"] for m in body["items"]] == ["m1", "m2"]
    first = body["items"][0]
    assert set(first) == {"id", "roadshow_id", "user", "body", "created_at", "client_id"}
    assert first["user"] == {"id": user.id, "name": user.name}
    everything = client.get(f"/api/roadshows/{roadshow.id}/messages").get_json()["items"]
    assert [m["body"] for m in everything] == ["m0", "m1", "m2"]


def test_messages_bad_after_id_is_422(db, client, make_roadshow):
    assert client.get(f"/api/roadshows/{make_roadshow().id}/messages?after_id=abc").status_code == 422


def test_invite_only_messages_need_an_invitation(db, admin, make_user, login, make_roadshow, client):
    roadshow = make_roadshow(visibility="invite_only")
    assert client.get(f"/api/roadshows/{roadshow.id}/messages").status_code == 401
    investor = make_user("investor", email="li.na@example.com")
    api = login(investor)
    response = api.get(f"/api/roadshows/{roadshow.id}/messages")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "registration_required"
    api.post(f"/api/roadshows/{roadshow.id}/register")
    assert api.get(f"/api/roadshows/{roadshow.id}/messages").status_code == 403
    login(admin).post(f"/api/roadshows/{roadshow.id}/invitations", json={"emails": ["Li.Na@example.com"]})
    assert login(investor).get(f"/api/roadshows/{roadshow.id}/messages").status_code == 200
