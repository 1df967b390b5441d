"""Issue 15 item 1 (the rest): founder–investor meetings are invitations as calendars expect: the acceptance sends
both people `METHOD:REQUEST`, a cancellation `METHOD:CANCEL` with a higher SEQUENCE and the same UID (real SMTP,
parsed with python `icalendar`)."""
import icalendar

from app.conversations import meetings
from tests.conversations.conftest import at
from tests.mentoring.conftest import smtp_server  # noqa: F401  (a real SMTP server in-process)


def _invitations(smtp_server, user):  # noqa: F811
    out = []
    for message in smtp_server.messages:
        if message["To"].addresses[0].addr_spec != user.email:
            continue
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(part.get_content())
                assert part.get_param("method") == str(cal["method"])
                out.append((str(cal["method"]), cal.walk("VEVENT")[0], message["Subject"]))
    return out


def test_accept_sends_requests_and_cancel_sends_cancels(people, conversation, smtp_server):  # noqa: F811
    founder, investor = people["founder"], people["investor"]
    offer = meetings.make_offer(founder=founder, conversation_id=conversation.id, location="https://meet.example/q",
                                times=[{"starts_at": at(3, 9), "duration_minutes": 45}])
    meeting = meetings.accept_offer(investor=investor, offer_id=offer.id, starts_at=at(3, 9))
    for user in (founder, investor):
        (method, event, _subject), = _invitations(smtp_server, user)
        assert method == "REQUEST" and str(event["uid"]) == f"meeting-{meeting.id}@fuhua"
        assert int(event["sequence"]) == 0 and event.decoded("dtstart") == at(3, 9)
        assert str(event["organizer"]) == f"mailto:{founder.email}"
        assert sorted(str(a) for a in event["attendee"]) == sorted(f"mailto:{u.email}" for u in (founder, investor))
        assert str(event["location"]) == "https://meet.example/q"
    meetings.cancel_meeting(actor=investor, meeting_id=meeting.id, reason="Travel")
    for user in (founder, investor):
        first, second = _invitations(smtp_server, user)
        assert second[0] == "CANCEL" and str(second[1]["uid"]) == str(first[1]["uid"])
        assert int(second[1]["sequence"]) == 1 and str(second[1]["status"]) == "CANCELLED"
    assert "Cancelled" in _invitations(smtp_server, founder)[1][2]


def test_the_download_stays_publish(people, conversation):
    offer = meetings.make_offer(founder=people["founder"], conversation_id=conversation.id,
                                times=[{"starts_at": at(3, 9), "duration_minutes": 30}])
    meeting = meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 9))
    assert str(icalendar.Calendar.from_ical(meetings.meeting_ics(meeting))["method"]) == "PUBLISH"
