"""Issue 15 item 9: open days scheduled by admins, seats and a waitlist, invitations and the feed; gold mentors."""
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from app.mentoring import bookings, calendar, open_days
from app.mentoring.models import OpenDayPlace
from app.notifications.models import Notification
from tests.mentoring.conftest import next_weekday


@pytest.fixture
def admin(make_user):
    return make_user("investor", name="运营管理员", is_admin=True)


@pytest.fixture
def make_open_day(admin, make_mentor):
    def factory(seats=2, mentors=None, day=None, **fields):
        mentors = mentors or [make_mentor(name="钱导师")]
        starts_at = (day or next_weekday(3)).replace(hour=14)
        return open_days.schedule(admin=admin, title=fields.pop("title", "金牌导师开放日"), starts_at=starts_at,
                                  ends_at=starts_at + timedelta(hours=2), seats=seats,
                                  mentor_ids=[m.id for m in mentors], **fields)
    return factory


def _invites(smtp_server, user):
    """The calendar parts emailed to `user`, parsed: [(method, VEVENT)]."""
    out = []
    for message in smtp_server.messages:
        if message["To"].addresses[0].addr_spec != user.email:
            continue
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(part.get_content())
                out.append((str(cal["method"]), cal.walk("VEVENT")[0]))
    return out


def test_seats_then_the_waitlist_in_order(db, make_open_day, make_user):
    day = make_open_day(seats=2)
    founders = [make_user("founder", name=f"创始人{i}") for i in range(4)]
    places = [open_days.take_seat(founder=f, open_day_id=day.id, topic="硬件量产") for f in founders]
    assert [p.seat_no for p in places] == [1, 2, None, None]
    assert [open_days.position(p) for p in places] == [None, None, 1, 2]
    assert open_days.summary(day, founders[3]) == {"seats_taken": 2, "seats_left": 0, "waitlist_count": 2,
                                                   "my_status": "waitlisted", "my_position": 2}


def test_taking_twice_is_a_conflict(db, make_open_day, make_user):
    day = make_open_day()
    founder = make_user("founder")
    open_days.take_seat(founder=founder, open_day_id=day.id)
    with pytest.raises(Conflict) as error:
        open_days.take_seat(founder=founder, open_day_id=day.id)
    assert error.value.code == "already_registered"


def test_a_freed_seat_goes_to_the_first_in_line_who_is_told(db, make_open_day, make_user, smtp_server):
    day = make_open_day(seats=1)
    seated, first, second = (make_user("founder", name=n, locale="zh") for n in ("甲", "乙", "丙"))
    for founder in (seated, first, second):
        open_days.take_seat(founder=founder, open_day_id=day.id)
    open_days.leave(founder=seated, open_day_id=day.id)
    places = {p.founder_id: p for p in db.session.scalars(select(OpenDayPlace))}
    assert seated.id not in places
    assert places[first.id].seat_no == 1 and open_days.position(places[second.id]) == 1
    told = db.session.scalars(select(Notification.kind).where(Notification.user_id == first.id)).all()
    assert "open_day_promoted" in told
    (method, event), = [i for i in _invites(smtp_server, first)]
    assert method == "REQUEST" and str(event["uid"]) == f"openday-{day.id}@fuhua"
    methods = [m for m, _e in _invites(smtp_server, seated)]
    assert methods == ["REQUEST", "CANCEL"]
    sequences = [int(e["sequence"]) for _m, e in _invites(smtp_server, seated)]
    assert sequences[1] > sequences[0]


def test_leaving_the_waitlist_moves_the_others_up(db, make_open_day, make_user):
    day = make_open_day(seats=1)
    founders = [make_user("founder") for _ in range(3)]
    for founder in founders:
        open_days.take_seat(founder=founder, open_day_id=day.id)
    open_days.leave(founder=founders[1], open_day_id=day.id)
    last = db.session.scalar(select(OpenDayPlace).where(OpenDayPlace.founder_id == founders[2].id))
    assert open_days.position(last) == 1
    with pytest.raises(NotFound):
        open_days.leave(founder=founders[1], open_day_id=day.id)


