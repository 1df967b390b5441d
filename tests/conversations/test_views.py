"""Pages: the interest list's actions, the inbox, the thread, the offer form (errors kept), sessions' meetings."""
from zoneinfo import ZoneInfo

from app.conversations import meetings, services
from tests.conversations.conftest import at

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the founder's (default) time zone


def _local(dt):
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _offer_form(api, rows, **fields):
    data = {"csrf_token": api.csrf_token, "location": fields.get("location", ""), "note": fields.get("note", "")}
    for i in range(5):
        start, minutes = rows[i] if i < len(rows) else ("", 30)
        data[f"times-{i}-starts_at"] = start
        data[f"times-{i}-duration_minutes"] = str(minutes)
    return data


def test_the_interest_list_offers_message_and_times(people, login):
    api = login(people["founder"])
    html = api.get(f"/roadshows/pitches/{people['pitch'].id}/interest").get_data(as_text=True)
    assert "Ivy Investor" in html and "Offer times" in html and 'name="then" value="thread"' in html
    response = api.post("/conversations/open", data={"csrf_token": api.csrf_token, "user_id": people["investor"].id,
                                                     "pitch_id": people["pitch"].id, "then": "offer"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/offer")
    html = api.get(f"/roadshows/pitches/{people['pitch'].id}/interest").get_data(as_text=True)
    assert "Open conversation" in html


def test_the_thread_page_marks_read_and_is_private(people, login, conversation):
    services.post_message(actor=people["founder"], conversation_id=conversation.id, body="Hello <b>there</b>")
    investor = login(people["investor"])
    inbox = investor.get("/conversations").get_data(as_text=True)
    assert "Fang Founder" in inbox and "1 unread" in inbox
    html = investor.get(f"/conversations/{conversation.id}").get_data(as_text=True)
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in html and services.unread_total(people["investor"].id) == 0
    assert login(people["other_investor"]).get(f"/conversations/{conversation.id}").status_code == 403


def test_writing_without_javascript_keeps_the_text_on_error(people, login, conversation):
    api = login(people["investor"])
    ok = api.post(f"/conversations/{conversation.id}/messages", data={"csrf_token": api.csrf_token, "body": "Hi"})
    assert ok.status_code == 302
    too_long = "x" * 4001
    bad = api.post(f"/conversations/{conversation.id}/messages", data={"csrf_token": api.csrf_token, "body": too_long})
    assert bad.status_code == 422 and too_long in bad.get_data(as_text=True)


def test_the_offer_form_shows_which_booking_clashes_and_keeps_the_values(people, login, conversation, make_booking):
    make_booking(people["founder"], at(4, 10))
    api = login(people["founder"])
    rows = [(_local(at(4, 8)), 30), (_local(at(4, 10, 15)), 30)]
    response = api.post(f"/conversations/{conversation.id}/offer",
                        data=_offer_form(api, rows, location="Zoom link soon", note="Pilot plans"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Office hour" in html and "Mei Mentor" in html and "Some times clash with your calendar." in html
    assert rows[1][0] in html and "Zoom link soon" in html and "Pilot plans" in html
    assert api.post(f"/conversations/{conversation.id}/offer",
                    data=_offer_form(api, [(_local(at(4, 8)), 30)])).status_code == 302
    assert conversation.id and len(services.recent_messages(conversation)) == 1


def test_the_investor_accepts_from_the_thread_and_both_see_it_in_sessions(people, login, conversation):
    offer = meetings.make_offer(founder=people["founder"], conversation_id=conversation.id,
                                times=[{"starts_at": at(3, 9), "duration_minutes": 45}], location="Room 3")
    investor = login(people["investor"])
    html = investor.get(f"/conversations/{conversation.id}").get_data(as_text=True)
    assert "Accept this time" in html and "Decline all" in html
    response = investor.post(f"/meeting-offers/{offer.id}/accept",
                             data={"csrf_token": investor.csrf_token, "starts_at": at(3, 9).isoformat()})
    assert response.status_code == 302
    for user in (people["founder"], people["investor"]):
        sessions = login(user).get("/sessions").get_data(as_text=True)
        assert "Meetings" in sessions and "Room 3" in sessions and "45 min" in sessions


def test_pages_in_chinese(people, login, conversation):
    api = login(people["founder"])
    for path in ("/conversations", f"/conversations/{conversation.id}", f"/conversations/{conversation.id}/offer"):
        response = api.get(path, headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 200, path
