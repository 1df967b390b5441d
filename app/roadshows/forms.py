"""HTML forms for roadshows: create/edit, add a pitch, upload a deck, judge."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CRITERION_LINE = re.compile(r"^\s*(?P<name>[^:：]{1,80}?)\s*[:：]\s*(?P<weight>\d+(?:\.\d+)?)\s*$")


def parse_criteria(text: str | None) -> list[dict]:
    """One criterion a line, `Name: weight` (a Chinese colon works too)."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = CRITERION_LINE.match(line)
        if not match:
            raise ValueError(line)
        out.append({"name": match["name"].strip(), "weight": float(match["weight"])})
    return out


def format_criteria(criteria: list[dict]) -> str:
    return "\n".join(f"{c['name']}: {c['weight']:g}" for c in criteria or [])


def split_emails(text: str | None) -> list[str]:
    return [e.strip().lower() for e in re.split(r"[,，;；\s]+", text or "") if e.strip()]


def to_utc(value: datetime | None) -> datetime | None:
    """A datetime-local value is in the viewer's time zone."""
    return value.replace(tzinfo=ZoneInfo(str(get_timezone()))) if value else None


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(ZoneInfo(str(get_timezone()))).replace(tzinfo=None) if value else None


class RoadshowForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    visibility = SelectField(_l("Who may watch"), choices=[
        SelectChoice("public", _l("Public: anyone, signed in or not")),
        SelectChoice("invite_only", _l("Invite-only: registered people"))])
    premoderate_questions = BooleanField(_l("Moderators approve questions before they are shown"))
    anonymous_questions = BooleanField(_l("People may ask questions anonymously (moderators still see who asked)"))
    record_pitches = BooleanField(_l("Record pitches for the replay"))
    criteria = TextAreaField(_l("Scoring criteria"), validators=[Optional(), Length(max=2000)])
    moderators = StringField(_l("Moderators (emails)"), validators=[Optional(), Length(max=2000)])
    judges = StringField(_l("Judges (emails)"), validators=[Optional(), Length(max=2000)])

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_criteria(self, field):
        try:
            parse_criteria(field.data)
        except ValueError:
            raise ValidationError(_l("Write one criterion a line, as “Team: 2”.")) from None


class PitchForm(FlaskForm):
    # Ids of their own: the add-pitch form shares the edit page with the roadshow's form (whose `title` is #title).
    startup_id = SelectField(_l("Startup"), coerce=int, validators=[DataRequired()], id="pitch-startup_id")
    title = StringField(_l("Pitch title"), validators=[DataRequired(), Length(max=200)], id="pitch-title")
    duration_minutes = IntegerField(_l("Minutes"), default=10, validators=[DataRequired(), NumberRange(1, 120)],
                                    id="pitch-duration_minutes")
    stream_url = URLField(_l("Video or meeting link (optional)"), id="pitch-stream_url",
                          validators=[Optional(), URL(message=_l("Enter a full web address.")), Length(max=500)])


class ApplyForm(PitchForm):
    """A founder applies to pitch with their own startup: the pitch, a note to the organisers, the deck."""

    note = TextAreaField(_l("Note to the organisers (optional)"), validators=[Optional(), Length(max=2000)])
    deck = FileField(_l("Deck (PDF, up to 20 MB and 100 pages)"))


class EditPitchForm(FlaskForm):
    title = StringField(_l("Pitch title"), validators=[DataRequired(), Length(max=200)])
    duration_minutes = IntegerField(_l("Minutes"), validators=[DataRequired(), NumberRange(1, 120)])
    stream_url = URLField(_l("Video or meeting link (optional)"),
                          validators=[Optional(), URL(message=_l("Enter a full web address.")), Length(max=500)])
    # One of the startup's members (the service checks it); absent keeps the presenter.
    presenter_id = IntegerField(_l("Presenter"), validators=[Optional(), NumberRange(1, 2**31 - 1)])


class RoleForm(FlaskForm):
    """Admins add a moderator or a judge to a roadshow by the account's email."""

    email = StringField(_l("Email of the account"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice("moderator", _l("Moderator")),
                                            SelectChoice("judge", _l("Judge"))])


class InviteForm(FlaskForm):
    emails = TextAreaField(_l("Invite by email"), validators=[DataRequired(), Length(max=10000)])

    def validate_emails(self, field):
        bad = [e for e in split_emails(field.data) if not EMAIL.match(e) or len(e) > 254]
        if bad:
            raise ValidationError(_l("These are not email addresses: %(emails)s", emails=", ".join(bad[:5])))


class DeckForm(FlaskForm):
    file = FileField(_l("Deck (PDF, up to 20 MB and 100 pages)"), validators=[FileRequired()])


class TokenForm(FlaskForm):
    """A button's form (remove, move): only its CSRF token to check before anything happens."""


SCORE_MESSAGE = _l("Scores are whole numbers from 0 to 10.")


class ScoreForm(FlaskForm):
    """A judge's scores for one pitch: a field `score-<criterion>` for each of the roadshow's criteria."""

    criteria: list[dict] = []

    @classmethod
    def for_criteria(cls, criteria: list[dict], **kwargs) -> "ScoreForm":
        attrs = {f"criterion_{i}": IntegerField(c["name"], name=f"score-{c['name']}",
                                                invalid_value_message=SCORE_MESSAGE,
                                                validators=[Optional(), NumberRange(0, 10, message=SCORE_MESSAGE)])
                 for i, c in enumerate(criteria)}
        form = type("ScoreFormFor", (cls,), attrs)(**kwargs)
        form.criteria = list(criteria)
        return form

    def field_for(self, index: int):
        return self[f"criterion_{index}"]

    def scores(self) -> dict[str, int]:
        return {c["name"]: self.field_for(i).data for i, c in enumerate(self.criteria)
                if self.field_for(i).data is not None}
