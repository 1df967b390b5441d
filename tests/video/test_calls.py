"""Who may join a call and when (the rules, through the API), and the tokens Fuhua signs."""
from datetime import timedelta

import pytest

from app.mentoring.models import BookingStatus
from app.video import services
from tests.video.data import make_call_booking, make_meeting


def test_anonymous_gets_401(client, call_people):
    response = client.post(f"/api/bookings/{call_people['booking'].id}/call")
    assert response.status_code == 401


def test_someone_else_gets_404(login, call_people):
    response = login(call_people["outsider"]).post(f"/api/bookings/{call_people['booking'].id}/call")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("starts_in", [timedelta(minutes=20), timedelta(hours=-2)], ids=["too_early", "too_late"])
def test_outside_the_window_is_call_not_open(login, make_user, starts_in):
    mentor, founder = make_user("mentor", name="导师"), make_user("founder", name="创始人")
    booking = make_call_booking(mentor, founder, starts_in=starts_in, minutes=60)
    response = login(founder).post(f"/api/bookings/{booking.id}/call")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "call_not_open" and set(error["details"]) == {"opens_at", "closes_at"}


@pytest.mark.parametrize("status", [BookingStatus.REQUESTED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
def test_a_session_that_is_not_on_has_no_call(login, make_user, status):
    mentor, founder = make_user("mentor"), make_user("founder")
    booking = make_call_booking(mentor, founder, status=status)
    response = login(mentor).post(f"/api/bookings/{booking.id}/call")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "call_not_open"


def test_without_janus_a_party_is_told_the_site_has_no_video(login, call_people):
    response = login(call_people["founder"]).post(f"/api/bookings/{call_people['booking'].id}/call")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "video_disabled"


def test_the_site_says_whether_it_carries_video(client, db):
    assert client.get("/api/video").get_json() == {"enabled": False}


def test_meeting_call_is_for_its_two_people_only(login, make_user):
    founder, investor, other = make_user("founder"), make_user("investor", name="投资人"), make_user("investor")
    meeting = make_meeting(founder, investor)
    assert login(other).post(f"/api/meetings/{meeting.id}/call").status_code == 403
    party = login(investor).post(f"/api/meetings/{meeting.id}/call")  # a party; no Janus here
    assert party.status_code == 404 and party.get_json()["error"]["code"] == "video_disabled"
    page = login(founder).get(f"/meetings/{meeting.id}/call")
    assert page.status_code == 200 and "Meeting with 投资人" in page.get_data(as_text=True)
    assert login(other).get(f"/meetings/{meeting.id}/call").status_code == 403


def test_a_token_names_its_call_and_cannot_be_forged(app, db):
    grant = services.Grant("booking", 7, 42, 1_000_000_000_007, 1_900_000_000, 123456)
    token = services.sign(grant)
    assert services.parse(token) == grant and grant.feed_id == 42_456
    forged = token.replace(".42.", ".43.")
    assert services.parse(forged) is None
    assert services.parse("someone-elses-token") is None
    with app.test_request_context():
        app.config["SECRET_KEY"], saved = "another-install", app.config["SECRET_KEY"]
        try:
            assert services.parse(token) is None  # another install's key
        finally:
            app.config["SECRET_KEY"] = saved
