"""HTML forms for startup profiles."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

from app.startups.labels import SECTOR_LABELS, STAGE_LABELS

TAG_SEPARATORS = re.compile(r"[,，、;；\n]")


def split_tags(text: str | None) -> list[str]:
    """Tags typed as one line: commas (also Chinese ones) or semicolons separate them."""
    return [t.strip() for t in TAG_SEPARATORS.split(text or "") if t.strip()]


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose…"))] + [SelectChoice(value, label) for value, label in labels.items()]


def _http_url():
    return [Optional(), URL(message=_l("Enter a full web address starting with http:// or https://.")),
            Length(max=300)]


class StartupForm(FlaskForm):
    name = StringField(_l("Startup name"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=_choices(SECTOR_LABELS),
                         validators=[DataRequired(message=_l("Choose a sector."))])
    stage = SelectField(_l("Stage"), choices=_choices(STAGE_LABELS),
                        validators=[DataRequired(message=_l("Choose a stage."))])
    summary = TextAreaField(_l("Product summary"), validators=[DataRequired(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    needs = TextAreaField(_l("What you need"), validators=[Optional(), Length(max=5000)])
    highlights = TextAreaField(_l("Highlights"), validators=[Optional(), Length(max=5000)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=1000)])
    website = URLField(_l("Website"), validators=_http_url())
    logo_url = URLField(_l("Logo image address"), validators=_http_url())
    submit = SubmitField(_l("Save startup"))

    def service_fields(self) -> dict:
        """The typed values as the startup services take them."""
        return {"name": self.name.data, "sector": self.sector.data, "stage": self.stage.data,
                "summary": self.summary.data, "description": self.description.data or "",
                "needs": self.needs.data or "", "highlights": self.highlights.data or None,
                "tags": split_tags(self.tags.data), "website": self.website.data or None,
                "logo_url": self.logo_url.data or None}
