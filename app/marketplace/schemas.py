"""Input and output schemas of the marketplace API (listings, requests, threads, agreements, vouchers)."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from werkzeug.datastructures import FileStorage

from app.core.pagination import PageArgsSchema
from app.marketplace.models import RequestState
from app.providers.models import BookingMode, Category, ListingStatus, PricingModel
from app.providers.search import SORTS

CATEGORIES = [c.value for c in Category]
PRICING_MODELS = [p.value for p in PricingModel]
STATUSES = [s.value for s in ListingStatus]
BOOKING_MODES = [m.value for m in BookingMode]
STATES = [s.value for s in RequestState]
MAX_MONEY = 9_999_999_999


def _within(low, high, message: str):
    """A range check apispec does not render (its Decimal bounds would be strings, not numbers)."""
    def check(value):
        if value is not None and not (low <= value <= high):
            raise ValidationError(message)
    return check


def _money(metadata: dict | None = None, **kwargs):
    return fields.Decimal(places=2, validate=_within(0, MAX_MONEY, "Must be between 0 and 9999999999."),
                          metadata={"type": "number", "minimum": 0, "maximum": MAX_MONEY, **(metadata or {})},
                          **kwargs)


def _strip_strings(data):
    if not isinstance(data, dict):
        return data
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


class _ListingInput(Schema):
    @pre_load
    def tidy(self, data, **kwargs):
        data = _strip_strings(data)
        if isinstance(data, dict):
            for key in ("city", "image_url"):
                if data.get(key) == "":
                    data[key] = None
        return data


class CreateListingSchema(_ListingInput):
    provider_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                                 metadata={"description": "Your provider organisation (optional if you have one)"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    description = fields.String(load_default="", validate=validate.Length(max=20000),
                                metadata={"description": "Markdown; rendered sanitised"})
    unit = fields.String(required=True, validate=validate.Length(min=1, max=60))
    pricing_model = fields.String(required=True, validate=validate.OneOf(PRICING_MODELS))
    price = _money(load_default=None, allow_none=True, metadata={"description": "Price per unit (CNY)"})
    capacity = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000_000))
    city = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    image_url = fields.Url(schemes={"http", "https"}, load_default=None, allow_none=True,
                           validate=validate.Length(max=300), metadata={"description": "Optional picture"})
    is_remote = fields.Boolean(load_default=False)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                       validate=validate.Length(max=20))
    status = fields.String(load_default=ListingStatus.DRAFT.value, validate=validate.OneOf(STATUSES))
    booking_mode = fields.String(load_default=BookingMode.UNITS.value, validate=validate.OneOf(BOOKING_MODES),
                                 metadata={"description": "units: a capacity of units; calendar: startups pick one "
                                                          "of the listing's time slots (POST /listings/{id}/slots)"})
    specs = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=80)),
                        values=fields.String(validate=validate.Length(max=300)), load_default=dict,
                        validate=validate.Length(max=40), metadata={"description": "Free key/value rows"})
    category_fields = fields.Dict(load_default=dict, metadata={
        "description": "The category's own fields: compute {accelerator_model, accelerator_memory_gb, "
                       "accelerator_count, hours, queue_sla}; pilot_testing {process, minimum_batch, lead_time_days}; "
                       "inspection_testing {standards, accreditation, sample_logistics}; ip_services {milestones}; "
                       "data_models {licence_terms}"})


class UpdateListingSchema(_ListingInput):
    title = fields.String(validate=validate.Length(min=1, max=200))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    description = fields.String(validate=validate.Length(max=20000))
    unit = fields.String(validate=validate.Length(min=1, max=60))
    pricing_model = fields.String(validate=validate.OneOf(PRICING_MODELS))
    price = _money(allow_none=True)
    capacity = fields.Integer(validate=validate.Range(min=0, max=100_000_000))
    city = fields.String(allow_none=True, validate=validate.Length(max=100))
    image_url = fields.Url(schemes={"http", "https"}, allow_none=True, validate=validate.Length(max=300))
    is_remote = fields.Boolean()
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)), validate=validate.Length(max=20))
    status = fields.String(validate=validate.OneOf(STATUSES))
    booking_mode = fields.String(validate=validate.OneOf(BOOKING_MODES))
    specs = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=80)),
                        values=fields.String(validate=validate.Length(max=300)), validate=validate.Length(max=40))
    category_fields = fields.Dict()


class ListingSearchArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Full text over title, description and tags (prefixes match)"})
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    city = fields.String(load_default=None, validate=validate.Length(max=100),
                         metadata={"description": "A city, or `remote`"})
    pricing_model = fields.String(load_default=None, validate=validate.OneOf(PRICING_MODELS))
    min_price = _money(load_default=None)
    max_price = _money(load_default=None)
    provider_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    provider = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "Same as provider_id"})
    accelerator_model = fields.String(load_default=None, validate=validate.Length(max=80))
    accreditation = fields.String(load_default=None, validate=validate.Length(max=20))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS),
                         metadata={"description": "relevance (with q), newest, price, price_desc, rating"})
    facets = fields.Boolean(load_default=False, metadata={"description": "Also return facet counts"})

    @pre_load
    def blank_is_absent(self, data, **kwargs):
        return {k: v for k, v in data.items() if v != ""}

    @validates_schema
    def price_range(self, data, **kwargs):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("min_price must not be above max_price.", field_name="min_price")


class ProviderBriefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    is_verified = fields.Boolean(required=True)
    city = fields.String(required=True, allow_none=True)


class FileUpload(fields.Field):
    """A multipart file part (a text field of the same name is refused: it has no content to store)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"type": "string", "format": "binary", **kwargs["metadata"]}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError(str(_l("Attach the file as a multipart file part.")))
        return value


class ListingPhotoSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "0 is the cover"})
    is_cover = fields.Function(lambda photo: photo.position == 0, required=True, metadata={"type": "boolean"})
    url = fields.Function(lambda photo: photo_url(photo, "large"), required=True,
                          metadata={"description": "At most 1600 px on the longest side"})
    thumb_url = fields.Function(lambda photo: photo_url(photo, "thumb"), required=True,
                                metadata={"description": "At most 480 px on the longest side"})
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


def photo_url(photo, size: str) -> str:
    from app.providers.photos import photo_url as url
    return url(photo, size)


class ListingSchema(Schema):
    id = fields.Integer(required=True)
    provider_id = fields.Integer(required=True)
    provider = fields.Nested(ProviderBriefSchema, required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    description = fields.String(required=True)
    description_html = fields.Method("render_description", required=True,
                                     metadata={"description": "The description as sanitised HTML"})
    specs = fields.Dict(required=True)
    category_fields = fields.Dict(required=True)
    unit = fields.String(required=True)
    pricing_model = fields.String(required=True)
    price = fields.Float(required=True, allow_none=True)
    capacity = fields.Integer(required=True)
    city = fields.String(required=True, allow_none=True)
    image_url = fields.String(required=True, allow_none=True, metadata={
        "description": "An external picture address (older listings); uploaded photos are in `photos`"})
    photos = fields.List(fields.Nested(ListingPhotoSchema), required=True,
                         metadata={"description": "Uploaded photos in the provider's order; the first is the cover"})
    cover_url = fields.Method("cover", required=True, allow_none=True,
                              metadata={"type": "string", "nullable": True,
                                        "description": "The cover photo's thumbnail, else `image_url`"})
    is_remote = fields.Boolean(required=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    booking_mode = fields.String(required=True, metadata={"description": "units or calendar"})
    available = fields.Integer(required=True, metadata={
        "description": "What can be requested now: the capacity left, or a calendar listing's free future slots"})
    is_sold_out = fields.Boolean(required=True, metadata={"description": "Nothing left: it cannot be requested"})
    rating = fields.Float(required=True, allow_none=True, attribute="rating_avg")
    rating_count = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True, allow_none=True)
    published_at = fields.DateTime(required=True, allow_none=True)
    matched = fields.List(fields.String(), metadata={
        "description": "In search results for `q`: the words of this listing that matched (in either language)"})

    def render_description(self, obj):
        from app.providers.listings import render_markdown
        return str(render_markdown(obj.description))

    def cover(self, obj):
        return photo_url(obj.cover, "thumb") if obj.cover else obj.image_url


class ListingPhotoUploadSchema(Schema):
    """multipart/form-data with one field, `file`: a JPEG, PNG, WebP or GIF image of at most 10 MB."""

    file = FileUpload(required=True, metadata={"description": "JPEG, PNG, WebP or GIF (checked by content); 10 MB"})


class ReorderListingPhotosSchema(Schema):
    photo_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
                            validate=validate.Length(min=1, max=50),
                            metadata={"description": "Every photo of the listing once, cover first"})


