"""Where a session happens: set through the API, checked (a clear 422, never a 500), shown to the right people."""
import pytest

from tests.mentoring.conftest import next_weekday


@pytest.fixture
def mentor(make_mentor):
    return make_mentor(windows=[(d, "09:00", "12:00") for d in range(7)])


def _create(client, **fields):
    return client.post("/api/mentors/me/session-types", json={"name": "Call", "duration_minutes": 30,
                                                              "min_notice_minutes": 0, **fields})


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"location_kind": "phone"}, "location_detail", "Give the phone number."),
    ({"location_kind": "in_person", "location_detail": "   "}, "location_detail", "Give the address."),
    ({"location_kind": "link", "location_detail": "javascript:alert(1)"}, "location_detail",
     "Give a link that starts with https://."),
    ({"location_kind": "link", "location_detail": "https://"}, "location_detail",
     "Give a link that starts with https://."),
    ({"location_kind": "moon"}, "location_kind", None),
    ({"location_kind": "in_person", "location_detail": "x" * 501}, "location_detail", None),
])
def test_a_bad_location_is_a_422_on_its_field(login, mentor, fields, field, message):
    response = _create(login(mentor), **fields)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["error"]["details"][field]
    assert message is None or errors == [message]


def test_link_and_phone_are_for_the_parties_the_address_for_everyone(login, client, mentor, make_user):
    api = login(mentor)
    link = _create(api, name="Video", location_kind="link", location_detail="https://meet.example.org/x").get_json()
    address = "北京市海淀区中关村大街1号"
    visit = _create(api, name="Visit", location_kind="in_person", location_detail=address).get_json()
    room = _create(api, name="Room").get_json()
    assert (link["location_kind"], link["location_detail"]) == ("link", "")
    assert (visit["location_kind"], visit["location_detail"]) == ("in_person", "北京市海淀区中关村大街1号")
    assert (room["location_kind"], room["location_detail"]) == ("platform", "")
    public = client.get(f"/api/mentors/{mentor.id}").get_json()["session_types"]
    assert {t["name"]: t["location_detail"] for t in public} == {"Video": "", "Visit": "北京市海淀区中关村大街1号",
                                                                "Room": ""}
    founder = login(make_user("founder"))
    booking = founder.post("/api/bookings", json={"session_type_id": link["id"],
                                                  "starts_at": next_weekday(2).replace(hour=9).isoformat()})
    assert booking.status_code == 201, booking.get_json()
    assert booking.get_json()["location"]["url"] == "https://meet.example.org/x"


def test_changing_the_kind_to_the_room_drops_the_detail(login, mentor):
    api = login(mentor)
    created = _create(api, location_kind="phone", location_detail="+86 10 1234 5678").get_json()
    response = api.patch(f"/api/mentors/me/session-types/{created['id']}", json={"location_kind": "platform"})
    assert response.status_code == 200
    assert api.get("/api/mentors/me/session-types").get_json()[0]["location_kind"] == "platform"
    response = api.patch(f"/api/mentors/me/session-types/{created['id']}", json={"location_kind": "link"})
    assert response.status_code == 422  # a link session needs its link
