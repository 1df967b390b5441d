"""Founders apply to pitch (issue 17, item 2): a founder's pitch is an application until an organiser
approves it; nobody puts a pitch on someone else's agenda without approval. Organisers edit, reorder and
remove pitches (item 1)."""
import io

import pytest

from tests.roadshows.conftest import pdf_bytes


@pytest.fixture
def founder_and_startup(make_user, make_startup):
    founder = make_user("founder", name="陈静")
    return founder, make_startup(founder, name="星河机器人")


def _apply(api, roadshow_id, startup_id, **extra):
    body = {"startup_id": startup_id, "title": "机器人手", "duration_minutes": 8, **extra}
    return api.post(f"/api/roadshows/{roadshow_id}/pitches", json=body)


def test_a_founders_pitch_is_an_application_until_approved(db, admin, login, make_roadshow, founder_and_startup,
                                                           socket_client):
    founder, startup = founder_and_startup
    roadshow = make_roadshow()
    response = _apply(login(founder), roadshow.id, startup.id, note="请考虑我们")
    assert response.status_code == 201
    pitch = response.get_json()
    assert pitch["status"] == "pending" and "note" not in pitch
    assert login(admin).get(f"/api/roadshows/{roadshow.id}").get_json()["pitches"] == []
    join = socket_client().emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)
    assert join["state"]["agenda"] == []
    [waiting] = login(admin).get(f"/api/roadshows/{roadshow.id}/applications").get_json()["items"]
    assert (waiting["id"], waiting["note"], waiting["startup"]["name"]) == (pitch["id"], "请考虑我们", "星河机器人")
    decided = login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": True})
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"
    agenda = login(founder).get(f"/api/roadshows/{roadshow.id}").get_json()["pitches"]
    assert [p["title"] for p in agenda] == ["机器人手"]


def test_the_founder_is_told_and_sees_the_status(db, admin, login, make_roadshow, founder_and_startup):
    from sqlalchemy import select

    from app.notifications.models import Notification
    founder, startup = founder_and_startup
    roadshow = make_roadshow()
    pitch = _apply(login(founder), roadshow.id, startup.id).get_json()
    login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": False})
    mine = login(founder).get(f"/api/roadshows/{roadshow.id}/applications").get_json()["items"]
    assert [p["status"] for p in mine] == ["declined"]
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == founder.id)) == "pitch_declined"
    page = login(founder).get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    assert "Declined" in page