class ListingSlotSchema(Schema):
    id = fields.Integer(required=True)
    listing_id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    is_taken = fields.Boolean(required=True, metadata={"description": "Booked by an accepted request"})


class ListingSlotInputSchema(Schema):
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "With an offset"})
    ends_at = fields.AwareDateTime(required=True)


class ListingSlotPatternSchema(Schema):
    """A weekly pattern: each chosen weekday from first_day to last_day, the window start_time–end_time in
    `timezone`, cut into slots of slot_minutes (omit it for one slot per window)."""

    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    weekdays = fields.List(fields.Integer(validate=validate.Range(min=0, max=6)), required=True,
                           validate=validate.Length(min=1, max=7), metadata={"description": "0 = Monday"})
    start_time = fields.Time(required=True, metadata={"description": "HH:MM"})
    end_time = fields.Time(required=True, metadata={"description": "HH:MM; 00:00 is midnight at the day's end"})
    slot_minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=15, max=10080))
    timezone = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "IANA name, e.g. Asia/Shanghai"})

    @validates_schema
    def known_zone(self, data, **kwargs):
        from app.core.i18n import is_valid_timezone
        if not is_valid_timezone(data.get("timezone", "")):
            raise ValidationError("Unknown time zone.", field_name="timezone")


class AddListingSlotsSchema(Schema):
    """Either `slots` (explicit times) or `pattern` (a weekly pattern)."""

    slots = fields.List(fields.Nested(ListingSlotInputSchema), load_default=None,
                        validate=validate.Length(min=1, max=500))
    pattern = fields.Nested(ListingSlotPatternSchema, load_default=None)

    @validates_schema
    def one_of(self, data, **kwargs):
        if (data.get("slots") is None) == (data.get("pattern") is None):
            raise ValidationError("Give either slots or a pattern.", field_name="slots")


class ListingSlotListArgsSchema(Schema):
    start = fields.AwareDateTime(load_default=None, metadata={"description": "Default: now"})
    end = fields.AwareDateTime(load_default=None)
    include_taken = fields.Boolean(load_default=False,
                                   metadata={"description": "The listing's provider: also the booked slots"})


class FacetValueSchema(Schema):
    value = fields.String(required=True)
    count = fields.Integer(required=True)


class FacetsSchema(Schema):
    category = fields.List(fields.Nested(FacetValueSchema), required=True)
    pricing_model = fields.List(fields.Nested(FacetValueSchema), required=True)
    city = fields.List(fields.Nested(FacetValueSchema), required=True)


class ListingPageSchema(Schema):
    items = fields.List(fields.Nested(ListingSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    facets = fields.Nested(FacetsSchema, allow_none=True, metadata={"description": "With `facets=true`"})


# Requests -----------------------------------------------------------------------------------

class CreateRequestSchema(Schema):
    quantity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000_000),
                              metadata={"description": "Units wanted (required unless the listing is booked by "
                                                       "calendar, where a request is one slot)"})
    slot_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "Calendar listings: the free slot you pick "
                                                      "(GET /listings/{id}/slots)"})
    message = fields.String(load_default="", validate=validate.Length(max=5000))
    needed_by = fields.Date(load_default=None, allow_none=True)
    startup_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "Needed only if you belong to several startups"})


