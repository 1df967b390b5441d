"""Issue 15 item 1 (the rest): the mentor of a group session gets one calendar event per occurrence, not one per
seat: every email carries the occurrence's invitation (one UID, every founder attending, SEQUENCE growing), and
CANCEL only once nobody holds a seat. Founders keep their own booking's invitation. Real SMTP, python icalendar."""
from datetime import timedelta

import icalendar

from app.mentoring import bookings
from tests.mentoring.conftest import next_weekday


def _invitations(smtp_server, user):
    out = []
    for message in smtp_server.messages:
        if message["To"].addresses[0].addr_spec != user.email:
            continue
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(part.get_content())
                out.append((str(cal["method"]), cal.walk("VEVENT")[0]))
    return out


def _founders(event) -> list[str]:
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return sorted(str(a) for a in attendees if str(a) != str(event["organizer"]))


def test_the_mentor_has_one_event_per_group_occurrence(db, make_mentor, make_user, make_session_type, smtp_server):
    mentor = make_mentor(name="吴芳")
    session_type = make_session_type(mentor, name="开放办公时间", capacity=3)
    starts_at = next_weekday(1).replace(hour=10)
    founders = [make_user("founder", name=f"创始人{i}") for i in range(3)]
    made = [bookings.book(founder=f, session_type_id=session_type.id, starts_at=starts_at) for f in founders]
    sent = _invitations(smtp_server, mentor)
    assert [m for m, _e in sent] == ["REQUEST"] * 3
    uids = {str(e["uid"]) for _m, e in sent}
    assert uids == {f"group-{session_type.id}-{starts_at.strftime('%Y%m%dT%H%M%SZ')}@fuhua"}
    sequences = [int(e["sequence"]) for _m, e in sent]
    assert sequences == sorted(set(sequences))  # strictly growing
    assert _founders(sent[-1][1]) == sorted(f"mailto:{f.email}" for f in founders)
    # a founder keeps their own booking's invitation
    (method, event), = _invitations(smtp_server, founders[0])
    assert (method, str(event["uid"])) == ("REQUEST", f"booking-{made[0].id}@fuhua")

    bookings.cancel(actor=founders[0], booking_id=made[0].id)
    method, event = _invitations(smtp_server, mentor)[-1]
    assert method == "REQUEST" and _founders(event) == sorted(f"mailto:{f.email}" for f in founders[1:])
    assert int(event["sequence"]) > sequences[-1]
    # a founder moving to another time leaves the occurrence: the mentor's event for it is updated too
    bookings.reschedule(actor=founders[1], booking_id=made[1].id, starts_at=starts_at + timedelta(hours=2))
    updates = [(m, e) for m, e in _invitations(smtp_server, mentor)
               if str(e["uid"]).startswith(f"group-{session_type.id}-{starts_at.strftime('%Y%m%dT%H%M%SZ')}")]
    assert _founders(updates[-1][1]) == [f"mailto:{founders[2].email}"]
    bookings.cancel(actor=mentor, booking_id=made[2].id)
    last = [m for m, e in _invitations(smtp_server, mentor)
            if str(e["uid"]).startswith(f"group-{session_type.id}-{starts_at.strftime('%Y%m%dT%H%M%SZ')}")][-1]
    assert last == "CANCEL"


def test_one_to_one_sessions_keep_the_booking_invitation(db, make_mentor, make_user, make_session_type,
                                                         smtp_server):
    mentor = make_mentor()
    session_type = make_session_type(mentor)
    booking = bookings.book(founder=make_user("founder"), session_type_id=session_type.id,
                            starts_at=next_weekday(1).replace(hour=10))
    (method, event), = _invitations(smtp_server, mentor)
    assert str(event["uid"]) == f"booking-{booking.id}@fuhua"
