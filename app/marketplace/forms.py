"""HTML forms of the marketplace: the listing editor (with category fields), requests, offers, moves,
reviews, thread messages and voucher grants."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.providers.listings import ACCREDITATIONS, CATEGORY_LABELS, PRICING_LABELS, STATUS_LABELS


def choices(pairs) -> list[SelectChoice]:
    """SelectChoice objects from (value, label) pairs or a {value: label} dict."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _csv(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


class ListingForm(FlaskForm):
    provider_id = SelectField(_l("Provider organisation"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS), validators=[DataRequired()])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=60)])
    pricing_model = SelectField(_l("Pricing model"), choices=choices(PRICING_LABELS))
    price = DecimalField(_l("Price per unit (CNY)"), places=2,
                         validators=[Optional(), NumberRange(min=0, max=9_999_999_999)])
    capacity = IntegerField(_l("Capacity available (units)"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=100_000_000)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    is_remote = BooleanField(_l("Delivered remotely"))
    image_url = URLField(_l("Picture address (optional)"),
                         validators=[Optional(), URL(message=_l("Enter a full web address starting with https://.")),
                                     Length(max=300)])
    tags = StringField(_l("Tags (comma-separated)"), validators=[Optional(), Length(max=500)])
    specs = TextAreaField(_l("Specifications (one “key: value” per line)"), validators=[Optional(), Length(max=5000)])
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS))
    # compute
    accelerator_model = StringField(_l("Accelerator model"), validators=[Optional(), Length(max=80)])
    accelerator_memory_gb = IntegerField(_l("Memory per accelerator (GB)"),
                                         validators=[Optional(), NumberRange(1, 4096)])
    accelerator_count = IntegerField(_l("Accelerators"), validators=[Optional(), NumberRange(1, 100_000)])
    hours = IntegerField(_l("Hours available"), validators=[Optional(), NumberRange(1, 10_000_000)])
    queue_sla = StringField(_l("Queue / SLA"), validators=[Optional(), Length(max=200)])
    # pilot testing
    pilot_process = StringField(_l("Process"), validators=[Optional(), Length(max=200)])
    minimum_batch = IntegerField(_l("Minimum batch"), validators=[Optional(), NumberRange(1, 10_000_000)])
    lead_time_days = IntegerField(_l("Lead time (days)"), validators=[Optional(), NumberRange(0, 3650)])
    # inspection and testing
    standards = StringField(_l("Standards (comma-separated)"), validators=[Optional(), Length(max=1000)])
    accreditation = SelectMultipleField(_l("Accreditation"), choices=choices((a, a) for a in ACCREDITATIONS),
                                        validators=[Optional()])
    sample_logistics = StringField(_l("Sample logistics"), validators=[Optional(), Length(max=500)])
    # IP services
    milestones = TextAreaField(_l("Service stages (one per line)"), validators=[Optional(), Length(max=4000)])
    # data and models
    licence_terms = TextAreaField(_l("Licence terms"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save listing"))

    CATEGORY_FIELDS = {
        "compute": ("accelerator_model", "accelerator_memory_gb", "accelerator_count", "hours", "queue_sla"),
        "pilot_testing": ("pilot_process", "minimum_batch", "lead_time_days"),
        "inspection_testing": ("standards", "accreditation", "sample_logistics"),
        "ip_services": ("milestones",),
        "data_models": ("licence_terms",),
    }

    FIELD_KEYS = {"pilot_process": "process"}  # `process` is a method of every form

    def category_values(self) -> dict:
        names = self.CATEGORY_FIELDS.get(self.category.data, ())
        values = {}
        for name in names:
            data = getattr(self, name).data
            if name == "standards":
                data = _csv(data)
            elif name == "milestones":
                data = _lines(data)
            elif isinstance(data, str):
                data = data.strip() or None
            if data not in (None, [], ""):
                values[self.FIELD_KEYS.get(name, name)] = data
        return values

    def service_fields(self) -> dict:
        specs = {}
        for line in _lines(self.specs.data):
            key, _sep, value = line.partition(":")
            if key.strip():
                specs[key.strip()] = value.strip()
        return {"title": self.title.data, "category": self.category.data, "description": self.description.data or "",
                "unit": self.unit.data, "pricing_model": self.pricing_model.data, "price": self.price.data,
                "capacity": self.capacity.data or 0, "city": self.city.data or None, "is_remote": self.is_remote.data,
                "image_url": self.image_url.data or None,
                "tags": _csv(self.tags.data), "status": self.status.data, "specs": specs,
                "category_fields": self.category_values()}

    def fill_from(self, listing) -> None:
        for name in ("title", "category", "description", "unit", "pricing_model", "price", "capacity", "city",
                     "is_remote", "status", "image_url"):
            getattr(self, name).data = getattr(listing, name)
        self.provider_id.data = listing.provider_id
        self.tags.data = ", ".join(listing.tags or [])
        self.specs.data = "\n".join(f"{k}: {v}" for k, v in (listing.specs or {}).items())
        for name, value in (listing.category_fields or {}).items():
            name = {v: k for k, v in self.FIELD_KEYS.items()}.get(name, name)
            if name in self._fields:
                if name == "standards":
                    value = ", ".join(value)
                elif name == "milestones":
                    value = "\n".join(value)
                getattr(self, name).data = value


class RequestForm(FlaskForm):
    startup_id = SelectField(_l("For the startup"), coerce=int)
    quantity = IntegerField(_l("Quantity"), default=1, validators=[DataRequired(), NumberRange(1, 100_000_000)])
    needed_by = DateField(_l("Needed by"), validators=[Optional()])
    message = TextAreaField(_l("Message to the provider"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send request"))


class OfferForm(FlaskForm):
    price = DecimalField(_l("Total price (CNY)"), places=2, validators=[DataRequired(message=_l("Give a price.")),
                                                                      NumberRange(0, 9_999_999_999)])
    equity_percent = DecimalField(_l("Equity share (%)"), places=2, validators=[Optional(), NumberRange(0.01, 100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send"))


class AcceptForm(FlaskForm):
    """Accepting names the quote the page showed (a hidden field), so a re-quote in between is caught."""

    quote_id = IntegerField(_l("Quote"), widget=HiddenInput(),
                            validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class ReviewForm(FlaskForm):
    rating = SelectField(_l("Rating"), coerce=int, choices=choices([(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"),
                                                                    (2, "2 ★★"), (1, "1 ★")]))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Publish review"))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=10000)])
    file = FileField(_l("Attachment (optional, up to 10 MB)"))
    submit = SubmitField(_l("Send message"))


class VoucherGrantForm(FlaskForm):
    startup_id = SelectField(_l("Startup"), coerce=int)
    amount = DecimalField(_l("Amount (CNY)"), places=2, validators=[DataRequired(), NumberRange(0.01, 9_999_999_999)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Grant vouchers"))