class OfferSchema(Schema):
    price = _money(required=True, metadata={"description": "Total price of the request (CNY)"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    equity_percent = fields.Decimal(places=2, load_default=None, allow_none=True,
                                    validate=_within(Decimal("0.01"), 100, "Must be above 0 and at most 100."),
                                    metadata={"description": "Services-for-equity: the proposed share",
                                              "type": "number", "minimum": 0.01, "maximum": 100})


class QuoteLineInputSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    quantity = fields.Decimal(places=2, required=True,
                              validate=_within(Decimal("0.01"), 100_000_000, "Must be above 0 and at most 100000000."),
                              metadata={"type": "number", "minimum": 0.01, "maximum": 100_000_000})
    unit_price = _money(required=True, metadata={"description": "Price of one unit, in the quote's currency"})


class QuoteMilestoneInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    due_on = fields.Date(load_default=None, allow_none=True)
    share_percent = fields.Decimal(places=2, load_default=None, allow_none=True,
                                   validate=_within(Decimal("0.01"), 100, "Must be above 0 and at most 100."),
                                   metadata={"type": "number", "minimum": 0.01, "maximum": 100,
                                             "description": "The share of the cash total paid at this milestone; "
                                                            "give it for every milestone (adding up to 100) or for "
                                                            "none (the total is split evenly)"})


class QuoteInputSchema(Schema):
    """A quote as a document. Send `lines` (the server computes every amount), or only `price` for a one-line
    quote of that total (the API's first form)."""

    lines = fields.List(fields.Nested(QuoteLineInputSchema), validate=validate.Length(min=1, max=50),
                        load_default=None, metadata={"description": "Line items: description, quantity, unit price"})
    price = _money(load_default=None, allow_none=True,
                   metadata={"description": "Without `lines`: the total price, as one line item"})
    currency = fields.String(load_default="CNY", validate=validate.OneOf(["CNY", "USD", "EUR", "HKD"]))
    tax_rate = fields.Decimal(places=2, load_default=Decimal("0"),
                              validate=_within(0, 100, "Must be between 0 and 100."),
                              metadata={"type": "number", "minimum": 0, "maximum": 100, "default": 0,
                                        "description": "VAT rate in percent (e.g. 6)"})
    fapiao_type = fields.String(load_default="general", validate=validate.OneOf(["general", "special"]),
                                metadata={"description": "general: 增值税普通发票; special: 增值税专用发票"})
    valid_until = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "Last day the quote can be accepted (default: 30 days on)"})
    payment_terms = fields.String(load_default=None, allow_none=True,
                                  validate=validate.OneOf(["cash", "voucher", "equity", "cash_equity"]),
                                  metadata={"description": "Default: the listing's pricing model"})
    equity_percent = fields.Decimal(places=2, load_default=None, allow_none=True,
                                    validate=_within(Decimal("0.01"), 100, "Must be above 0 and at most 100."),
                                    metadata={"description": "equity and cash_equity terms: the proposed share",
                                              "type": "number", "minimum": 0.01, "maximum": 100})
    share_class = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                                metadata={"description": "equity terms: e.g. ordinary shares, Series A preferred"})
    valuation_note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    milestones = fields.List(fields.Nested(QuoteMilestoneInputSchema), validate=validate.Length(max=20),
                             load_default=None)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))

    @validates_schema
    def lines_or_price(self, data, **kwargs):
        if not data.get("lines") and data.get("price") is None:
            raise ValidationError("Give the line items, or a total price.", field_name="lines")


class QuoteLineSchema(Schema):
    position = fields.Integer(required=True)
    description = fields.String(required=True)
    quantity = fields.Float(required=True)
    unit_price = fields.Float(required=True)
    amount = fields.Float(required=True)


class QuoteMilestoneSchema(Schema):
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    due_on = fields.Date(required=True, allow_none=True)
    share_percent = fields.Float(required=True, allow_none=True)


class QuoteSchema(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    currency = fields.String(required=True)
    lines = fields.List(fields.Nested(QuoteLineSchema), required=True)
    subtotal = fields.Float(required=True)
    tax_rate = fields.Float(required=True)
    tax_amount = fields.Float(required=True)
    total = fields.Float(required=True)
    fapiao_type = fields.String(required=True)
    valid_until = fields.Date(required=True)
    is_expired = fields.Method("expired", required=True, metadata={"type": "boolean"})
    payment_terms = fields.String(required=True)
    equity_percent = fields.Float(required=True, allow_none=True)
    share_class = fields.String(required=True, allow_none=True)
    valuation_note = fields.String(required=True, allow_none=True)
    milestones = fields.List(fields.Nested(QuoteMilestoneSchema), required=True)
    note = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    changes = fields.Method("changes_from_previous", required=True,
                            metadata={"type": "array", "items": {"type": "string"},
                                      "description": "What this version changed from the one before"})

    def expired(self, obj):
        from app.marketplace.quotes import is_expired
        return is_expired(obj)

    def changes_from_previous(self, obj):
        from app.marketplace.quotes import quote_diff
        versions = obj.request.quotes
        index = versions.index(obj) if obj in versions else 0
        return quote_diff(versions[index - 1] if index > 0 else None, obj).changes


class AcceptSchema(Schema):
    quote_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "The quote you saw (the request's `quote_id`)"})


class MoveNoteSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class RequestListArgsSchema(PageArgsSchema):
    side = fields.String(load_default=None, validate=validate.OneOf(["startup", "provider"]),
                         metadata={"description": "Only requests made by your startups, or made to your organisations"})
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    listing_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))

    @pre_load
    def blank_is_absent(self, data, **kwargs):
        return {k: v for k, v in data.items() if v != ""}


class MarketPersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MarketOrgSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ListingBriefSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    unit = fields.String(required=True)
    pricing_model = fields.String(required=True)
    price = fields.Float(required=True, allow_none=True)


class RequestSchema(Schema):
    id = fields.Integer(required=True)
    listing_id = fields.Integer(required=True)
    listing = fields.Nested(ListingBriefSchema, required=True)
    provider_id = fields.Integer(required=True)
    provider = fields.Nested(MarketOrgSchema, required=True)
    startup_id = fields.Integer(required=True)
    startup = fields.Nested(MarketOrgSchema, required=True)
    requested_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    quantity = fields.Integer(required=True)
    message = fields.String(required=True)
    needed_by = fields.Date(required=True, allow_none=True)
    slot = fields.Nested(ListingSlotSchema, required=True, allow_none=True,
                         metadata={"description": "The calendar slot asked for (calendar listings)"})
    state = fields.String(required=True)
    pricing_model = fields.String(required=True)
    quote_id = fields.Integer(required=True, allow_none=True,
                              metadata={"description": "The current quote: send it back to accept exactly this one"})
    quote = fields.Nested(QuoteSchema, required=True, allow_none=True, attribute="current_quote",
                          metadata={"description": "The current quote as a document"})
    quoted_price = fields.Float(required=True, allow_none=True)
    quote_note = fields.String(required=True, allow_none=True)
    equity_percent = fields.Float(required=True, allow_none=True)
    counter_price = fields.Float(required=True, allow_none=True)
    counter_note = fields.String(required=True, allow_none=True)
    counter_equity_percent = fields.Float(required=True, allow_none=True)
    capacity_reserved = fields.Boolean(required=True)
    allowed_actions = fields.List(fields.String(), required=True,
                                  metadata={"description": "The moves you may make now"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True, allow_none=True)
    quoted_at = fields.DateTime(required=True, allow_none=True)
    accepted_at = fields.DateTime(required=True, allow_none=True)
    started_at = fields.DateTime(required=True, allow_none=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)
    completed_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)


class FlaggedRequestSchema(RequestSchema):
    flag_reason = fields.Method("reason", required=True, metadata={
        "type": "string", "enum": ["deactivated", "unverified"],
        "description": "Why the provider's listings are hidden: no active member left, or not verified while "
                       "MARKETPLACE_PROVIDER_POLICY is `verified`"})

    def reason(self, obj):
        from app.providers.listings import hidden_reason
        return hidden_reason(obj.provider)


class RequestEventSchema(Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True)
    from_state = fields.String(required=True, allow_none=True)
    to_state = fields.String(required=True)
    actor = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    data = fields.Dict(required=True)
    created_at = fields.DateTime(required=True)


class AgreementSchema(Schema):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    quote_id = fields.Integer(required=True, allow_none=True, metadata={"description": "The quote accepted"})
    terms = fields.String(required=True, metadata={"description": "The exact text signed: English, then Chinese"})
    terms_sha256 = fields.String(required=True)
    startup_accepted_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    startup_accepted_at = fields.DateTime(required=True, allow_none=True)
    startup_signer_name = fields.String(required=True, allow_none=True)
    startup_signer_ip = fields.String(required=True, allow_none=True)
    provider_accepted_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    provider_accepted_at = fields.DateTime(required=True, allow_none=True)
    provider_signer_name = fields.String(required=True, allow_none=True)
    provider_signer_ip = fields.String(required=True, allow_none=True)
    both_signed = fields.Method("signed_by_both", required=True, metadata={"type": "boolean"})
    created_at = fields.DateTime(required=True)

    def signed_by_both(self, obj):
        return bool(obj.startup_accepted_at and obj.provider_accepted_at)


