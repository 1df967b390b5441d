"""JSON API for mentors and bookings (SPEC §8)."""
from functools import partial
from zoneinfo import ZoneInfo

from flask import Response
from flask_babel import get_timezone
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.core.pagination import page_schema
from app.mentoring import bookings, calendar, schemas, scorecard, services

blp = Blueprint("mentoring_api", __name__, url_prefix="/api", description="Mentors and bookings")


def _me():
    return current_user._get_current_object()


_errors = partial(error_responses, blp)


# Mentors -------------------------------------------------------------------------------------

@blp.route("/mentors/me", methods=["PUT"])
@blp.arguments(schemas.UpdateMentorProfileSchema)
@blp.response(200, schemas.MentorSchema)
@_errors(401, 403, 422)
@login_required
def update_my_mentor_profile(data):
    """Create or update your mentor profile (mentors)."""
    return services.decorate([services.update_my_profile(mentor=_me(), **data)])[0]


@blp.route("/mentors", methods=["GET"])
@blp.arguments(schemas.MentorSearchArgsSchema, location="query")
@blp.response(200, page_schema(schemas.MentorSchema))
def list_mentors(args):
    """Search the mentor directory by text, tag, sector and language."""
    page = services.search_mentors(**args)
    services.decorate(page.items)
    return page


@blp.route("/mentors/scorecard", methods=["GET"])
@blp.arguments(schemas.ScorecardArgsSchema, location="query")
@blp.response(200, schemas.ScorecardRowSchema(many=True))
@_errors(401, 403)
@login_required
def mentor_scorecard(args):
    """The mentor scorecard (admins): sessions, rating and trend, acceptance time, cancellation and no-show rates."""
    return scorecard.scorecard(actor=_me(), sort=args["sort"], descending=args["order"] == "desc")


@blp.route("/mentors/<int:mentor_id>", methods=["GET"])
@blp.response(200, schemas.MentorSchema)
@_errors(404)
def get_mentor(mentor_id):
    """A mentor's public profile (`id` is the mentor's user id)."""
    return services.decorate([services.get_mentor(mentor_id)])[0]


@blp.route("/mentors/me/session-types", methods=["GET"])
@blp.response(200, schemas.SessionTypeSchema(many=True))
@_errors(401, 403)
@login_required
def list_my_session_types():
    """Your session types, switched-off ones included (mentors)."""
    return services.list_session_types(services.ensure_profile(_me()), active_only=False)


@blp.route("/mentors/me/session-types", methods=["POST"])
@blp.arguments(schemas.CreateSessionTypeSchema)
@blp.response(201, schemas.SessionTypeSchema)
@_errors(401, 403, 422)
@login_required
def create_session_type(data):
    """Add a session type (`buffer_minutes` sets both buffers)."""
    return services.create_session_type(mentor=_me(), **schemas.CreateSessionTypeSchema().expand(data))


@blp.route("/mentors/me/session-types/<int:session_type_id>", methods=["PATCH"])
@blp.arguments(schemas.UpdateSessionTypeSchema)
@blp.response(200, schemas.SessionTypeSchema)
@_errors(401, 403, 404, 422)
@login_required
def update_session_type(data, session_type_id):
    """Change one of your session types."""
    return services.update_session_type(mentor=_me(), session_type_id=session_type_id,
                                        **schemas.UpdateSessionTypeSchema().expand(data))