def test_a_decided_application_cannot_be_decided_again(db, admin, login, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    pitch = _apply(login(founder), make_roadshow().id, startup.id).get_json()
    assert login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": True}).status_code == 200
    again = login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": False})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_decided"


def test_only_organisers_decide(db, login, make_user, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    pitch = _apply(login(founder), make_roadshow().id, startup.id).get_json()
    for who in (founder, make_user("investor")):
        assert login(who).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": True}).status_code == 403


def test_a_founder_cannot_apply_with_someone_elses_startup(db, login, make_user, make_roadshow, make_startup):
    other = make_startup(make_user("founder"), name="别人的公司")
    response = _apply(login(make_user("founder")), make_roadshow().id, other.id)
    assert response.status_code == 403


def test_one_waiting_application_per_startup(db, login, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    roadshow = make_roadshow()
    assert _apply(login(founder), roadshow.id, startup.id).status_code == 201
    again = _apply(login(founder), roadshow.id, startup.id)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_applied"


def test_an_application_gets_no_interest_or_scores(db, admin, login, make_user, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    roadshow = make_roadshow(criteria=[{"name": "团队", "weight": 1}], judge_ids=[admin.id])
    pitch = _apply(login(founder), roadshow.id, startup.id).get_json()
    assert login(make_user("investor")).put(f"/api/pitches/{pitch['id']}/interest").status_code == 404
    assert login(admin).put(f"/api/pitches/{pitch['id']}/scores", json={"scores": {"团队": 5}}).status_code == 404


def test_the_founder_edits_and_replaces_the_deck_once_approved(db, admin, login, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    roadshow = make_roadshow()
    pitch = _apply(login(founder), roadshow.id, startup.id).get_json()
    login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": True})
    api = login(founder)
    edited = api.patch(f"/api/pitches/{pitch['id']}", json={"title": "机器人手 2.0",
                                                            "stream_url": "https://live.example.com/a.m3u8"})
    assert edited.status_code == 200 and edited.get_json()["title"] == "机器人手 2.0"
    deck = api.post(f"/api/pitches/{pitch['id']}/deck", data={"file": (io.BytesIO(pdf_bytes(2)), "d.pdf")},
                    content_type="multipart/form-data")
    assert deck.status_code == 201


def test_a_declined_application_cannot_be_edited(db, admin, login, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    pitch = _apply(login(founder), make_roadshow().id, startup.id).get_json()
    login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": False})
    assert login(founder).patch(f"/api/pitches/{pitch['id']}", json={"title": "x"}).status_code == 403


def test_the_deck_of_an_application_is_shown_only_to_its_founders_and_organisers(
        db, admin, app, login, make_user, make_roadshow, founder_and_startup):
    from app.roadshows import decks
    founder, startup = founder_and_startup
    pitch = _apply(login(founder), make_roadshow().id, startup.id).get_json()
    decks.upload_deck(actor=founder, pitch_id=pitch["id"], data=pdf_bytes(1))
    url = f"/roadshows/pitches/{pitch['id']}/deck/1.png"
    assert login(founder).get(url).status_code == 200
    assert login(admin).get(url).status_code == 200
    assert login(make_user("investor")).get(url).status_code == 403
    assert app.test_client().get(url).status_code == 401


def test_delete_removes_an_upcoming_pitch(db, admin, login, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow)
    assert login(admin).delete(f"/api/pitches/{pitch.id}").status_code == 204
    assert login(admin).get(f"/api/roadshows/{roadshow.id}").get_json()["pitches"] == []
    assert login(admin).delete(f"/api/pitches/{pitch.id}").status_code == 404


def test_a_founder_withdraws_an_application_but_cannot_delete_the_agenda(db, admin, login, make_roadshow, make_pitch,
                                                                      founder_and_startup):
    founder, startup = founder_and_startup
    roadshow = make_roadshow()
    on_agenda = make_pitch(roadshow)
    pitch = _apply(login(founder), roadshow.id, startup.id).get_json()
    assert login(founder).delete(f"/api/pitches/{on_agenda.id}").status_code == 403
    assert login(founder).delete(f"/api/pitches/{pitch['id']}").status_code == 204


def test_a_pitch_on_stage_cannot_be_removed(db, admin, login, make_roadshow, make_pitch):
    from app.roadshows.live import use_cases
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow)
    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live")
    response = login(admin).delete(f"/api/pitches/{pitch.id}")
    assert response.status_code == 409


def test_organisers_move_pitches_along_the_agenda(db, admin, make_roadshow, make_pitch):
    from app.roadshows import services
    roadshow = make_roadshow()
    first, second, third = (make_pitch(roadshow, title=t) for t in ("甲", "乙", "丙"))
    services.move_pitch(actor=admin, pitch_id=third.id, offset=-1)
    assert [p.title for p in services.get_roadshow(roadshow.id).pitches] == ["甲", "丙", "乙"]
    services.move_pitch(actor=admin, pitch_id=first.id, offset=-1)  # already first: stays
    assert [p.title for p in services.get_roadshow(roadshow.id).pitches] == ["甲", "丙", "乙"]


def test_the_apply_form_keeps_what_was_typed(db, login, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    roadshow = make_roadshow()
    api = login(founder)
    response = api.post(f"/roadshows/{roadshow.id}/apply", data={
        "csrf_token": api.csrf_token, "startup_id": startup.id, "title": "保留的标题", "duration_minutes": "999",
        "stream_url": "not a url", "note": "备注"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "保留的标题" in body and "备注" in body and "not a url" in body


def test_search_finds_a_pitch_once_it_is_on_the_agenda(db, admin, login, make_roadshow, founder_and_startup):
    founder, startup = founder_and_startup
    roadshow = make_roadshow(title="秋季路演")
    pitch = _apply(login(founder), roadshow.id, startup.id, title="量子雷达").get_json()
    assert login(admin).get("/api/roadshows?q=量子雷达").get_json()["items"] == []
    login(admin).post(f"/api/pitches/{pitch['id']}/decision", json={"approve": True})
    assert [r["id"] for r in login(admin).get("/api/roadshows?q=量子雷达").get_json()["items"]] == [roadshow.id]


def test_the_presenter_must_be_a_member_of_the_startup(db, admin, login, make_user, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    response = login(admin).patch(f"/api/pitches/{pitch.id}", json={"presenter_id": make_user("investor").id})
    assert response.status_code == 422 and "presenter_id" in response.get_json()["error"]["details"]
    owner = pitch.startup.owner
    assert login(admin).patch(f"/api/pitches/{pitch.id}", json={"presenter_id": owner.id}).get_json()["presenter"][
        "id"] == owner.id
