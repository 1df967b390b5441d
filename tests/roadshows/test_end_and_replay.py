"""Organisers end, cancel or move a roadshow with the registered people told (issue 17, item 1); the end closes
the room and turns it into a replay page (item 6)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.roadshows.conftest import ack_of, received


@pytest.fixture
def day(db, admin, make_user, make_roadshow, make_pitch, make_startup, login, socket_client):
    """A live roadshow: two pitches (decks of 3 and 2 pages), a registered investor in the room, a pending
    question, an open poll, a raised hand, chat."""
    from app.roadshows import services
    from app.roadshows.live import use_cases
    roadshow = make_roadshow(title="演示日", premoderate_questions=True)
    founder = make_user("founder", name="周杰")
    first = make_pitch(roadshow, title="第一个项目", startup=make_startup(founder, name="甲公司"), deck_pages=3)
    second = make_pitch(roadshow, title="第二个项目", deck_pages=2)
    investor = make_user("investor", name="钱多多")
    services.register(user=investor, roadshow_id=roadshow.id)
    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=first.id, state="live")
    sc = socket_client(login(investor))
    assert ack_of(sc, "roadshow:join", {"roadshow_id": roadshow.id})["ok"]
    assert ack_of(sc, "chat:send", {"roadshow_id": roadshow.id, "body": "你好", "client_id": "m1"})["ok"]
    assert ack_of(sc, "qa:ask", {"roadshow_id": roadshow.id, "pitch_id": first.id, "body": "估值多少？"})["ok"]
    poll = ack_of(use_cases_socket(socket_client, login(admin), roadshow.id), "poll:open",
                  {"roadshow_id": roadshow.id, "question": "投不投？", "options": ["投", "不投"], "pitch_id": first.id})
    assert poll["ok"], poll
    assert ack_of(sc, "hand:raise", {"roadshow_id": roadshow.id, "raised": True})["ok"]
    sc.get_received()
    return {"roadshow": roadshow, "first": first, "second": second, "investor": investor, "founder": founder,
            "socket": sc}


def use_cases_socket(socket_client, api, roadshow_id):
    sc = socket_client(api)
    assert ack_of(sc, "roadshow:join", {"roadshow_id": roadshow_id})["ok"]
    return sc


def test_ending_closes_the_room(db, admin, login, day):
    from app.roadshows.models import Poll, Question, RoomVisit
    roadshow, sc = day["roadshow"], day["socket"]
    api = login(admin)
    response = api.post(f"/roadshows/{roadshow.id}/status", data={"action": "end", "csrf_token": api.csrf_token})
    assert response.status_code == 302
    assert [s["status"] for s in received(sc, "stage:update")] == ["ended"]
    assert {p.status for p in db.session.scalars(select(Poll))} == {"closed"}
    assert [q.status for q in db.session.scalars(select(Question))] == ["not_taken"]
    assert db.session.scalar(select(RoomVisit.id).where(RoomVisit.hand_raised_at.is_not(None))) is None
    for event, data in (("chat:send", {"roadshow_id": roadshow.id, "body": "x", "client_id": "m2"}),
                        ("qa:ask", {"roadshow_id": roadshow.id, "pitch_id": day["first"].id, "body": "?"}),
                        ("reaction:send", {"roadshow_id": roadshow.id, "kind": "clap"}),
                        ("hand:raise", {"roadshow_id": roadshow.id, "raised": True})):
        ack = ack_of(sc, event, data)
        assert ack["ok"] is False and ack["error"]["code"] == "roadshow_closed", event


def test_after_the_end_interest_can_be_withdrawn_but_not_given(db, admin, login, day):
    from app.roadshows import engagement, services
    api = login(day["investor"])
    pitch = day["first"]
    assert api.put(f"/api/pitches/{pitch.id}/interest").status_code == 200
    services.update_roadshow(actor=admin, roadshow_id=day["roadshow"].id, status="ended")
    assert api.put(f"/api/pitches/{day['second'].id}/interest").status_code == 409
    assert api.delete(f"/api/pitches/{pitch.id}/interest").get_json()["interested"] is False
    assert engagement.interest_count(pitch.id) == 0


def test_the_registered_and_the_founders_are_told_of_the_end(db, admin, day):
    from app.notifications.models import Notification
    from app.roadshows import services
    services.update_roadshow(actor=admin, roadshow_id=day["roadshow"].id, status="ended")
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "roadshow_ended")))
    assert {day["investor"].id, day["founder"].id} <= told and admin.id not in told


def test_cancelling_tells_the_registered(db, admin, make_user, make_roadshow, login):
    from app.notifications.models import Notification
    from app.roadshows import services
    roadshow, investor = make_roadshow(), make_user("investor")
    services.register(user=investor, roadshow_id=roadshow.id)
    api = login(admin)
    api.post(f"/roadshows/{roadshow.id}/status", data={"action": "cancel", "csrf_token": api.csrf_token})
    assert services.get_roadshow(roadshow.id).status == "cancelled"
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == investor.id)) == \
        "roadshow_cancelled"


def test_moving_the_start_tells_the_registered_and_reminds_them_again(db, admin, make_user, make_roadshow):
    from app.notifications.models import Notification
    from app.roadshows import services
    from app.roadshows.models import Registration
    roadshow, investor = make_roadshow(), make_user("investor", name="孙丽")
    registration = services.register(user=investor, roadshow_id=roadshow.id)
    registration.reminded_at = roadshow.starts_at - timedelta(minutes=30)
    db.session.commit()
    later = roadshow.starts_at + timedelta(days=7)
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, starts_at=later, ends_at=later + timedelta(hours=2))
    note = db.session.scalar(select(Notification).where(Notification.user_id == investor.id))
    assert note.kind == "roadshow_rescheduled" and note.data["starts_at"] == later.isoformat()
    assert db.session.get(Registration, registration.id).reminded_at is None


def test_only_organisers_change_the_status(db, make_user, make_roadshow, login):
    roadshow = make_roadshow()
    api = login(make_user("investor"))
    assert api.post(f"/roadshows/{roadshow.id}/status", data={"action": "end",
                                                              "csrf_token": api.csrf_token}).status_code == 403
    admin_api = login(make_user("investor", is_admin=True))
    response = admin_api.post(f"/roadshows/{roadshow.id}/status", data={"action": "explode",
                                                                        "csrf_token": admin_api.csrf_token})
    assert response.status_code == 400


def test_publishing_the_leaderboard_from_the_edit_page(db, admin, make_roadshow, login, client):
    roadshow = make_roadshow(criteria=[{"name": "团队", "weight": 1}])
    api = login(admin)
    assert client.get(f"/api/roadshows/{roadshow.id}/leaderboard").status_code == 403
    api.post(f"/roadshows/{roadshow.id}/status", data={"action": "publish", "csrf_token": api.csrf_token})
    assert client.get(f"/api/roadshows/{roadshow.id}/leaderboard").status_code == 200
    api.post(f"/roadshows/{roadshow.id}/status", data={"action": "unpublish", "csrf_token": api.csrf_token})
    assert client.get(f"/api/roadshows/{roadshow.id}/leaderboard").status_code == 403


def test_the_ended_room_is_a_replay_page(db, admin, login, day, client):
    from app.roadshows import services
    roadshow = day["roadshow"]
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, status="ended")
    live = client.get(f"/roadshows/{roadshow.id}/live")
    assert live.status_code == 302 and live.location.endswith(f"/roadshows/{roadshow.id}/replay")
    assert f"/roadshows/{roadshow.id}/replay" in client.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    page = client.get(f"/roadshows/{roadshow.id}/replay").get_data(as_text=True)
    for text in ("第一个项目", "第二个项目", 'data-pages="3"', 'data-pages="2"', "投不投？", "你好", "0:00:00"):
        assert text in page, text
    assert "估值多少？" not in page  # never approved: only moderators see it, marked "not taken"
    assert "估值多少？" in login(admin).get(f"/roadshows/{roadshow.id}/replay").get_data(as_text=True)


def test_the_replay_of_an_invite_only_roadshow_is_for_those_let_in(db, make_roadshow, make_user, login, client):
    roadshow = make_roadshow(visibility="invite_only")
    assert client.get(f"/roadshows/{roadshow.id}/replay").status_code == 302
    response = login(make_user("investor")).get(f"/roadshows/{roadshow.id}/replay")
    assert response.status_code == 302 and response.location.endswith(f"/roadshows/{roadshow.id}")


def test_the_report_exports_as_csv_with_a_bom(db, admin, make_roadshow, make_pitch, make_user, login):
    import csv
    import io
    roadshow = make_roadshow(title="报告日")
    make_pitch(roadshow, title="=HYPERLINK(\"x\")")
    make_pitch(roadshow, title="氢能电池")
    response = login(admin).get(f"/roadshows/{roadshow.id}/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Registrations"
    assert [r[0] for r in rows[-2:]] == ["'=HYPERLINK(\"x\")", "氢能电池"]
    assert login(make_user("investor")).get(f"/roadshows/{roadshow.id}/report.csv").status_code == 403