@blp.route("/mentors/me/session-types/<int:session_type_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404)
@login_required
def delete_session_type(session_type_id):
    """Delete a session type (one already booked is switched off instead)."""
    services.delete_session_type(mentor=_me(), session_type_id=session_type_id)


@blp.route("/mentors/me/availability", methods=["GET"])
@blp.response(200, schemas.AvailabilitySchema)
@_errors(401, 403)
@login_required
def get_my_availability():
    """Your weekly windows and date overrides."""
    profile = services.ensure_profile(_me())
    return {"timezone": profile.timezone, "windows": profile.windows, "overrides": profile.overrides}


@blp.route("/mentors/me/availability", methods=["POST"])
@blp.arguments(schemas.CreateWindowSchema)
@blp.response(201, schemas.WindowSchema)
@_errors(401, 403, 422)
@login_required
def create_window(data):
    """Add a weekly window (weekday 0 = Monday, "HH:MM" in `timezone`, default your zone)."""
    return services.add_window(mentor=_me(), **data)


@blp.route("/mentors/me/availability", methods=["PUT"])
@blp.arguments(schemas.ReplaceWeekSchema)
@blp.response(200, schemas.WindowSchema(many=True))
@_errors(401, 403, 422)
@login_required
def replace_week(data):
    """Replace the whole weekly schedule at once."""
    return services.replace_week(mentor=_me(), **data)


@blp.route("/mentors/me/availability/<int:window_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404)
@login_required
def delete_window(window_id):
    """Remove a weekly window."""
    services.delete_window(mentor=_me(), window_id=window_id)


@blp.route("/mentors/me/overrides", methods=["POST"])
@blp.arguments(schemas.CreateOverrideSchema)
@blp.response(201, schemas.OverrideSchema)
@_errors(401, 403, 422)
@login_required
def create_override(data):
    """Block a range (`available: false`) or add extra hours (`available: true`)."""
    return services.add_override(mentor=_me(), **data)


@blp.route("/mentors/me/overrides/<int:override_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404)
@login_required
def delete_override(override_id):
    """Remove a date override."""
    services.delete_override(mentor=_me(), override_id=override_id)


@blp.route("/mentors/<int:mentor_id>/slots", methods=["GET"])
@blp.arguments(schemas.SlotArgsSchema, location="query")
@blp.response(200, schemas.SlotSchema(many=True))
@_errors(401, 404, 422)
@login_required
def list_slots(args, mentor_id):
    """Free slots of a session type, in the viewer's time zone (or `timezone`); group slots say seats left."""
    zone = ZoneInfo(args.pop("timezone", None) or str(get_timezone()))
    found = services.list_slots(mentor_id=mentor_id, **args)
    return [{"starts_at": s.starts_at.astimezone(zone), "ends_at": s.ends_at.astimezone(zone),
             "seats_left": s.seats_left} for s in found]


# Bookings ------------------------------------------------------------------------------------

@blp.route("/bookings", methods=["POST"])
@blp.arguments(schemas.CreateBookingSchema)
@blp.response(201, schemas.BookingSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def create_booking(data):
    """Book a slot (founders): confirmed, or requested when the mentor approves; 409 `slot_taken` when gone."""
    return bookings.book(founder=_me(), **data)


@blp.route("/bookings/waitlist", methods=["POST"])
@blp.arguments(schemas.WaitlistInputSchema)
@blp.response(201, schemas.WaitlistEntrySchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def join_waitlist(data):
    """Queue for a full group session (founders); the first in line is booked when a seat frees up."""
    entry = bookings.join_waitlist(founder=_me(), **data)
    return {"id": entry.id, "session_type_id": entry.session_type_id, "starts_at": entry.starts_at,
            "position": bookings.waitlist_position(entry), "booking_id": entry.booking_id}


@blp.route("/bookings", methods=["GET"])
@blp.arguments(schemas.BookingListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.BookingSchema))
@_errors(401)
@login_required
def list_bookings(args):
    """Your bookings as founder or mentor; `scope`: upcoming, past, pending."""
    return bookings.list_bookings(user=_me(), **args)


@blp.route("/bookings/<int:booking_id>", methods=["GET"])
@blp.response(200, schemas.BookingSchema)
@_errors(401, 404)
@login_required
def get_booking(booking_id):
    """One of your bookings."""
    return bookings.get_booking(user=_me(), booking_id=booking_id)


def _move(name, func, doc, with_reason=False):
    if with_reason:
        @blp.arguments(schemas.ReasonSchema)
        def view(data, booking_id):
            return func(_me(), booking_id, **data)
    else:
        def view(booking_id):
            return func(_me(), booking_id)
    view.__name__ = name
    view.__doc__ = doc
    view = login_required(view)
    view = _errors(401, 403, 404, 409)(view)
    view = blp.response(200, schemas.BookingSchema)(view)
    path = "/bookings/<int:booking_id>/" + name.removesuffix("_booking").replace("_", "-")
    blp.route(path, methods=["POST"], endpoint=name)(view)


_move("confirm_booking", lambda u, b: bookings.confirm(mentor=u, booking_id=b),
      "The mentor approves a request (409 unless it is awaiting approval).")
_move("decline_booking", lambda u, b, reason="": bookings.decline(mentor=u, booking_id=b, reason=reason),
      "The mentor declines a request; the slot is free again.", with_reason=True)
_move("cancel_booking", lambda u, b, reason="": bookings.cancel(actor=u, booking_id=b, reason=reason),
      "Either party cancels before the start; inside the cancellation window it is flagged late.", with_reason=True)
_move("complete_booking", lambda u, b: bookings.complete(mentor=u, booking_id=b),
      "The mentor marks a session that has started as completed.")
_move("no_show_booking", lambda u, b: bookings.mark_no_show(actor=u, booking_id=b),
      "The mentor records that the founder did not come.")


@blp.route("/bookings/<int:booking_id>/reschedule", methods=["POST"])
@blp.arguments(schemas.RescheduleSchema)
@blp.response(200, schemas.BookingSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def reschedule_booking(data, booking_id):
    """Move a booking to another free slot, atomically (409 `slot_taken` when that slot is gone)."""
    return bookings.reschedule(actor=_me(), booking_id=booking_id, **data)


@blp.route("/bookings/<int:booking_id>/feedback", methods=["POST"])
@blp.arguments(schemas.FeedbackInputSchema)
@blp.response(201, schemas.FeedbackSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def give_feedback(data, booking_id):
    """Rate a completed session 1–5 with a comment (once per side)."""
    return bookings.give_feedback(author=_me(), booking_id=booking_id, **data)


@blp.route("/bookings/<int:booking_id>/ics", methods=["GET"])
@blp.response(200, content_type="text/calendar")
@_errors(401, 404)
@login_required
def booking_ics(booking_id):
    """The booking as an iCalendar file."""
    booking = bookings.get_booking(user=_me(), booking_id=booking_id)
    return Response(calendar.booking_ics(booking), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"'})


@blp.route("/calendar-feed", methods=["GET"])
@blp.response(200, schemas.CalendarFeedSchema)
@_errors(401)
@login_required
def get_calendar_feed():
    """Your personal iCalendar feed URL (secret: anyone with it can read your sessions)."""
    return {"url": calendar.feed_url(calendar.feed_for(_me()))}


@blp.route("/calendar-feed", methods=["POST"])
@blp.response(201, schemas.CalendarFeedSchema)
@_errors(401)
@login_required
def regenerate_calendar_feed():
    """A new feed URL; the old one stops working."""
    return {"url": calendar.feed_url(calendar.regenerate_feed(user=_me()))}
