"""HTML forms for provider organisations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional


def _http_url():
    return [Optional(), URL(message=_l("Enter a full web address starting with http:// or https://.")),
            Length(max=300)]


class ProviderForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    website = URLField(_l("Website"), validators=_http_url())
    logo_url = URLField(_l("Logo image address"), validators=_http_url())
    submit = SubmitField(_l("Save organisation"))

    def service_fields(self) -> dict:
        return {"name": self.name.data, "city": self.city.data or None, "description": self.description.data or "",
                "website": self.website.data or None, "logo_url": self.logo_url.data or None}
