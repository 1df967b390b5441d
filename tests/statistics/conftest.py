"""Statistics fixtures: a small incubator built through the services, with known numbers in a known range."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.core.db import utcnow

UTC = timezone.utc


@pytest.fixture
def request_ctx(app, db):
    with app.test_request_context():
        yield


@dataclass
class World:
    admin: object
    founder: object
    outsider: object
    startup: object
    other_startup: object
    mentor: object
    provider_user: object
    roadshow: object
    pitch: object
    start: date
    end: date


def _week_ahead_9am(days: int) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)


def _shift_to_past(db, booking, days: int) -> None:
    booking.starts_at -= timedelta(days=days)
    booking.ends_at -= timedelta(days=days)
    db.session.commit()


@pytest.fixture
def world(db, app, make_user):
    """An admin; a founder's seed-stage startup and an idea-stage one; a mentor with 4 sessions of that startup
    (1 delivered and rated 4, 1 cancelled, 1 confirmed, 1 no-show); a roadshow with one pitch, 2 signed-in
    viewers + 1 anonymous socket, 2 questions (1 answered), 1 interest mark, 1 chat message; a compute listing
    with 3 requests (completed with a cash settlement, quoted, submitted); 500.00 voucher credit granted.
    The range is the 30 days before and after today (UTC)."""
    from app.marketplace import services as request_services
    from app.marketplace import vouchers
    from app.mentoring import bookings
    from app.mentoring import services as mentoring
    from app.providers import listings
    from app.providers import services as providers
    from app.roadshows import engagement
    from app.roadshows import services as roadshows
    from app.roadshows.live import use_cases
    from app.startups import services as startups

    admin = make_user("investor", is_admin=True, name="Ada Admin")
    founder = make_user("founder", name="Fang Founder")
    outsider = make_user("founder", name="Olga Outsider")
    startup = startups.create_startup(founder=founder, name="量子 Forge", sector="quantum", stage="seed",
                                      summary="Quantum sensors", needs="GPU time", tags=[])
    other = startups.create_startup(founder=outsider, name="Idea Labs", sector="ai", stage="idea",
                                    summary="Ideas", needs="", tags=[])

    mentor = make_user("mentor", timezone="UTC")
    mentoring.update_my_profile(mentor=mentor, timezone="UTC", bio="Hardware", tags=["hardware"])
    for weekday in range(7):
        mentoring.add_window(mentor=mentor, weekday=weekday, start_time="00:00", end_time="23:55")
    session_type = mentoring.create_session_type(mentor=mentor, name="Office hour", duration_minutes=60, capacity=1,
                                                 min_notice_minutes=0, max_days_ahead=60, requires_approval=False,
                                                 cancellation_window_minutes=0)
    made = [bookings.book(founder=founder, session_type_id=session_type.id, starts_at=_week_ahead_9am(days),
                          startup_id=startup.id, topic="Scale-up") for days in (8, 9, 10, 11)]
    delivered, cancelled, _confirmed, no_show = made
    for booking in (delivered, no_show):
        _shift_to_past(db, booking, 14)
    bookings.complete(mentor=mentor, booking_id=delivered.id)
    bookings.mark_no_show(actor=mentor, booking_id=no_show.id)
    bookings.give_feedback(author=founder, booking_id=delivered.id, rating=4, comment="Clear")
    bookings.give_feedback(author=mentor, booking_id=delivered.id, rating=2, comment="Late")  # the mentor's side
    bookings.cancel(actor=founder, booking_id=cancelled.id, reason="Travel")

    investor = make_user("investor", name="Ivan Investor")
    roadshow = roadshows.create_roadshow(actor=admin, title="Winter Demo Day", starts_at=utcnow() + timedelta(days=2),
                                         ends_at=utcnow() + timedelta(days=2, hours=2), visibility="public")
    pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="Sensors",
                                duration_minutes=10)
    use_cases.join(user=investor, roadshow_id=roadshow.id, after_id=None, sid="sid-investor-1")
    use_cases.join(user=investor, roadshow_id=roadshow.id, after_id=None, sid="sid-investor-2")  # same viewer again
    use_cases.join(user=founder, roadshow_id=roadshow.id, after_id=None, sid="sid-founder")
    from flask_login import AnonymousUserMixin
    use_cases.join(user=AnonymousUserMixin(), roadshow_id=roadshow.id, after_id=None, sid="sid-anonymous")
    use_cases.send_chat(user=investor, roadshow_id=roadshow.id, body="Hello", client_id="c1")
    answered = use_cases.ask(user=investor, roadshow_id=roadshow.id, pitch_id=pitch.id, body="Margins?")
    use_cases.ask(user=investor, roadshow_id=roadshow.id, pitch_id=pitch.id, body="Team size?")
    use_cases.moderate_question(actor=admin, question_id=answered.id, status="answered")
    engagement.mark_interest(user=investor, pitch_id=pitch.id)

    provider_user = make_user("provider")
    provider = providers.create_provider(actor=provider_user, name="Compute Centre", description="GPUs", city="Beijing")
    listing = listings.create_listing(
        actor=provider_user, provider_id=provider.id, title="A100 GPU hours", category="compute",
        description="Fast GPUs.", unit="GPU-hour", pricing_model="fixed", price=Decimal("12.50"), capacity=100,
        city="Beijing", tags=["gpu"], status="published",
        category_fields={"accelerator_model": "A100", "accelerator_memory_gb": 80, "accelerator_count": 8,
                         "hours": 1000, "queue_sla": "starts within 24 h"})
    from app.marketplace import agreements

    rs = request_services
    done = rs.create_request(founder=founder, listing_id=listing.id, quantity=2, message="Please")
    rs.quote(actor=provider_user, request_id=done.id, price=Decimal("25.00"), note="ok")
    rs.accept(actor=founder, request_id=done.id, quote_id=rs.current_quote_id(done.id))
    for signer in (founder, provider_user):
        agreements.sign(actor=signer, request_id=done.id, full_name=signer.name, consent=True)
    rs.start(actor=provider_user, request_id=done.id)
    rs.deliver(actor=provider_user, request_id=done.id)
    rs.complete(actor=founder, request_id=done.id)
    quoted = rs.create_request(founder=founder, listing_id=listing.id, quantity=1, message="One")
    rs.quote(actor=provider_user, request_id=quoted.id, price=Decimal("12.50"), note="ok")
    rs.create_request(founder=founder, listing_id=listing.id, quantity=1, message="Another")
    vouchers.grant(actor=admin, startup_id=startup.id, amount=Decimal("500.00"), note="Welcome")

    today = utcnow().date()
    return World(admin=admin, founder=founder, outsider=outsider, startup=startup, other_startup=other, mentor=mentor,
                 provider_user=provider_user, roadshow=roadshow, pitch=pitch, start=today - timedelta(days=30),
                 end=today + timedelta(days=30))
