"""HTML forms of the marketplace: the listing editor (with category fields), requests, offers, moves,
reviews, thread messages and voucher grants."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.marketplace.quotes import CURRENCY_LABELS, FAPIAO_LABELS, PAYMENT_TERMS_LABELS
from app.providers.listings import ACCREDITATIONS, BOOKING_LABELS, CATEGORY_LABELS, PRICING_LABELS, STATUS_LABELS


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
    booking_mode = SelectField(_l("How startups book it"), choices=choices(BOOKING_LABELS), default="units")
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
                "capacity": self.capacity.data or 0, "booking_mode": self.booking_mode.data,
                "city": self.city.data or None, "is_remote": self.is_remote.data,
                "image_url": self.image_url.data or None,
                "tags": _csv(self.tags.data), "status": self.status.data, "specs": specs,
                "category_fields": self.category_values()}

    def fill_from(self, listing) -> None:
        for name in ("title", "category", "description", "unit", "pricing_model", "price", "capacity", "city",
                     "is_remote", "status", "image_url", "booking_mode"):
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
    # a calendar listing's request is one slot (the radio list of `slot_id`), so no quantity then
    quantity = IntegerField(_l("Quantity"), default=1, validators=[Optional(), NumberRange(1, 100_000_000)])
    slot_id = IntegerField(_l("Slot"), validators=[Optional(), NumberRange(1, 2**31 - 1)])
    needed_by = DateField(_l("Needed by"), validators=[Optional()])
    message = TextAreaField(_l("Message to the provider"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send request"))


class OfferForm(FlaskForm):
    price = DecimalField(_l("Total price (CNY)"), places=2, validators=[DataRequired(message=_l("Give a price.")),
                                                                      NumberRange(0, 9_999_999_999)])
    equity_percent = DecimalField(_l("Equity share (%)"), places=2, validators=[Optional(), NumberRange(0.01, 100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send"))


class QuoteLineForm(Form):
    """One line item row; a row left blank is ignored (the page offers a spare row without JavaScript)."""

    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    quantity = DecimalField(_l("Quantity"), places=2, validators=[Optional(), NumberRange(0.01, 100_000_000)])
    unit_price = DecimalField(_l("Unit price"), places=2, validators=[Optional(), NumberRange(0, 9_999_999_999)])

    def is_blank(self) -> bool:
        return not any((f.raw_data or [""])[0].strip() if f.raw_data else f.data not in (None, "")
                       for f in (self.description, self.quantity, self.unit_price))


class QuoteMilestoneForm(Form):
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=300)])
    due_on = DateField(_l("Due on"), validators=[Optional()])
    share_percent = DecimalField(_l("Share of payment (%)"), places=2, validators=[Optional(), NumberRange(0.01, 100)])

    def is_blank(self) -> bool:
        return not any((f.raw_data or [""])[0].strip() if f.raw_data else f.data not in (None, "")
                       for f in (self.title, self.due_on, self.share_percent))


class QuoteForm(FlaskForm):
    """The provider's quote as a document. Rows are added and removed by the page's script; the server takes the
    rows that are filled in, computes the amounts, and keeps what was typed when something is wrong."""

    lines = FieldList(FormField(QuoteLineForm), min_entries=1, max_entries=50)
    currency = SelectField(_l("Currency"), choices=choices(CURRENCY_LABELS), default="CNY")
    tax_rate = DecimalField(_l("Tax rate (%)"), places=2, default=0, validators=[Optional(), NumberRange(0, 100)])
    fapiao_type = SelectField(_l("Fapiao"), choices=choices(FAPIAO_LABELS), default="general")
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    payment_terms = SelectField(_l("Payment terms"), choices=choices(PAYMENT_TERMS_LABELS))
    equity_percent = DecimalField(_l("Equity share (%)"), places=2, validators=[Optional(), NumberRange(0.01, 100)])
    share_class = StringField(_l("Share class"), validators=[Optional(), Length(max=100)])
    valuation_note = TextAreaField(_l("Valuation note"), validators=[Optional(), Length(max=2000)])
    milestones = FieldList(FormField(QuoteMilestoneForm), min_entries=1, max_entries=20)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send quote"))

    def filled_lines(self) -> list:
        return [entry for entry in self.lines.entries if not entry.form.is_blank()]

    def filled_milestones(self) -> list:
        return [entry for entry in self.milestones.entries if not entry.form.is_blank()]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        rows = self.filled_lines()
        if not rows:
            _add_error(self.lines.entries[0].form.description, _l("Add at least one line item."))
            valid = False
        for entry in rows:
            row = entry.form
            for name, message in (("description", _l("Describe the item.")),
                                  ("quantity", _l("Enter a quantity above 0.")),
                                  ("unit_price", _l("Enter a unit price."))):
                if row[name].data in (None, "") and not row[name].errors:
                    _add_error(row[name], message)
                    valid = False
        for entry in self.filled_milestones():
            if not (entry.form.title.data or "").strip():
                _add_error(entry.form.title, _l("Say what is delivered."))
                valid = False
        if self.payment_terms.data in ("equity", "cash_equity"):
            if self.equity_percent.data is None and not self.equity_percent.errors:
                _add_error(self.equity_percent, _l("An equity offer needs the proposed percentage."))
                valid = False
            if not (self.share_class.data or "").strip():
                _add_error(self.share_class, _l("Name the share class (e.g. ordinary shares)."))
                valid = False
        return valid

    def document(self) -> dict:
        """The service's keyword arguments from the filled rows and fields."""
        equity = self.payment_terms.data in ("equity", "cash_equity")
        return {
            "lines": [{"description": e.form.description.data, "quantity": e.form.quantity.data,
                       "unit_price": e.form.unit_price.data} for e in self.filled_lines()],
            "milestones": [{"title": e.form.title.data, "due_on": e.form.due_on.data,
                            "share_percent": e.form.share_percent.data} for e in self.filled_milestones()],
            "currency": self.currency.data, "tax_rate": self.tax_rate.data or 0, "fapiao_type": self.fapiao_type.data,
            "valid_until": self.valid_until.data, "payment_terms": self.payment_terms.data,
            "equity_percent": self.equity_percent.data if equity else None,
            "share_class": self.share_class.data if equity else None,
            "valuation_note": self.valuation_note.data if equity else None, "note": self.note.data,
        }

    def place_errors(self, details: dict) -> bool:
        """A service's field errors next to the rows and fields they are about; False if one had no place."""
        placed = True
        rows = {"lines": self.filled_lines(), "milestones": self.filled_milestones()}
        for name, messages in details.items():
            if name in rows and isinstance(messages, dict):
                for index, fields in messages.items():
                    entry = rows[name][int(index)] if int(index) < len(rows[name]) else None
                    for sub, sub_messages in fields.items():
                        if entry is not None and sub in entry.form._fields:
                            for message in sub_messages:
                                _add_error(entry.form[sub], message)
                        else:
                            placed = False
            elif name in rows:
                for message in messages:
                    _add_error((rows[name] or self[name].entries)[0].form._fields[
                        "description" if name == "lines" else "title"], message)
            elif name in self._fields:
                for message in messages:
                    _add_error(self[name], message)
            else:
                placed = False
        return placed


