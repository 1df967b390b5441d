"""The conversations and meetings API: status codes, envelopes, permissions, 409/422 cases."""
from tests.conversations.conftest import at


def _iso(dt):
    return dt.isoformat()


def test_open_then_reopen_a_conversation(people, login):
    api = login(people["founder"])
    body = {"user_id": people["investor"].id, "pitch_id": people["pitch"].id, "body": "Thanks for your interest!"}
    first = api.post("/api/conversations", json=body)
    assert first.status_code == 201, first.get_json()
    data = first.get_json()
    assert data["other"]["id"] == people["investor"].id and data["pitch"]["id"] == people["pitch"].id
    assert data["can_offer"] is True and data["last_message"]["body"] == "Thanks for your interest!"
    again = api.post("/api/conversations", json={"user_id": people["investor"].id, "pitch_id": people["pitch"].id})
    assert again.status_code == 200 and again.get_json()["id"] == data["id"]


def test_an_investor_cannot_start_one(people, login):
    response = login(people["investor"]).post("/api/conversations", json={"user_id": people["founder"].id,
                                                                          "pitch_id": people["pitch"].id})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "cannot_start"


def test_bad_input_is_422_and_anonymous_is_401(people, login, client):
    api = login(people["founder"])
    assert api.post("/api/conversations", json={"user_id": "x"}).status_code == 422
    assert api.post("/api/conversations", json={"user_id": people["founder"].id}).status_code == 422
    assert api.post("/api/conversations", json={"user_id": 999999}).status_code == 404
    assert client.get("/api/conversations").status_code == 401


def test_the_thread_pages_and_catches_up_after_an_id(people, login, conversation):
    founder, investor = login(people["founder"]), login(people["investor"])
    ids = [founder.post(f"/api/conversations/{conversation.id}/messages", json={"body": f"m{i}"}).get_json()["id"]
           for i in range(3)]
    page = investor.get(f"/api/conversations/{conversation.id}/messages?per_page=2").get_json()
    assert [m["body"] for m in page["items"]] == ["m0", "m1"] and page["total"] == 3 and page["pages"] == 2
    after = investor.get(f"/api/conversations/{conversation.id}/messages?after_id={ids[0]}").get_json()
    assert [m["id"] for m in after["items"]] == ids[1:]


def test_unread_counts_and_marking_read(people, login, conversation):
    founder, investor = login(people["founder"]), login(people["investor"])
    founder.post(f"/api/conversations/{conversation.id}/messages", json={"body": "Hello"})
    listing = investor.get("/api/conversations").get_json()
    assert [(c["id"], c["unread"]) for c in listing["items"]] == [(conversation.id, 1)]
    read = investor.post(f"/api/conversations/{conversation.id}/read")
    assert read.status_code == 200 and read.get_json() == {"conversation_id": conversation.id, "unread_total": 0}
    assert investor.get(f"/api/conversations/{conversation.id}").get_json()["unread"] == 0


def test_others_are_refused_everywhere(people, login, conversation):
    founder = login(people["founder"])
    offer = founder.post(f"/api/conversations/{conversation.id}/offers",
                         json={"times": [{"starts_at": _iso(at(3, 9)), "duration_minutes": 30}]}).get_json()
    meeting = login(people["investor"]).post(f"/api/meeting-offers/{offer['id']}/accept",
                                             json={"starts_at": _iso(at(3, 9))}).get_json()
    for who in ("other_investor", "admin"):
        api = login(people[who])
        for method, path, json in [
            ("GET", f"/api/conversations/{conversation.id}", None),
            ("GET", f"/api/conversations/{conversation.id}/messages", None),
            ("POST", f"/api/conversations/{conversation.id}/messages", {"body": "hi"}),
            ("POST", f"/api/conversations/{conversation.id}/read", None),
            ("POST", f"/api/conversations/{conversation.id}/offers",
             {"times": [{"starts_at": _iso(at(3, 12)), "duration_minutes": 30}]}),
            ("GET", f"/api/meeting-offers/{offer['id']}", None),
            ("POST", f"/api/meeting-offers/{offer['id']}/decline", {}),
            ("GET", f"/api/meetings/{meeting['id']}", None),
            ("GET", f"/api/meetings/{meeting['id']}/ics", None),
            ("POST", f"/api/meetings/{meeting['id']}/cancel", {}),
        ]:
            response = api.open(method, path, json=json)
            assert response.status_code == 403, (who, method, path, response.get_json())
    assert login(people["other_investor"]).get("/api/meetings").get_json()["total"] == 0


