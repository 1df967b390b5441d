"""The rights Fuhua gives, checked by Janus itself: a party's token lets them into their room only; a token
that left, expired or was never Fuhua's is refused by Janus."""
from datetime import timedelta

import pytest

from app.mentoring.models import Booking, BookingStatus
from app.video import services
from app.video.janus import JanusSettings, write_config
from tests.video.data import make_call_booking
from tests.video.janus_client import JanusRefused, join_room, session_refused


@pytest.fixture
def video(app, janus_server, video_config):
    """The module's Janus, used by the app; emptied after the test (its tokens and rooms)."""
    video_config(janus_server)
    yield janus_server
    client = janus_server.client()
    for token in client.list_tokens():
        client.remove_token(token)
    with app.app_context():
        for room in client.videoroom({"request": "list", "admin_key": client.room_admin_key}).get("list", []):
            client.destroy_room(room["room"], secret=services.room_secret(room["room"]))


def _join(login, user, booking) -> dict:
    response = login(user).post(f"/api/bookings/{booking.id}/call")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_both_parties_get_into_their_room_through_janus(video, login, call_people):
    founder = _join(login, call_people["founder"], call_people["booking"])
    mentor = _join(login, call_people["mentor"], call_people["booking"])
    assert founder["room"] == mentor["room"] and founder["janus_urls"] == [video.http_url]
    assert founder["display"] == "李创始人" and founder["token"] != mentor["token"]
    joined = join_room(video.http_url, token=founder["token"], room=founder["room"], feed_id=founder["feed_id"])
    assert joined["id"] == founder["feed_id"]
    join_room(video.http_url, token=mentor["token"], room=mentor["room"], feed_id=mentor["feed_id"])


def test_a_token_for_one_room_does_not_open_another(video, login, call_people, make_user):
    other_founder = make_user("founder", name="别的创始人")
    other = make_call_booking(call_people["mentor"], other_founder,
                              session_type=call_people["booking"].session_type, starts_in=timedelta(minutes=10))
    mine = _join(login, call_people["founder"], call_people["booking"])
    theirs = _join(login, other_founder, other)
    assert mine["room"] != theirs["room"]
    with pytest.raises(JanusRefused, match="allowed"):
        join_room(video.http_url, token=mine["token"], room=theirs["room"])


def test_janus_refuses_a_token_fuhua_never_gave(video, login, call_people):
    access = _join(login, call_people["founder"], call_people["booking"])
    assert session_refused(video.http_url, "fv1.booking.1.1.1.1.1.forged")
    assert session_refused(video.http_url, "")
    forged = services.sign(services.parse(access["token"]))[:-2] + "xx"
    assert session_refused(video.http_url, forged)


def test_the_outsider_is_refused_by_fuhua_and_has_nothing_janus_takes(video, login, call_people):
    founder = _join(login, call_people["founder"], call_people["booking"])
    response = login(call_people["outsider"]).post(f"/api/bookings/{call_people['booking'].id}/call")
    assert response.status_code == 404
    with pytest.raises(JanusRefused):  # guessing the room number is not enough
        join_room(video.http_url, token="guess", room=founder["room"])


def test_leaving_revokes_the_token_on_janus(video, login, call_people):
    founder = login(call_people["founder"])
    access = founder.post(f"/api/bookings/{call_people['booking'].id}/call").get_json()
    assert not session_refused(video.http_url, access["token"])
    assert founder.delete(f"/api/bookings/{call_people['booking'].id}/call").status_code == 204
    assert session_refused(video.http_url, access["token"])
    assert access["token"] not in video.client().list_tokens()


def test_joining_again_replaces_the_earlier_token(video, login, call_people):
    first = _join(login, call_people["mentor"], call_people["booking"])
    second = _join(login, call_people["mentor"], call_people["booking"])
    assert session_refused(video.http_url, first["token"])
    join_room(video.http_url, token=second["token"], room=second["room"], feed_id=second["feed_id"])


def test_an_admin_may_join_a_session_call(video, login, call_people, make_user):
    admin = make_user("investor", is_admin=True, name="管理员")
    access = _join(login, admin, call_people["booking"])
    join_room(video.http_url, token=access["token"], room=access["room"], feed_id=access["feed_id"])


def test_expire_revokes_closed_calls_and_removed_people(video, login, call_people, db):
    founder = _join(login, call_people["founder"], call_people["booking"])
    mentor = _join(login, call_people["mentor"], call_people["booking"])
    assert services.expire_tokens() == 0  # both still in their window
    booking = db.session.get(Booking, call_people["booking"].id)
    booking.status = BookingStatus.NO_SHOW
    db.session.commit()
    assert services.expire_tokens() == 2
    assert session_refused(video.http_url, founder["token"]) and session_refused(video.http_url, mentor["token"])


def test_expire_revokes_after_the_window(video, login, call_people):
    access = _join(login, call_people["founder"], call_people["booking"])
    later = call_people["booking"].ends_at + timedelta(minutes=31)
    assert services.expire_tokens(now=later) == 1
    assert session_refused(video.http_url, access["token"])


