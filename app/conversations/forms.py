"""HTML forms: a message, a meeting offer (up to five times), answering an offer, cancelling a meeting."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.conversations.meetings import MAX_TIMES

DURATIONS = [SelectChoice(15, _l("15 minutes")), SelectChoice(30, _l("30 minutes")),
             SelectChoice(45, _l("45 minutes")), SelectChoice(60, _l("1 hour")), SelectChoice(90, _l("1.5 hours")),
             SelectChoice(120, _l("2 hours")), SelectChoice(180, _l("3 hours"))]


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=4000)])


class OfferTimeForm(Form):
    class Meta:
        def get_translations(self, form):
            """WTForms' own messages in the reader's language, as a FlaskForm has them (a sub-form is a plain Form)."""
            from app.core.i18n import FORM_TRANSLATIONS
            return FORM_TRANSLATIONS

    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    duration_minutes = SelectField(_l("Length"), choices=DURATIONS, coerce=int, default=30)


class OfferForm(FlaskForm):
    times = FieldList(FormField(OfferTimeForm), min_entries=MAX_TIMES, max_entries=MAX_TIMES)
    location = StringField(_l("Video link or place"), validators=[Optional(), Length(max=500)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