def test_only_admins_schedule_and_only_founders_take_seats(db, make_open_day, make_user, make_mentor):
    mentor = make_mentor()
    with pytest.raises(PermissionDenied):
        open_days.schedule(admin=mentor, title="x", starts_at=next_weekday(2), seats=3, mentor_ids=[mentor.id],
                           ends_at=next_weekday(2) + timedelta(hours=1))
    day = make_open_day()
    with pytest.raises(PermissionDenied):
        open_days.take_seat(founder=make_user("investor"), open_day_id=day.id)


def test_scheduling_checks_its_fields(db, admin, make_user):
    not_a_mentor = make_user("founder")
    with pytest.raises(Invalid) as error:
        open_days.schedule(admin=admin, title=" ", starts_at=next_weekday(2), ends_at=next_weekday(2), seats=0,
                           mentor_ids=[not_a_mentor.id])
    assert set(error.value.details) == {"title", "ends_at", "seats", "mentor_ids"}


def test_mentors_are_invited_when_it_is_scheduled_and_the_seat_holder_once(db, make_open_day, make_mentor, make_user,
                                                                          smtp_server):
    mentors = [make_mentor(name="钱导师", locale="zh"), make_mentor(name="Anna Schmidt")]
    day = make_open_day(mentors=mentors, location="上海市徐汇区 创新中心 3 楼")
    for mentor in mentors:
        (method, event), = _invites(smtp_server, mentor)
        assert method == "REQUEST" and str(event["location"]) == "上海市徐汇区 创新中心 3 楼"
        assert str(event["url"]).endswith(f"/open-days/{day.id}")
    founder = make_user("founder")
    open_days.take_seat(founder=founder, open_day_id=day.id)
    (method, event), = _invites(smtp_server, founder)
    attendees = sorted(str(a) for a in event["attendee"])
    assert attendees == sorted(f"mailto:{u.email}" for u in [*mentors, founder])


def test_a_seat_clashing_with_a_session_is_refused(db, make_open_day, make_mentor, make_user, make_session_type):
    mentor = make_mentor()
    founder = make_user("founder")
    session_type = make_session_type(mentor)
    day = make_open_day()
    bookings.book(founder=founder, session_type_id=session_type.id, starts_at=day.starts_at + timedelta(hours=1))
    with pytest.raises(Conflict) as error:
        open_days.take_seat(founder=founder, open_day_id=day.id)
    assert error.value.code == "calendar_conflict"


