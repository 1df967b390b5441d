"""Input and output schemas for mentors, session types, availability, slots and bookings."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.core.fields import Instant
from app.core.i18n import is_valid_timezone
from app.core.pagination import PageArgsSchema
from app.mentoring import locations
from app.mentoring.models import BookingStatus
from app.mentoring.services import LANGUAGES
from app.startups.services import MAX_TAG_LENGTH, MAX_TAGS, SECTORS

STATUSES = [s.value for s in BookingStatus]
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$", error="Use the HH:MM format, e.g. 09:30.")


def _strip(data):
    if isinstance(data, dict):
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    return data


def _check_tz(value):
    if value is not None and not is_valid_timezone(value):
        raise ValidationError("Unknown time zone.")


class _Input(Schema):
    @pre_load
    def strip(self, data, **kwargs):
        return _strip(data)


def _blank_is_absent(data):
    return {k: v for k, v in data.items() if v != ""} if hasattr(data, "items") else data


# Profiles -----------------------------------------------------------------------------------------

class UpdateMentorProfileSchema(_Input):
    bio = fields.String(validate=validate.Length(max=10000))
    headline = fields.String(validate=validate.Length(max=200))
    tags = fields.List(fields.String(validate=validate.Length(max=MAX_TAG_LENGTH)),
                       validate=validate.Length(max=MAX_TAGS))
    sectors = fields.List(fields.String(validate=validate.OneOf(SECTORS)), validate=validate.Length(max=len(SECTORS)))
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)),
                            validate=validate.Length(max=len(LANGUAGES)))
    timezone = fields.String(validate=_check_tz)
    keep = fields.String(load_default="local", validate=validate.OneOf(["local", "instant"]), metadata={
        "description": "When the time zone changes: weekly hours keep their local times (local, the default) "
                       "or the instants they stood for (instant)"})


class MentorSearchArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Matches name, headline, bio and tags"})
    tag = fields.String(load_default=None, validate=validate.Length(max=MAX_TAG_LENGTH))
    sector = fields.String(load_default=None, validate=validate.OneOf(SECTORS))
    language = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))
    gold = fields.Boolean(load_default=False, metadata={"description": "Gold mentors only"})

    @pre_load
    def blank(self, data, **kwargs):
        return _blank_is_absent(data)


class SessionTypeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    duration_minutes = fields.Integer(required=True)
    capacity = fields.Integer(required=True)
    min_notice_minutes = fields.Integer(required=True)
    max_days_ahead = fields.Integer(required=True)
    buffer_minutes = fields.Function(lambda t: max(t.buffer_before_minutes, t.buffer_after_minutes), required=True,
                                     metadata={"type": "integer", "description": "The larger of the two buffers"})
    buffer_before_minutes = fields.Integer(required=True)
    buffer_after_minutes = fields.Integer(required=True)
    requires_approval = fields.Boolean(required=True)
    cancellation_window_minutes = fields.Integer(required=True)
    is_active = fields.Boolean(required=True)
    location_kind = fields.String(required=True, metadata={"description": "platform (the session room on Fuhua), "
                                                           "link, phone or in_person"})
    location_detail = fields.Function(lambda t: locations.public_detail(t.location_kind, t.location_detail),
                                      required=True, metadata={"type": "string", "description": (
                                          "The address of an in-person session; links and numbers are shown "
                                          "to the booking's parties only")})


class MentorSchema(Schema):
    id = fields.Integer(required=True, attribute="user_id", metadata={"description": "The mentor's user id"})
    name = fields.Function(lambda p: p.user.name, required=True, metadata={"type": "string"})
    is_verified = fields.Function(lambda p: p.user.is_verified, required=True, metadata={"type": "boolean"})
    headline = fields.String(required=True)
    bio = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    sectors = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    timezone = fields.String(required=True)
    rating = fields.Float(required=True, allow_none=True, metadata={"description": "Average founder rating, 1–5"})
    rating_count = fields.Integer(required=True)
    sessions_delivered = fields.Integer(required=True)
    is_gold = fields.Boolean(required=True, metadata={"description": "Meets the admins' gold-mentor criteria"})
    session_types = fields.Method("active_types", required=True,
                                  metadata={"type": "array", "items": {"type": "object"}})

    def active_types(self, profile):
        return SessionTypeSchema(many=True).dump([t for t in profile.session_types if t.is_active])


# Session types and availability ---------------------------------------------------------------

class _SessionTypeFields(_Input):
    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    duration_minutes = fields.Integer(validate=validate.Range(min=5, max=8 * 60))
    capacity = fields.Integer(validate=validate.Range(min=1, max=500))
    min_notice_minutes = fields.Integer(validate=validate.Range(min=0, max=60 * 24 * 60))
    max_days_ahead = fields.Integer(validate=validate.Range(min=1, max=365))
    buffer_minutes = fields.Integer(load_only=True, validate=validate.Range(min=0, max=240),
                                    metadata={"description": "Sets both buffers (before and after)"})
    buffer_before_minutes = fields.Integer(validate=validate.Range(min=0, max=240))
    buffer_after_minutes = fields.Integer(validate=validate.Range(min=0, max=240))
    requires_approval = fields.Boolean()
    cancellation_window_minutes = fields.Integer(validate=validate.Range(min=0, max=60 * 24 * 30))
    is_active = fields.Boolean()
    location_kind = fields.String(validate=validate.OneOf(locations.KINDS),
                                  metadata={"description": "platform (default), link, phone or in_person"})
    location_detail = fields.String(validate=validate.Length(max=locations.MAX_DETAIL),
                                    metadata={"description": "The meeting link, phone number or address"})

    def expand(self, data: dict) -> dict:
        buffer = data.pop("buffer_minutes", None)
        if buffer is not None:
            data.setdefault("buffer_before_minutes", buffer)
            data.setdefault("buffer_after_minutes", buffer)
        return data


class CreateSessionTypeSchema(_SessionTypeFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(required=True, validate=validate.Range(min=5, max=8 * 60))


class UpdateSessionTypeSchema(_SessionTypeFields):
    pass


class CreateWindowSchema(_Input):
    weekday = fields.Integer(required=True, validate=validate.Range(min=0, max=6), metadata={"description": "0=Monday"})
    start_time = fields.String(required=True, validate=HHMM, metadata={"example": "09:00"})
    end_time = fields.String(required=True, validate=HHMM, metadata={"example": "12:00"})
    timezone = fields.String(load_default=None, allow_none=True, validate=_check_tz,
                             metadata={"description": "Defaults to the mentor's time zone"})


class ReplaceWeekSchema(_Input):
    timezone = fields.String(load_default=None, allow_none=True, validate=_check_tz)
    windows = fields.List(fields.Nested(CreateWindowSchema), required=True, validate=validate.Length(max=100))


class WindowSchema(Schema):
    id = fields.Integer(required=True)
    weekday = fields.Integer(required=True)
    start_time = fields.Function(lambda w: w.start_time.strftime("%H:%M") if w.start_time.second == 0 else "24:00",
                                 required=True, metadata={"type": "string"})
    end_time = fields.Function(lambda w: w.end_time.strftime("%H:%M") if w.end_time.second == 0 else "24:00",
                               required=True, metadata={"type": "string"})
    timezone = fields.String(required=True)


class CreateOverrideSchema(_Input):
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    available = fields.Boolean(load_default=False, metadata={"description": "true: extra hours; false: blocked"})
    replaces_day = fields.Boolean(load_default=False, metadata={
        "description": "true: these hours replace the weekly hours of the days the range touches"})
    note = fields.String(load_default="", validate=validate.Length(max=200))

    @validates_schema
    def order(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("The end must be after the start.", "ends_at")


class OverrideSchema(Schema):
    id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    available = fields.Boolean(required=True)
    replaces_day = fields.Boolean(required=True)
    kind = fields.String(required=True, metadata={"description": "block, add or replace"})
    note = fields.String(required=True)


class AvailabilitySchema(Schema):
    timezone = fields.String(required=True)
    windows = fields.List(fields.Nested(WindowSchema), required=True)
    overrides = fields.List(fields.Nested(OverrideSchema), required=True)


# Slots -----------------------------------------------------------------------------------------

class SlotArgsSchema(Schema):
    session_type_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    start = Instant(load_default=None, metadata={"description": "Default: now"})
    end = Instant(load_default=None, metadata={"description": "Default: start + 14 days; at most 92 days"})
    timezone = fields.String(load_default=None, validate=_check_tz,
                             metadata={"description": "Zone of the answer's times (default: the viewer's)"})
    include_full = fields.Boolean(load_default=False, metadata={
        "description": "Also list full group slots (seats_left 0) to join the waitlist"})

    @pre_load
    def blank(self, data, **kwargs):
        return _blank_is_absent(data)


class SlotSchema(Schema):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    seats_left = fields.Integer(required=True)


# Bookings --------------------------------------------------------------------------------------

class CreateBookingSchema(_Input):
    session_type_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    starts_at = Instant(required=True)
    topic = fields.String(load_default="", validate=validate.Length(max=2000))
    startup_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


class WaitlistInputSchema(_Input):
    session_type_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    starts_at = Instant(required=True)
    topic = fields.String(load_default="", validate=validate.Length(max=2000))


class WaitlistEntrySchema(Schema):
    id = fields.Integer(required=True)
    session_type_id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    position = fields.Integer(required=True, metadata={"description": "1 = next in line"})
    booking_id = fields.Integer(required=True, allow_none=True,
                                metadata={"description": "Set once a freed seat was given to you"})


class RescheduleSchema(_Input):
    starts_at = Instant(required=True)


class ReasonSchema(_Input):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class FeedbackInputSchema(_Input):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=5000))


class BookingListArgsSchema(PageArgsSchema):
    scope = fields.String(load_default=None, validate=validate.OneOf(["upcoming", "past", "pending"]))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))

    @pre_load
    def blank(self, data, **kwargs):
        return _blank_is_absent(data)


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class FeedbackSchema(Schema):
    id = fields.Integer(required=True)
    side = fields.String(required=True)
    rating = fields.Integer(required=True)
    comment = fields.String(required=True)
    created_at = fields.DateTime(required=True)


def _visible_feedback(booking):
    from flask_login import current_user

    from app.mentoring.bookings import visible_feedback
    return visible_feedback(booking, current_user)


class BookingSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "One of: " + ", ".join(STATUSES)})
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    topic = fields.String(required=True)
    session_type_id = fields.Integer(required=True)
    session_type = fields.Function(lambda b: {"id": b.session_type.id, "name": b.session_type.name,
                                              "capacity": b.session_type.capacity}, required=True,
                                   metadata={"type": "object"})
    mentor = fields.Function(lambda b: {"id": b.mentor.user_id, "name": b.mentor.user.name}, required=True,
                             metadata={"type": "object"})
    founder = fields.Nested(PersonSchema, required=True)
    startup_id = fields.Integer(required=True, allow_none=True)
    late_cancellation = fields.Boolean(required=True)
    absent_side = fields.String(required=True, allow_none=True, metadata={
        "description": "For a no-show: the side that did not come (founder or mentor), as the other reported"})
    cancel_reason = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    confirmed_at = fields.DateTime(required=True, allow_none=True)
    cancelled_at = fields.DateTime(required=True, allow_none=True)
    feedback = fields.Function(lambda b: FeedbackSchema(many=True).dump(_visible_feedback(b)), required=True,
                               metadata={"type": "array", "items": {"type": "object"}, "description":
                                         "Yours, and the other side's once both have rated or 7 days have passed"})
    location = fields.Function(lambda b: {
        "kind": b.session_type.location_kind, "detail": b.session_type.location_detail,
        "text": locations.describe(b.session_type.location_kind, b.session_type.location_detail),
        "url": locations.meeting_link(b.session_type.location_kind, b.session_type.location_detail)
        or locations.session_url(b.id)}, required=True, metadata={"type": "object", "description": (
            "Where it happens: kind, detail (link, number or address), text, and url (the meeting link, "
            "else the session's page)")})


class CalendarFeedSchema(Schema):
    url = fields.String(required=True)


class ScorecardArgsSchema(Schema):
    sort = fields.String(load_default="sessions_delivered", validate=validate.OneOf(
        ["sessions_delivered", "hours_delivered", "rating", "rating_trend", "acceptance_hours", "cancellation_rate",
         "founder_cancellation_rate", "no_show_rate", "founder_no_show_rate", "progress_rate", "name"]))
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))


class RatingMonthSchema(Schema):
    month = fields.String(required=True, metadata={"example": "2026-11"})
    rating = fields.Float(required=True, allow_none=True)
    count = fields.Integer(required=True)


class ScorecardRowSchema(Schema):
    mentor_id = fields.Integer(required=True)
    name = fields.String(required=True)
    is_verified = fields.Boolean(required=True)
    sessions_delivered = fields.Integer(required=True)
    rating = fields.Float(required=True, allow_none=True)
    rating_count = fields.Integer(required=True)
    rating_trend = fields.Float(required=True, allow_none=True,
                                metadata={"description": "Average of the last 90 days minus the average before"})
    acceptance_hours = fields.Float(required=True, allow_none=True,
                                    metadata={"description": "Median hours from request to confirmation"})
    cancellation_rate = fields.Float(required=True, allow_none=True, metadata={
        "description": "Share of agreed sessions the mentor cancelled"})
    founder_cancellation_rate = fields.Float(required=True, allow_none=True, metadata={
        "description": "Share of agreed sessions founders cancelled (not counted against the mentor)"})
    no_show_rate = fields.Float(required=True, allow_none=True, metadata={
        "description": "Share of held sessions the mentor did not come to"})
    founder_no_show_rate = fields.Float(required=True, allow_none=True, metadata={
        "description": "Share of held sessions the founder did not come to (not counted against the mentor)"})
    requests_declined = fields.Integer(required=True)
    hours_delivered = fields.Float(required=True, metadata={
        "description": "Hours of completed sessions (a group session counted once)"})
    rating_months = fields.List(fields.Nested(RatingMonthSchema), required=True, metadata={
        "description": "Average founder rating per month, the last six months, oldest first"})
    startups_mentored = fields.Integer(required=True, metadata={
        "description": "Startups with at least one completed session with the mentor"})
    startups_progressed = fields.Integer(required=True, metadata={
        "description": "Of those, startups whose stage now is later than at their first completed session"})
    progress_rate = fields.Float(required=True, allow_none=True)
    is_gold = fields.Boolean(required=True, metadata={"description": "Meets the gold-mentor criteria"})


# Gold mentors -----------------------------------------------------------------------------------

class GoldCriteriaSchema(Schema):
    min_sessions = fields.Integer(required=True, metadata={"description": "Completed sessions at least"})
    min_rating = fields.Float(required=True, metadata={"description": "Average founder rating at least (1–5)"})
    max_no_show_rate = fields.Float(required=True, metadata={
        "description": "Share of held sessions the mentor missed, at most (0–1)"})


class UpdateGoldCriteriaSchema(_Input):
    min_sessions = fields.Integer(required=True, validate=validate.Range(min=0, max=10_000))
    min_rating = fields.Float(required=True, validate=validate.Range(min=1, max=5))
    max_no_show_rate = fields.Float(required=True, validate=validate.Range(min=0, max=1))


# Open days --------------------------------------------------------------------------------------

class CreateOpenDaySchema(_Input):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    seats = fields.Integer(required=True, validate=validate.Range(min=1, max=500))
    mentor_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
                             validate=validate.Length(min=1, max=20), metadata={"description": "Mentors' user ids"})
    location = fields.String(load_default="", validate=validate.Length(max=500),
                             metadata={"description": "An address or a link; empty: online on Fuhua"})

    @validates_schema
    def ends_after_start(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("End after the start.", "ends_at")


class OpenDayListArgsSchema(PageArgsSchema):
    scope = fields.String(load_default="upcoming", validate=validate.OneOf(["upcoming", "past", "all"]))


class TakeSeatSchema(_Input):
    topic = fields.String(load_default="", validate=validate.Length(max=500))


class OpenDayMentorSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class OpenDaySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    seats = fields.Integer(required=True)
    location = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["scheduled", "cancelled"]})
    mentors = fields.List(fields.Nested(OpenDayMentorSchema), required=True)
    seats_taken = fields.Integer(required=True)
    seats_left = fields.Integer(required=True)
    waitlist_count = fields.Integer(required=True)
    my_status = fields.String(required=True, allow_none=True, metadata={
        "enum": ["seated", "waitlisted", None], "description": "Your place: a seat, the waitlist, or none"})
    my_position = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Your place on the waitlist (1 = next to get a seat)"})


class OpenDayPlaceSchema(Schema):
    open_day_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["seated", "waitlisted"]})
    position = fields.Integer(required=True, allow_none=True,
                              metadata={"description": "Place on the waitlist; null for a seat"})
    seat_no = fields.Integer(required=True, allow_none=True)