def test_offer_fields_are_checked(people, login, conversation):
    api = login(people["founder"])
    url = f"/api/conversations/{conversation.id}/offers"
    bad = [{"times": []}, {"times": [{"starts_at": _iso(at(3, 9)), "duration_minutes": 5}]},
           {"times": [{"starts_at": "2030-01-01T10:00:00", "duration_minutes": 30}]},  # no offset
           {"times": [{"starts_at": _iso(at(3, 9)), "duration_minutes": 30}] * 6},
           {"times": [{"starts_at": _iso(at(3, 9)), "duration_minutes": 60},
                      {"starts_at": _iso(at(3, 9, 30)), "duration_minutes": 30}]}]
    for body in bad:
        response = api.post(url, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["error"]["code"] == "validation_error"
    overlap = api.post(url, json=bad[-1]).get_json()
    assert overlap["error"]["details"]["times"] == {"1": ["Overlaps time 1."]}
    assert login(people["investor"]).post(url, json={"times": [{"starts_at": _iso(at(3, 9)),
                                                                "duration_minutes": 30}]}).status_code == 403


def test_a_clash_with_a_mentor_booking_is_a_409_naming_it(people, login, conversation, make_booking):
    make_booking(people["founder"], at(5, 10))
    response = login(people["founder"]).post(f"/api/conversations/{conversation.id}/offers", json={
        "times": [{"starts_at": _iso(at(5, 10, 30)), "duration_minutes": 30}]})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "calendar_conflict" and "Office hour" in error["details"]["times"]["0"][0]


def test_accept_decline_cancel_and_ics(people, login, conversation):
    founder, investor = login(people["founder"]), login(people["investor"])
    times = [{"starts_at": _iso(at(3, 9)), "duration_minutes": 30},
             {"starts_at": _iso(at(3, 15)), "duration_minutes": 45}]
    created = founder.post(f"/api/conversations/{conversation.id}/offers",
                           json={"times": times, "location": "https://meet.example/x", "note": "Agenda: pilot"})
    assert created.status_code == 201
    offer = created.get_json()
    assert offer["status"] == "pending" and [t["duration_minutes"] for t in offer["times"]] == [30, 45]
    assert founder.post(f"/api/meeting-offers/{offer['id']}/accept",
                        json={"starts_at": times[0]["starts_at"]}).status_code == 403
    not_offered = investor.post(f"/api/meeting-offers/{offer['id']}/accept", json={"starts_at": _iso(at(3, 10))})
    assert not_offered.status_code == 409 and not_offered.get_json()["error"]["code"] == "time_not_offered"
    assert investor.post(f"/api/meeting-offers/{offer['id']}/accept", json={}).status_code == 422
    accepted = investor.post(f"/api/meeting-offers/{offer['id']}/accept", json={"starts_at": times[1]["starts_at"]})
    assert accepted.status_code == 201, accepted.get_json()
    meeting = accepted.get_json()
    assert meeting["status"] == "confirmed" and meeting["location"] == "https://meet.example/x"
    again = investor.post(f"/api/meeting-offers/{offer['id']}/accept", json={"starts_at": times[0]["starts_at"]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "offer_accepted"
    assert investor.post(f"/api/meeting-offers/{offer['id']}/decline", json={}).status_code == 409
    assert [m["id"] for m in founder.get("/api/meetings").get_json()["items"]] == [meeting["id"]]
    ics = founder.get(meeting["ics_url"])
    assert ics.status_code == 200 and ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data
    cancelled = investor.post(f"/api/meetings/{meeting['id']}/cancel", json={"reason": "Sorry"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert investor.post(f"/api/meetings/{meeting['id']}/cancel", json={}).status_code == 409
    assert founder.get("/api/meetings").get_json()["total"] == 0
    assert founder.get("/api/meetings?scope=past").get_json()["total"] == 1


def test_declining_an_offer(people, login, conversation):
    offer = login(people["founder"]).post(f"/api/conversations/{conversation.id}/offers", json={
        "times": [{"starts_at": _iso(at(3, 9)), "duration_minutes": 30}]}).get_json()
    response = login(people["investor"]).post(f"/api/meeting-offers/{offer['id']}/decline", json={"reason": "No"})
    assert response.status_code == 200 and response.get_json()["status"] == "declined"


def test_times_out_of_range_are_refused_not_crashed(people, login, conversation):
    api = login(people["founder"])
    far = {"times": [{"starts_at": "0001-01-01T00:15:00+05:24", "duration_minutes": 30}]}
    assert api.post(f"/api/conversations/{conversation.id}/offers", json=far).status_code == 422
    offer = api.post(f"/api/conversations/{conversation.id}/offers", json={
        "times": [{"starts_at": _iso(at(3, 9)), "duration_minutes": 30}]}).get_json()
    response = login(people["investor"]).post(f"/api/meeting-offers/{offer['id']}/accept",
                                              json={"starts_at": "0001-01-01T00:15:00+05:24"})
    assert response.status_code == 422 and "starts_at" in response.get_json()["error"]["details"]
