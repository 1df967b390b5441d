"""Invitations as calendar clients expect (RFC 5545/5546), through the served app and real SMTP (aiosmtpd).

Every email of every change (book, reschedule, cancel; request, confirm, decline) is read back from the SMTP
server and its attached invitation parsed with python `icalendar`: METHOD, UID, SEQUENCE, URL, LOCATION,
ORGANIZER and ATTENDEEs; the page the invitation links to opens for both parties and for nobody else.
"""
import json
import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest
import requests
from aiosmtpd.controller import Controller

from tests.mentoring.test_concurrency import Client, session_type
from tests.notifications.conftest import CollectingHandler, free_port
from tests.served import serve

pytestmark = pytest.mark.served
UTC = timezone.utc
LINK = "https://meet.example.org/fuhua-42"
NODE = shutil.which("node")
ICALJS = Path(__file__).with_name("icaljs_parse.cjs")


def read_with_icaljs(ics: bytes) -> dict:
    """What Mozilla's ical.js (the calendar library of Thunderbird's lineage) reads in the invitation."""
    result = subprocess.run([NODE, str(ICALJS)], input=ics, capture_output=True, timeout=30, check=True)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def smtp():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture(scope="module")
def served(smtp):
    controller, _handler = smtp
    with serve(env={"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port)}) as app:
        yield app


@pytest.fixture(scope="module")
def mentor(served):
    client = Client(served.url, "mentor")
    client.email = client.get("/api/me").json()["email"]
    assert client.http.put(served.url + "/api/mentors/me", json={"timezone": "UTC"}).status_code == 200
    for weekday in range(7):
        assert client.post("/api/mentors/me/availability",
                           json={"weekday": weekday, "start_time": "08:00", "end_time": "18:00"}).status_code == 201
    return client


def _founder(served):
    client = Client(served.url, "founder")
    client.email = client.get("/api/me").json()["email"]
    return client


def _day(n: int) -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=n)


def invitations(handler, email: str, booking_id: int, count: int, timeout: float = 20) -> list:
    """The `count` invitations of the booking mailed to `email` (waiting for the server's email jobs)."""
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for message in handler.messages:
            if message["To"].addresses[0].addr_spec != email:
                continue
            for part in message.iter_attachments():
                if part.get_content_type() == "text/calendar":
                    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                    event = cal.walk("VEVENT")[0]
                    if str(event["uid"]) == f"booking-{booking_id}@fuhua":
                        found.append((message, part, cal, event))
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def check(found, *, method, sequence, starts_at, url, location, mentor, founder):
    message, part, cal, event = found
    assert str(cal["method"]) == method == part.get_param("method")
    assert event["sequence"] == sequence
    assert event.decoded("dtstart") == starts_at
    assert str(event["url"]) == url
    assert str(event["location"]) == location
    assert str(event["organizer"]) == f"mailto:{mentor.email}"
    attendees = {str(a) for a in (event["attendee"] if isinstance(event["attendee"], list) else [event["attendee"]])}
    assert f"mailto:{founder.email}" in attendees
    assert str(event["status"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
    assert url in message.get_body(("plain",)).get_content()
    if NODE:
        read = read_with_icaljs(part.get_payload(decode=True))
        assert (read["method"], read["uid"], read["sequence"]) == (method, str(event["uid"]), sequence)
        assert (read["url"], read["location"]) == (url, location)
        assert datetime.fromisoformat(read["start"].replace("Z", "+00:00")) == starts_at
        assert read["organizer"] == f"mailto:{mentor.email}" and f"mailto:{founder.email}" in read["attendees"]


def test_book_reschedule_cancel_send_request_request_cancel(served, smtp, mentor):
    handler = smtp[1]
    founder = _founder(served)
    type_id = session_type(mentor, name="Link session", location_kind="link", location_detail=LINK)
    first, second = _day(3).replace(hour=10), _day(4).replace(hour=11)
    response = founder.post("/api/bookings", {"session_type_id": type_id, "starts_at": first.isoformat()})
    assert response.status_code == 201, response.text
    booking_id = response.json()["id"]
    assert response.json()["location"] == {"kind": "link", "detail": LINK, "text": f"Online meeting link: {LINK}",
                                           "url": LINK}
    page = f"{served.url}/sessions/{booking_id}"
    common = {"url": page, "location": LINK, "mentor": mentor, "founder": founder}

    for person in (founder, mentor):
        [sent] = invitations(handler, person.email, booking_id, 1)
        check(sent, method="REQUEST", sequence=0, starts_at=first, **common)

    response = founder.post(f"/api/bookings/{booking_id}/reschedule", {"starts_at": second.isoformat()})
    assert response.status_code == 200, response.text
    for person in (founder, mentor):
        sent = invitations(handler, person.email, booking_id, 2)
        assert len(sent) == 2
        check(sent[1], method="REQUEST", sequence=1, starts_at=second, **common)

    response = mentor.post(f"/api/bookings/{booking_id}/cancel", {"reason": "Travelling"})
    assert response.status_code == 200, response.text
    for person in (founder, mentor):
        sent = invitations(handler, person.email, booking_id, 3)
        assert len(sent) == 3
        check(sent[2], method="CANCEL", sequence=2, starts_at=second, **common)
        assert [int(s[3]["sequence"]) for s in sent] == [0, 1, 2]

    # the page every invitation leads to opens for the two parties, and for nobody else
    assert founder.get(f"/sessions/{booking_id}").status_code == 200
    assert mentor.get(f"/sessions/{booking_id}").status_code == 200
    assert _founder(served).get(f"/sessions/{booking_id}").status_code == 404
    assert requests.get(page, allow_redirects=False, timeout=30).status_code in (302, 401)


def test_request_confirm_and_decline(served, smtp, mentor):
    handler = smtp[1]
    founder = _founder(served)
    type_id = session_type(mentor, name="Approved room session", requires_approval=True)
    one, two = _day(5).replace(hour=9), _day(5).replace(hour=14)
    ids = []
    for starts_at in (one, two):
        response = founder.post("/api/bookings", {"session_type_id": type_id, "starts_at": starts_at.isoformat()})
        assert response.status_code == 201 and response.json()["status"] == "requested", response.text
        ids.append(response.json()["id"])
    assert invitations(handler, founder.email, ids[0], 1, timeout=2) == []  # nothing agreed yet

    assert mentor.post(f"/api/bookings/{ids[0]}/confirm").status_code == 200
    assert mentor.post(f"/api/bookings/{ids[1]}/decline", {"reason": "Full week"}).status_code == 200
    for person in (founder, mentor):
        [confirmed] = invitations(handler, person.email, ids[0], 1)
        page = f"{served.url}/sessions/{ids[0]}"  # the platform's session room: the session's own page
        check(confirmed, method="REQUEST", sequence=1, starts_at=one, url=page, location=page, mentor=mentor,
              founder=founder)
        [declined] = invitations(handler, person.email, ids[1], 1)
        page = f"{served.url}/sessions/{ids[1]}"
        check(declined, method="CANCEL", sequence=1, starts_at=two, url=page, location=page, mentor=mentor,
              founder=founder)
    assert founder.get(f"/sessions/{ids[0]}").status_code == 200


def _reminders(handler, booking_id: int) -> list:
    return [m for m in handler.messages if f"/sessions/{booking_id}" in m.get_body(("plain",)).get_content()
            and ("Tomorrow" in m["Subject"] or "In an hour" in m["Subject"])]


def test_scheduled_command_emails_each_reminder_once_and_again_after_a_move(served, smtp, mentor):
    """`flask mentoring send-reminders` as cron runs it (its own process, no SITE_URL: links follow PORT)."""
    handler = smtp[1]
    founder = _founder(served)
    type_id = session_type(mentor, name="Soon", duration_minutes=30, location_kind="phone",
                           location_detail="+86 10 6275 1234")
    now = datetime.now(UTC)
    slots = mentor.get(f"/api/mentors/{mentor.id}/slots", params={
        "session_type_id": type_id, "start": (now + timedelta(hours=3)).isoformat(),
        "end": (now + timedelta(hours=20)).isoformat()}).json()
    first, later = slots[0]["starts_at"], slots[-1]["starts_at"]
    response = founder.post("/api/bookings", {"session_type_id": type_id, "starts_at": first})
    assert response.status_code == 201, response.text
    booking_id = response.json()["id"]

    def run() -> int:
        result = served.flask("mentoring", "send-reminders", PORT="5999")
        assert result.returncode == 0, result.stderr
        time.sleep(0.5)
        return len(_reminders(handler, booking_id))

    assert run() == 2  # the 24 h reminder, to the founder and to the mentor
    assert run() == 2 and run() == 2  # repeated runs send nothing more
    sent = _reminders(handler, booking_id)
    assert {m["To"].addresses[0].addr_spec for m in sent} == {founder.email, mentor.email}
    body = sent[0].get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:5999/sessions/{booking_id}" in body and "+86 10 6275 1234" in body

    assert founder.post(f"/api/bookings/{booking_id}/reschedule", {"starts_at": later}).status_code == 200
    assert run() == 4  # re-armed for the new time
    assert run() == 4
    assert founder.post(f"/api/bookings/{booking_id}/cancel", {}).status_code == 200
    assert run() == 4  # never for a cancelled one
