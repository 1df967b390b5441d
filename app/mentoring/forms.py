"""HTML forms for mentors: profile, session types, overrides, booking."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

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