def _add_error(field, message) -> None:
    field.errors = [*field.errors, str(message)]


class SignForm(FlaskForm):
    full_name = StringField(_l("Your full name"), validators=[DataRequired(message=_l("Type your full name to sign.")),
                                                             Length(max=200)])
    consent = BooleanField(_l("I have read this agreement and sign it on behalf of my organisation."),
                           validators=[DataRequired(message=_l("Tick the box to confirm that you sign this "
                                                               "agreement."))])


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search anyone may make

    sha256 = StringField(_l("SHA-256 of the agreement"), validators=[Optional(), Length(max=200)])


class AcceptForm(FlaskForm):
    """Accepting names the quote the page showed (a hidden field), so a re-quote in between is caught."""

    quote_id = IntegerField(_l("Quote"), widget=HiddenInput(),
                            validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class ReviewForm(FlaskForm):
    side = HiddenField()
    rating = SelectField(_l("Rating"), coerce=int, choices=choices([(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"),
                                                                    (2, "2 ★★"), (1, "1 ★")]))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Publish review"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Your public reply"), validators=[DataRequired(message=_l("Write your reply.")),
                                                              Length(max=5000)])
    submit = SubmitField(_l("Publish reply"))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=10000)])
    file = FileField(_l("Attachment (optional, up to 10 MB)"))
    submit = SubmitField(_l("Send message"))


class VoucherGrantForm(FlaskForm):
    startup_id = SelectField(_l("Startup"), coerce=int)
    amount = DecimalField(_l("Amount (CNY)"), places=2, validators=[DataRequired(), NumberRange(0.01, 9_999_999_999)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Grant vouchers"))


class DisputeForm(FlaskForm):
    """The startup's dispute of a delivery: what is wrong with it."""

    reason = TextAreaField(_l("What is wrong with the delivery"), id="dispute-reason", validators=[
        DataRequired(message=_l("Say what is wrong with the delivery.")),
        Length(max=5000, message=_l("Keep it under 5,000 characters."))])


class ResolveDisputeForm(FlaskForm):
    """An admin's resolution of a dispute."""

    outcome = SelectField(_l("Resolution"), choices=choices([("refund", _l("Full refund")),
                                                             ("partial", _l("Partial refund")),
                                                             ("reject", _l("Reject the dispute"))]))
    amount = DecimalField(_l("Amount refunded (partial)"), places=2, validators=[Optional(), NumberRange(0.01)])
    note = TextAreaField(_l("Note to both sides"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Resolve"))


class PhotoUploadForm(FlaskForm):
    photos = MultipleFileField(_l("Photos"), validators=[DataRequired(message=_l("Choose one or more photos."))])
    submit = SubmitField(_l("Upload photos"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                  _l("Sunday"))


class SlotPatternForm(FlaskForm):
    """Slots from a weekly pattern, in the provider's time zone."""

    first_day = DateField(_l("From"), validators=[DataRequired(message=_l("Choose the first day."))])
    last_day = DateField(_l("Until"), validators=[DataRequired(message=_l("Choose the last day."))])
    weekdays = MultiCheckboxField(_l("On"), coerce=int, default=[0, 1, 2, 3, 4],
                                  choices=choices(enumerate(WEEKDAY_LABELS)))
    start_time = TimeField(_l("From (time)"), validators=[DataRequired(message=_l("Give a start time."))])
    end_time = TimeField(_l("To (time)"), validators=[DataRequired(message=_l("Give an end time."))])
    slot_minutes = IntegerField(_l("Slot length (minutes)"), validators=[Optional(), NumberRange(15, 10080)])
    submit = SubmitField(_l("Add slots"))
