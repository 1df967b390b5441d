"""Test data for calls: a mentor, a founder and a confirmed session around now (with Chinese names)."""
from datetime import timedelta

from app.accounts import services as accounts
from app.core.db import utcnow
from app.extensions import db
from app.mentoring import services as mentoring
from app.mentoring.models import Booking, BookingStatus


def make_user(role: str, email: str, name: str, password: str, **fields):
    user = accounts.register_user(email=email, password=password, name=name, role=role, **fields)
    db.session.commit()
    return user


def make_call_booking(mentor, founder, *, starts_in: timedelta = timedelta(minutes=-5), minutes: int = 30,
                      status: str = BookingStatus.CONFIRMED, capacity: int = 1, session_type=None) -> Booking:
    """A booking of `founder` with `mentor` starting `starts_in` from now (the call is open by default)."""
    if session_type is None:
        mentoring.update_my_profile(mentor=mentor, timezone="Asia/Shanghai", bio="硬件量产", tags=["hardware"])
        session_type = mentoring.create_session_type(
            mentor=mentor, name="量产辅导 Scale-up clinic", duration_minutes=minutes, capacity=capacity,
            min_notice_minutes=0, max_days_ahead=60, requires_approval=False, cancellation_window_minutes=60)
    starts_at = (utcnow() + starts_in).replace(microsecond=0)
    booking = Booking(mentor_id=session_type.mentor_id, session_type_id=session_type.id, founder_id=founder.id,
                      starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), status=status,
                      topic="电池产线 battery line")
    db.session.add(booking)
    db.session.commit()
    return booking


def main() -> None:
    """`python -m tests.video.data PASSWORD`: migrate a served app's new database (DATABASE_URL), then add
    people and a session around now; prints their emails and the booking id as JSON. (One process instead of
    `flask db upgrade` and another: each start of the app costs seconds.)"""
    import json
    import sys

    from flask_migrate import upgrade

    from app import create_app

    password = sys.argv[1]
    app = create_app()
    with app.app_context():
        upgrade()
        mentor = make_user("mentor", "mentor@video.test", "王导师 Wang", password, locale="zh")
        founder = make_user("founder", "founder@video.test", "李创始人 Li", password)
        outsider = make_user("investor", "outsider@video.test", "陌生人 Outsider", password)
        booking = make_call_booking(mentor, founder)
        print(json.dumps({"booking_id": booking.id, "mentor": mentor.email, "founder": founder.email,
                          "outsider": outsider.email, "outsider_id": outsider.id}))


if __name__ == "__main__":
    main()


def make_meeting(founder, investor, *, starts_in: timedelta = timedelta(minutes=0), minutes: int = 30):
    """A confirmed founder–investor meeting starting `starts_in` from now."""
    from app.conversations.models import Conversation, Meeting, MeetingOffer

    starts_at = (utcnow() + starts_in).replace(microsecond=0)
    conversation = Conversation(user_low_id=min(founder.id, investor.id), user_high_id=max(founder.id, investor.id),
                                started_by_id=founder.id)
    db.session.add(conversation)
    db.session.flush()
    offer = MeetingOffer(conversation_id=conversation.id, founder_id=founder.id, investor_id=investor.id,
                         last_starts_at=starts_at)
    db.session.add(offer)
    db.session.flush()
    meeting = Meeting(offer_id=offer.id, conversation_id=conversation.id, founder_id=founder.id,
                      investor_id=investor.id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes))
    db.session.add(meeting)
    db.session.commit()
    return meeting
