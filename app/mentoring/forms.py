"""HTML forms for mentors: profile, session types, weekly hours, time zone, overrides, booking, rescheduling."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.i18n import timezone_choices
from app.mentoring.locations import LABELS as LOCATION_LABELS
from app.startups.labels import SECTOR_LABELS

LANGUAGE_LABELS = {"en": _l("English"), "zh": _l("Chinese"), "ja": _l("Japanese"), "ko": _l("Korean"),
                   "de": _l("German"), "fr": _l("French"), "es": _l("Spanish"), "hi": _l("Hindi"),
                   "ru": _l("Russian"), "ar": _l("Arabic"), "pt": _l("Portuguese"), "it": _l("Italian")}


class MentorProfileForm(FlaskForm):
    headline = StringField(_l("Headline"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("Bio"), validators=[Optional(), Length(max=10000)])
    tags = StringField(_l("Expertise tags"), validators=[Optional(), Length(max=1000)])
    sectors = SelectMultipleField(_l("Sectors"), choices=[SelectChoice(k, v) for k, v in SECTOR_LABELS.items()],
                                  validators=[Optional()])
    languages = SelectMultipleField(_l("Languages"), choices=[SelectChoice(k, v) for k, v in LANGUAGE_LABELS.items()],
                                    validators=[Optional()])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])
    keep = SelectField(_l("If you change the time zone"), choices=[
        SelectChoice("local", _l("Weekly hours keep their local times (09:00 stays 09:00)")),
        SelectChoice("instant", _l("Weekly hours keep their instants (shown at the new zone's times)"))],
        default="local")
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(tz, tz) for tz in timezone_choices()]


class SessionTypeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[NumberRange(5, 480)])
    capacity = IntegerField(_l("Seats (1 = one-to-one)"), default=1, validators=[NumberRange(1, 500)])
    min_notice_minutes = IntegerField(_l("Minimum notice (minutes)"), default=240,
                                      validators=[NumberRange(0, 60 * 24 * 60)])
    max_days_ahead = IntegerField(_l("Bookable up to (days ahead)"), default=60, validators=[NumberRange(1, 365)])
    buffer_before_minutes = IntegerField(_l("Buffer before (minutes)"), default=0, validators=[NumberRange(0, 240)])
    buffer_after_minutes = IntegerField(_l("Buffer after (minutes)"), default=0, validators=[NumberRange(0, 240)])
    cancellation_window_minutes = IntegerField(_l("Late cancellation window (minutes before)"), default=1440,
                                               validators=[NumberRange(0, 60 * 24 * 30)])
    requires_approval = BooleanField(_l("I approve each booking"))
    is_active = BooleanField(_l("Open for booking"), default=True)
    location_kind = SelectField(_l("Where it happens"), default="platform", choices=[
        SelectChoice(kind, label) for kind, label in LOCATION_LABELS.items()])
    location_detail = StringField(_l("Meeting link, phone number or address"),
                                  validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save session type"))

    def service_fields(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "name", "duration_minutes", "capacity", "min_notice_minutes", "max_days_ahead", "buffer_before_minutes",
            "buffer_after_minutes", "cancellation_window_minutes", "requires_approval", "is_active",
            "location_kind")} | {"description": self.description.data or "",
                                 "location_detail": self.location_detail.data or ""}


class OverrideForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("From"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("To"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    available = SelectField(_l("Kind"), choices=[SelectChoice("0", _l("Blocked (not available)")),
                                                 SelectChoice("1", _l("Extra hours (available)")),
                                                 SelectChoice("replace", _l("Replace the day's hours"))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add override"))


HHMM = re.compile(r"^(?:[01]?\d|2[0-3]):[0-5]\d$|^24:00$")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def parse_ranges(text: str | None) -> list[tuple[str, str]]:
    """ "09:00-12:00, 14:00-17:30" → [("09:00", "12:00"), ("14:00", "17:30")]; ValueError on a bad range."""
    out = []
    for part in (text or "").replace("，", ",").replace("–", "-").split(","):
        part = part.strip()
        if not part:
            continue
        start, sep, end = (piece.strip() for piece in part.partition("-"))
        if not sep or not HHMM.match(start) or not HHMM.match(end):
            raise ValueError(part)
        if _minutes(end) <= _minutes(start):
            raise ValueError(part)
        out.append((start, end))
    return out


def _week_ranges(form, field) -> None:
    try:
        parse_ranges(field.data)
    except ValueError as error:
        raise ValidationError(_l("“%(range)s” is not a range: write each as 09:00-12:00, the end after the start.",
                                 range=str(error)[:40])) from None


def _day(label) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=300), _week_ranges])


class WeekForm(FlaskForm):
    """The weekly hours: one line of ranges a day, Monday first (`day0`)."""

    day0, day1, day2, day3 = _day(_l("Monday")), _day(_l("Tuesday")), _day(_l("Wednesday")), _day(_l("Thursday"))
    day4, day5, day6 = _day(_l("Friday")), _day(_l("Saturday")), _day(_l("Sunday"))

    def windows(self) -> list[dict]:
        return [{"weekday": day, "start_time": start, "end_time": end}
                for day in range(7) for start, end in parse_ranges(self[f"day{day}"].data)]


class ZoneForm(FlaskForm):
    """The mentor's time zone, and what happens to the weekly hours when it changes."""

    timezone = SelectField(_l("Your time zone"), id="zone-tz", validators=[DataRequired()])
    keep = RadioField(_l("When the zone changes, your weekly hours…"), default="local", choices=[
        SelectChoice("local", _l("keep their local times: 09:00 stays 09:00 in the new zone")),
        SelectChoice("instant", _l("keep their instants: the same moments, shown at the new zone's times"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(tz, tz) for tz in timezone_choices()]


class RescheduleForm(FlaskForm):
    """A booking's new time: one of the free slots the page offers, as its ISO time (the service checks it)."""

    starts_at = StringField(_l("New time"), validators=[DataRequired(message=_l("Pick one of the free slots.")),
                                                        Length(max=64)])


class BookingForm(FlaskForm):
    topic = TextAreaField(_l("What would you like to discuss?"), validators=[Optional(), Length(max=2000)])
    startup_id = SelectField(_l("For the startup"), coerce=str, validators=[Optional()])
    submit = SubmitField(_l("Book this session"))


class OpenDayForm(FlaskForm):
    """An admin schedules an open day (times in the admin's own zone)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    seats = IntegerField(_l("Seats"), default=10, validators=[DataRequired(), NumberRange(1, 500)])
    mentor_ids = SelectMultipleField(_l("Mentors"), coerce=int, validators=[DataRequired()])
    location = StringField(_l("Where (an address or a link; empty: online on Fuhua)"),
                           validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Schedule the open day"))


class GoldCriteriaForm(FlaskForm):
    min_sessions = IntegerField(_l("Completed sessions, at least"),
                                validators=[InputRequired(), NumberRange(0, 10_000)])
    min_rating = DecimalField(_l("Average rating, at least (1–5)"), places=2, validators=[DataRequired(),
                                                                                         NumberRange(1, 5)])
    max_no_show_percent = IntegerField(_l("Sessions missed by the mentor, at most (%)"),
                                       validators=[InputRequired(), NumberRange(0, 100)])
    submit = SubmitField(_l("Save the criteria"))