def test_a_group_session_shares_one_room(video, login, call_people, make_user):
    session_type = call_people["booking"].session_type
    session_type.capacity = 3
    second_founder = make_user("founder", name="第二位创始人")
    booking = call_people["booking"]
    second = make_call_booking(call_people["mentor"], second_founder, session_type=session_type)
    second.starts_at, second.ends_at = booking.starts_at, booking.ends_at
    from app.extensions import db
    db.session.commit()
    assert _join(login, second_founder, second)["room"] == _join(login, call_people["founder"], booking)["room"]


def test_config_has_token_auth_and_the_enforced_interface(tmp_path):
    path = write_config(tmp_path, JanusSettings(admin_secret="a", room_admin_key="k", ice_enforce_list="jv0",
                                                rtp_port_range="20000-20100"))
    text = path.read_text()
    assert "token_auth = true" in text and 'ice_enforce_list = "jv0"' in text
    assert 'rtp_port_range = "20000-20100"' in text
    assert 'admin_key = "k"' in (tmp_path / "janus.plugin.videoroom.jcfg").read_text()


def test_a_meeting_call_lets_its_two_people_in(video, login, make_user):
    from tests.video.data import make_meeting
    founder, investor = make_user("founder", name="创始人"), make_user("investor", name="投资人")
    meeting = make_meeting(founder, investor, starts_in=timedelta(minutes=10))
    accesses = [login(u).post(f"/api/meetings/{meeting.id}/call").get_json() for u in (founder, investor)]
    assert accesses[0]["room"] == accesses[1]["room"] == 2_000_000_000_000 + meeting.id
    for access in accesses:
        join_room(video.http_url, token=access["token"], room=access["room"], feed_id=access["feed_id"])


def test_cancelling_the_session_revokes_its_tokens_at_once(video, login, call_people, make_user):
    founder = make_user("founder", name="另一位创始人")
    booking = make_call_booking(call_people["mentor"], founder, session_type=call_people["booking"].session_type,
                                starts_in=timedelta(minutes=10))
    access = _join(login, founder, booking)
    assert not session_refused(video.http_url, access["token"])
    cancelled = login(call_people["mentor"]).post(f"/api/bookings/{booking.id}/cancel", json={"reason": "临时有事"})
    assert cancelled.status_code == 200, cancelled.get_json()
    assert session_refused(video.http_url, access["token"])


def test_browsers_get_the_stun_servers_and_turn_credentials_of_their_own(video, video_config, login, call_people):
    import base64
    import hashlib
    import hmac
    video_config(video, JANUS_ICE_SERVERS='[{"urls": "stun:turn.example.org:3478"}]', JANUS_TURN_SECRET="coturn-secret",
                 JANUS_TURN_URLS="turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349")
    access = _join(login, call_people["founder"], call_people["booking"])
    stun, turn = access["ice_servers"]
    assert stun == {"urls": "stun:turn.example.org:3478"}
    assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"]
    expires, _, who = turn["username"].partition(":")
    assert who == f"fuhua-{call_people['founder'].id}" and int(expires) == services.parse(access["token"]).expires
    expected = base64.b64encode(hmac.new(b"coturn-secret", turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected  # what coturn's use-auth-secret checks


def test_flask_video_expire_and_status(video, app, login, call_people, db):
    _join(login, call_people["founder"], call_people["booking"])
    runner = app.test_cli_runner()
    status = runner.invoke(args=["video", "status"])
    assert status.output.startswith(f"{video.http_url}: 1.1") and status.output.strip().endswith(", 1 tokens")
    booking = db.session.get(Booking, call_people["booking"].id)
    booking.status = BookingStatus.CANCELLED
    db.session.commit()
    assert runner.invoke(args=["video", "expire"]).output.strip() == "1 tokens revoked"


def test_revoking_closes_the_janus_sessions_the_token_opened(video, login, call_people):
    from tests.video.janus_client import open_session
    founder = login(call_people["founder"])
    access = founder.post(f"/api/bookings/{call_people['booking'].id}/call").get_json()
    mentor_access = _join(login, call_people["mentor"], call_people["booking"])
    mine, theirs = open_session(video.http_url, access["token"]), open_session(video.http_url, mentor_access["token"])
    assert {mine, theirs} <= set(video.client().admin("list_sessions")["sessions"])
    assert founder.delete(f"/api/bookings/{call_people['booking'].id}/call").status_code == 204
    sessions = set(video.client().admin("list_sessions")["sessions"])
    assert mine not in sessions and theirs in sessions  # a browser ignoring the kick receives nothing more


def test_a_page_rejoining_by_itself_does_not_take_the_call_back_from_a_newer_window(video, login, call_people):
    mentor = login(call_people["mentor"])
    path = f"/api/bookings/{call_people['booking'].id}/call"
    first = mentor.post(path).get_json()
    second = mentor.post(path).get_json()  # the same person, another window
    stale = mentor.post(path, json={"previous_token": first["token"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "joined_elsewhere"
    assert not session_refused(video.http_url, second["token"])  # the newer window keeps the call
    again = mentor.post(path, json={"previous_token": second["token"]})  # the newer window's own reconnect
    assert again.status_code == 201 and session_refused(video.http_url, second["token"])