def test_open_days_appear_once_in_each_participants_feed(db, make_open_day, make_mentor, make_user):
    mentor = make_mentor()
    day = make_open_day(seats=2, mentors=[mentor])
    seated = [make_user("founder") for _ in range(2)]
    waiting = make_user("founder")
    for founder in [*seated, waiting]:
        open_days.take_seat(founder=founder, open_day_id=day.id)

    def uids(user):
        text = calendar.feed_ics(calendar.feed_for(user).token)
        return [str(e["uid"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]

    uid = f"openday-{day.id}@fuhua"
    assert uids(mentor).count(uid) == 1 and uids(seated[0]).count(uid) == 1
    assert uid not in uids(waiting)
    mentor_event = next(e for e in icalendar.Calendar.from_ical(calendar.feed_ics(calendar.feed_for(mentor).token))
                        .walk("VEVENT") if str(e["uid"]) == uid)
    assert len(mentor_event["attendee"]) == 3  # the mentor and both seated founders


def test_cancelling_tells_everyone(db, admin, make_open_day, make_user, smtp_server):
    day = make_open_day(seats=1)
    seated, waiting = make_user("founder"), make_user("founder")
    open_days.take_seat(founder=seated, open_day_id=day.id)
    open_days.take_seat(founder=waiting, open_day_id=day.id)
    open_days.cancel(admin=admin, open_day_id=day.id)
    assert [m for m, _e in _invites(smtp_server, seated)][-1] == "CANCEL"
    assert "open_day_cancelled" in db.session.scalars(select(Notification.kind)
                                                      .where(Notification.user_id == waiting.id)).all()
    assert open_days.list_open_days().total == 0


# API -----------------------------------------------------------------------------------------

def test_api_schedule_take_and_leave(db, login, admin, make_mentor, make_user):
    mentor = make_mentor(name="孙导师")
    starts_at = next_weekday(4).replace(hour=9)
    body = {"title": "IP 开放日", "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=3)).isoformat(), "seats": 1, "mentor_ids": [mentor.id]}
    as_admin = login(admin)
    created = as_admin.post("/api/open-days", json=body)
    assert created.status_code == 201, created.get_json()
    day_id = created.get_json()["id"]
    assert created.get_json()["mentors"] == [{"id": mentor.id, "name": "孙导师"}]
    one, two = login(make_user("founder")), login(make_user("founder"))
    assert one.post(f"/api/open-days/{day_id}/places", json={}).get_json()["status"] == "seated"
    waiting = two.post(f"/api/open-days/{day_id}/places", json={"topic": "专利布局"})
    assert waiting.status_code == 201 and waiting.get_json() == {"open_day_id": day_id, "status": "waitlisted",
                                                                 "position": 1, "seat_no": None}
    again = two.post(f"/api/open-days/{day_id}/places", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_registered"
    listed = two.get("/api/open-days").get_json()
    assert listed["total"] == 1 and listed["items"][0]["my_position"] == 1
    assert two.delete(f"/api/open-days/{day_id}/places/me").status_code == 204
    assert two.delete(f"/api/open-days/{day_id}/places/me").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"seats": 0}, "seats"), ({"mentor_ids": []}, "mentor_ids"), ({"title": ""}, "title"),
    ({"starts_at": "tomorrow"}, "starts_at"), ({"ends_at": "2020-01-01T00:00:00+00:00"}, "ends_at"),
])
def test_api_bad_open_day_is_422(db, login, admin, make_mentor, body, field):
    mentor = make_mentor()
    starts_at = next_weekday(4).replace(hour=9)
    good = {"title": "开放日", "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=3)).isoformat(), "seats": 3, "mentor_ids": [mentor.id]}
    response = login(admin).post("/api/open-days", json={**good, **body})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["details"]


def test_api_non_admin_cannot_schedule(db, login, make_mentor):
    mentor = make_mentor()
    starts_at = next_weekday(4).replace(hour=9)
    response = login(mentor).post("/api/open-days", json={
        "title": "x", "starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=1)).isoformat(),
        "seats": 3, "mentor_ids": [mentor.id]})
    assert response.status_code == 403


# Pages -----------------------------------------------------------------------------------------

def test_admin_page_schedules_an_open_day_in_chinese(db, login, admin, make_mentor):
    mentor = make_mentor(name="吴导师")
    client = login(admin)
    page = client.get("/admin/open-days", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "安排开放日" in page.get_data(as_text=True)
    day = next_weekday(5)
    response = client.client.post("/admin/open-days", data={
        "csrf_token": client.csrf_token, "title": "电池材料开放日", "starts_at": day.strftime("%Y-%m-%dT10:00"),
        "ends_at": day.strftime("%Y-%m-%dT09:00"), "seats": "4", "mentor_ids": [str(mentor.id)]},
        headers={"Accept-Language": "zh-CN"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="电池材料开放日"' in text  # kept what was typed
    assert open_days.list_open_days().total == 0


def test_founder_takes_a_seat_on_the_page(db, login, make_open_day, make_user):
    day = make_open_day(seats=1)
    open_days.take_seat(founder=make_user("founder"), open_day_id=day.id)
    founder = login(make_user("founder"))
    page = founder.get("/open-days").get_data(as_text=True)
    assert "Join the waitlist" in page and "金牌导师开放日" in page
    response = founder.client.post(f"/open-days/{day.id}/take", data={"csrf_token": founder.csrf_token},
                                   follow_redirects=True)
    assert "You are number 1 on the waitlist." in response.get_data(as_text=True)