class SignAgreementSchema(Schema):
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                              metadata={"description": "Your full name, typed as your signature"})
    consent = fields.Boolean(required=True, metadata={"description": "true: you sign the agreement's terms"})
    side = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["startup", "provider"]),
                         metadata={"description": "Only if you belong to both sides"})


class VerifyAgreementArgsSchema(Schema):
    sha256 = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AgreementCheckSchema(Schema):
    """What the public may know of a matching agreement: who the parties are and when each signed."""

    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    provider = fields.String(required=True, attribute="request.provider.name")
    startup = fields.String(required=True, attribute="request.startup.name")
    created_at = fields.DateTime(required=True)
    startup_signed_at = fields.DateTime(required=True, allow_none=True, attribute="startup_accepted_at")
    provider_signed_at = fields.DateTime(required=True, allow_none=True, attribute="provider_accepted_at")


class AgreementVerificationSchema(Schema):
    sha256 = fields.String(required=True)
    valid = fields.Boolean(required=True, metadata={"description": "Whether a stored agreement has this hash"})
    agreement = fields.Nested(AgreementCheckSchema, required=True, allow_none=True)


class SettlementSchema(Schema):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    amount = fields.Float(required=True)
    method = fields.String(required=True)
    equity_percent = fields.Float(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"description": "pending (cash not yet all confirmed), paid, "
                                                                   "recorded (equity only) or refunded"})
    refunded_amount = fields.Float(required=True, metadata={"description": "Given back after a dispute"})
    created_at = fields.DateTime(required=True)
    paid_at = fields.DateTime(required=True, allow_none=True)


class PaymentSchema(Schema):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True, metadata={"description": "The milestone it pays for"})
    due_on = fields.Date(required=True, allow_none=True)
    amount = fields.Float(required=True)
    currency = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "due, paid (marked received by the provider), "
                                                                  "confirmed (by the startup), cancelled, refunded"})
    marked_paid_at = fields.DateTime(required=True, allow_none=True)
    marked_paid_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    confirmed_at = fields.DateTime(required=True, allow_none=True)
    confirmed_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)


class DisputeSchema(Schema):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "open, refunded, partially_refunded, rejected"})
    reason = fields.String(required=True)
    raised_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    refund_amount = fields.Float(required=True, allow_none=True)
    resolution_note = fields.String(required=True, allow_none=True)
    resolved_by = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)


class CreateDisputeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                           metadata={"description": "What is wrong with the delivery"})


class ResolveDisputeSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(["refund", "partial", "reject"]),
                            metadata={"description": "refund (in full), partial (give `amount`) or reject"})
    amount = _money(load_default=None, allow_none=True,
                    metadata={"description": "partial: the amount refunded (above 0, below what was paid)"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))

    @validates_schema
    def amount_for_partial(self, data, **kwargs):
        if data.get("outcome") == "partial" and data.get("amount") is None:
            raise ValidationError("A partial refund needs the amount.", field_name="amount")


class DisputeListArgsSchema(PageArgsSchema):
    state = fields.String(load_default=None, validate=validate.OneOf(["open", "refunded", "partially_refunded",
                                                                      "rejected"]))


class DisputeWithRequestSchema(DisputeSchema):
    request = fields.Nested("RequestSchema", required=True)


class EquityEntrySchema(Schema):
    id = fields.Integer(required=True)
    startup_id = fields.Integer(required=True)
    request_id = fields.Integer(required=True, allow_none=True)
    holder_id = fields.Integer(required=True, allow_none=True, metadata={"description": "The provider organisation"})
    holder_name = fields.String(required=True)
    equity_percent = fields.Float(required=True)
    share_class = fields.String(required=True, allow_none=True)
    valuation_note = fields.String(required=True, allow_none=True)
    services = fields.String(required=True, metadata={"description": "The listing and the quote's line items"})
    cash_amount = fields.Float(required=True, metadata={"description": "The cash part of a cash-plus-equity deal"})
    currency = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "recorded, or void (refunded by a dispute)"})
    created_at = fields.DateTime(required=True)
    voided_at = fields.DateTime(required=True, allow_none=True)


