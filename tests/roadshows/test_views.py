"""Roadshow pages: list, detail with registration, admin create/edit, live room, report, transcript."""
import io

from tests.roadshows.conftest import pdf_bytes


def _csrf(api):
    return {"csrf_token": api.csrf_token}


def test_index_lists_upcoming_and_past(db, client, make_roadshow):
    make_roadshow(title="Spring Demo Day")
    html = client.get("/roadshows").get_data(as_text=True)
    assert "Spring Demo Day" in html and "Past roadshows" in html


def test_index_in_chinese(db, client, make_roadshow):
    make_roadshow(title="春季路演")
    response = client.get("/roadshows", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200 and "春季路演" in response.get_data(as_text=True)


def test_detail_shows_agenda_and_register_button(db, make_user, login, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    make_pitch(roadshow, title="Quantum sensing")
    api = login(make_user("investor"))
    html = api.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    assert "Quantum sensing" in html and "Register" in html
    response = api.post(f"/roadshows/{roadshow.id}/register", data=_csrf(api))
    assert response.status_code == 302
    assert "Cancel registration" in api.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)


def test_invite_only_detail_asks_anonymous_to_sign_in(db, client, make_roadshow):
    roadshow = make_roadshow(visibility="invite_only")
    assert client.get(f"/roadshows/{roadshow.id}").status_code == 302


def test_admin_creates_a_roadshow_through_the_form(db, admin, make_user, login):
    mod = make_user("mentor")
    api = login(admin)
    assert api.get("/roadshows/new").status_code == 200
    response = api.post("/roadshows/new", data={
        **_csrf(api), "title": "Autumn Demo Day", "description": "d", "starts_at": "2030-09-01T09:00",
        "ends_at": "2030-09-01T12:00", "visibility": "public", "criteria": "Team: 2\nMarket：1",
        "moderators": mod.email, "judges": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    from sqlalchemy import select

    from app.roadshows.models import Roadshow
    roadshow = db.session.scalar(select(Roadshow).where(Roadshow.title == "Autumn Demo Day"))
    assert roadshow.criteria == [{"name": "Team", "weight": 2.0}, {"name": "Market", "weight": 1.0}]
    assert roadshow.user_ids_with("moderator") == {mod.id}
    assert roadshow.starts_at.hour == 1  # 09:00 in Asia/Shanghai


def test_form_errors_are_shown(db, admin, login):
    api = login(admin)
    response = api.post("/roadshows/new", data={**_csrf(api), "title": "", "starts_at": "2030-09-01T09:00",
                                                 "ends_at": "2030-09-01T08:00", "moderators": "nobody@x.test"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The end must be after the start." in html


def test_non_admin_cannot_open_the_create_page(db, make_user, login):
    assert login(make_user("founder")).get("/roadshows/new").status_code == 403


def test_edit_page_adds_a_pitch_and_uploads_a_deck(db, admin, login, make_roadshow, make_startup):
    roadshow = make_roadshow()
    startup = make_startup()
    api = login(admin)
    assert api.get(f"/roadshows/{roadshow.id}/edit").status_code == 200
    api.post(f"/roadshows/{roadshow.id}/pitches", data={**_csrf(api), "startup_id": startup.id, "title": "Qubits",
                                                         "duration_minutes": 7})
    pitch = roadshow.pitches[0]
    assert pitch.title == "Qubits" and pitch.duration_minutes == 7
    api.post(f"/roadshows/pitches/{pitch.id}/deck", data={**_csrf(api), "file": (io.BytesIO(pdf_bytes(2)), "d.pdf")},
             content_type="multipart/form-data")
    db.session.expire_all()
    assert pitch.deck_pages == 2
    assert "2-page deck" in api.get(f"/roadshows/{roadshow.id}/edit").get_data(as_text=True)


def test_the_edit_page_names_each_field_once_so_every_label_reaches_its_own(db, admin, login, make_roadshow,
                                                                             make_startup):
    """The roadshow's form and the add-pitch form share the edit page: each id (and so each label's `for`) once."""
    import re
    from collections import Counter

    roadshow = make_roadshow()
    make_startup()
    api = login(admin)
    api.post(f"/roadshows/{roadshow.id}/pitches", data={**_csrf(api), "startup_id": make_startup().id,
                                                         "title": "量子比特", "duration_minutes": 7})
    html = api.get(f"/roadshows/{roadshow.id}/edit").get_data(as_text=True)
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    for target in re.findall(r'\sfor="([^"]+)"', html):
        assert ids[target] == 1, f"a label for #{target}, which the page does not have once"


def test_live_room_page(db, client, make_roadshow):
    roadshow = make_roadshow()
    html = client.get(f"/roadshows/{roadshow.id}/live").get_data(as_text=True)
    assert f'data-roadshow-id="{roadshow.id}"' in html
    assert "roadshow-room.js" in html and "socket.io.min.js" in html


def test_live_room_of_invite_only_needs_registration(db, make_user, login, make_roadshow):
    roadshow = make_roadshow(visibility="invite_only")
    assert login(make_user("investor")).get(f"/roadshows/{roadshow.id}/live").status_code == 302


def test_report_page_for_organisers_only(db, admin, make_user, login, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    make_pitch(roadshow)
    assert "Unique viewers" in login(admin).get(f"/roadshows/{roadshow.id}/report").get_data(as_text=True)
    assert login(make_user("investor")).get(f"/roadshows/{roadshow.id}/report").status_code == 403


def test_transcript(db, client, make_user, make_roadshow):
    from app.roadshows.live import use_cases
    roadshow = make_roadshow()
    use_cases.send_chat(user=make_user("investor"), roadshow_id=roadshow.id, body="<script>x</script>", client_id="1")
    html = client.get(f"/roadshows/{roadshow.id}/transcript").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_startup_page_lists_its_pitches(db, client, make_roadshow, make_pitch):
    roadshow = make_roadshow(title="Winter Demo Day")
    pitch = make_pitch(roadshow)
    html = client.get(f"/startups/{pitch.startup_id}").get_data(as_text=True)
    assert "Winter Demo Day" in html


def test_interest_page_for_founders(db, make_user, login, make_roadshow, make_pitch):
    from app.roadshows import engagement
    pitch = make_pitch(make_roadshow())
    investor = make_user("investor", name="Ivy Investor")
    engagement.mark_interest(user=investor, pitch_id=pitch.id)
    html = login(pitch.startup.owner).get(f"/roadshows/pitches/{pitch.id}/interest").get_data(as_text=True)
    assert "Ivy Investor" in html and investor.email in html
    assert login(make_user("founder")).get(f"/roadshows/pitches/{pitch.id}/interest").status_code == 403