class EquityLedgerSchema(Schema):
    startup_id = fields.Integer(required=True)
    total_percent = fields.Float(required=True, metadata={"description": "The share standing (void left out)"})
    entries = fields.List(fields.Nested(EquityEntrySchema), required=True)


class ReviewSchema(Schema):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    listing_id = fields.Integer(required=True)
    side = fields.String(required=True, metadata={"description": "Who wrote it: startup (rating the provider) or "
                                                                 "provider (rating the startup)"})
    author = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    rating = fields.Integer(required=True)
    comment = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    revealed_at = fields.DateTime(required=True, allow_none=True,
                                  metadata={"description": "From when the other side and the public see it"})
    reply = fields.String(required=True, allow_none=True)
    reply_author = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    replied_at = fields.DateTime(required=True, allow_none=True)


class RequestDetailSchema(RequestSchema):
    events = fields.List(fields.Nested(RequestEventSchema), required=True)
    agreement = fields.Nested(AgreementSchema, required=True, allow_none=True)
    settlement = fields.Nested(SettlementSchema, required=True, allow_none=True)
    payments = fields.List(fields.Nested(PaymentSchema), required=True,
                           metadata={"description": "The cash due per milestone of the accepted quote"})
    dispute = fields.Nested(DisputeSchema, required=True, allow_none=True)
    review = fields.Nested(ReviewSchema, required=True, allow_none=True, attribute="visible_startup_review",
                           metadata={"description": "The startup's review, once you may see it"})
    reviews = fields.List(fields.Nested(ReviewSchema), required=True, attribute="visible_reviews",
                          metadata={"description": "Both sides' reviews you may see: your own, and the other's "
                                                   "once both have rated or 14 days have passed"})


class CreateReviewSchema(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=5000))
    side = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["startup", "provider"]),
                         metadata={"description": "Only if you belong to both sides"})


class ReplySchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=5000))


# Threads ------------------------------------------------------------------------------------

class CreateMessageSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=10000))


class MessageListArgsSchema(Schema):
    after_id = fields.Integer(load_default=None, validate=validate.Range(min=0, max=2**31 - 1))


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.Method("download_url", required=True)

    def download_url(self, obj):
        return f"/api/request-attachments/{obj.id}"


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    author = fields.Nested(MarketPersonSchema, required=True, allow_none=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)


class AttachmentUploadSchema(Schema):
    """A thread message with one file: multipart/form-data fields `file` (required) and `body` (optional)."""

    file = FileUpload(required=True, metadata={"description": "PDF, image, text, CSV, ZIP, Word or Excel; 10 MB"})
    body = fields.String(load_default="", validate=validate.Length(max=10000),
                         metadata={"description": "The message's text (optional)"})


# Vouchers -----------------------------------------------------------------------------------

class GrantVoucherSchema(Schema):
    startup_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    amount = fields.Decimal(places=2, required=True,
                            validate=_within(Decimal("0.01"), MAX_MONEY, "Must be between 0.01 and 9999999999."),
                            metadata={"type": "number", "minimum": 0.01, "maximum": MAX_MONEY})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class VoucherEntrySchema(Schema):
    id = fields.Integer(required=True)
    startup_id = fields.Integer(required=True)
    amount = fields.Float(required=True)
    kind = fields.String(required=True, metadata={"description": "grant, hold, release, spend, refund"})
    balance_after = fields.Float(required=True, metadata={"description": "Available after this entry"})
    held_after = fields.Float(required=True, metadata={"description": "Held for accepted requests after it"})
    request_id = fields.Integer(required=True, allow_none=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class VoucherAccountSchema(Schema):
    startup_id = fields.Integer(required=True)
    balance = fields.Float(required=True, metadata={"description": "Available to spend (same as `available`)"})
    available = fields.Float(required=True)
    held = fields.Float(required=True, metadata={"description": "Held for accepted requests until they complete"})
    entries = fields.List(fields.Nested(VoucherEntrySchema), required=True)
