"""Schemas of the operators' surfaces: the request console, reports and moderation, the audit trail."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.core.pagination import PageArgsSchema
from app.marketplace import audit, console, moderation
from app.marketplace.models import RequestState
from app.providers.models import Category

MAX_ID = 2**31 - 1


def _drop_empty(data):
    """A cleared form field (`?category=`) means "no filter", not an invalid value."""
    if hasattr(data, "keys"):
        out = {}
        for key in data.keys():
            value = data[key]
            if isinstance(value, list):
                value = [v for v in value if v != ""]
            if value not in ("", []):
                out[key] = value
        return out
    return data


class _Args(PageArgsSchema):
    @pre_load
    def drop_empty(self, data, **kwargs):
        return _drop_empty(data)


class ConsoleArgsSchema(_Args):
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))
    state = fields.List(fields.String(validate=validate.OneOf([s.value for s in RequestState])), load_default=None,
                        metadata={"description": "One or more states (repeat the parameter)"})
    category = fields.String(load_default=None, validate=validate.OneOf([c.value for c in Category]))
    provider_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    min_age_days = fields.Integer(load_default=None, validate=validate.Range(min=0, max=36500),
                                  metadata={"description": "Sent at least this many days ago"})
    max_age_days = fields.Integer(load_default=None, validate=validate.Range(min=0, max=36500),
                                  metadata={"description": "Sent at most this many days ago"})
    stuck = fields.String(load_default=None, validate=validate.OneOf(console.STUCK),
                          metadata={"description": "`no_quote`: no quote N days after it was sent or countered; "
                                                   "`delivery`: a delivery unanswered for N days (settings)"})
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Part of the listing's title, or the request's number"})
    sort = fields.String(load_default="created", validate=validate.OneOf(console.SORTS))
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))

    @validates_schema
    def ages_in_order(self, data, **kwargs):
        low, high = data.get("min_age_days"), data.get("max_age_days")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be more than max_age_days.", "min_age_days")


class OrgOrUserRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class AdminRequestSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    listing_id = fields.Integer(required=True)
    listing_title = fields.String(attribute="listing.title", required=True)
    category = fields.String(attribute="listing.category", required=True)
    provider = fields.Nested(OrgOrUserRefSchema, required=True)
    startup = fields.Nested(OrgOrUserRefSchema, required=True)
    quantity = fields.Integer(required=True)
    quoted_price = fields.Decimal(as_string=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(allow_none=True)
    quoted_at = fields.DateTime(allow_none=True)
    countered_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    age_days = fields.Function(lambda r: console.age_days(r), required=True)


class StuckCountsSchema(Schema):
    no_quote = fields.Integer(required=True)
    delivery = fields.Integer(required=True)
    no_quote_days = fields.Integer(required=True)
    delivery_days = fields.Integer(required=True)


class CreateContentReportSchema(Schema):
    item_kind = fields.String(required=True, validate=validate.OneOf(moderation.ITEM_KINDS))
    item_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    reason = fields.String(required=True, validate=validate.OneOf(moderation.REASONS))
    details = fields.String(load_default="", validate=validate.Length(max=moderation.MAX_DETAILS))


class ContentReportSchema(Schema):
    id = fields.Integer(required=True)
    item_kind = fields.String(required=True)
    item_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    details = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open, dismissed or actioned (item hidden)"})
    created_at = fields.DateTime(required=True)
    resolved_at = fields.DateTime(allow_none=True)
    reporter = fields.Nested(OrgOrUserRefSchema, allow_none=True)


class ModerationQueueArgsSchema(_Args):
    state = fields.String(load_default="open", validate=validate.OneOf(["open", "hidden"]),
                          metadata={"description": "`open`: items with open reports; `hidden`: hidden items"})
    item_kind = fields.String(load_default=None, validate=validate.OneOf(moderation.ITEM_KINDS))


class ModerationItemSchema(Schema):
    item_kind = fields.String(required=True, attribute="kind")
    item_id = fields.Integer(required=True)
    title = fields.String(required=True)
    hidden = fields.Boolean(required=True)
    hidden_at = fields.DateTime(allow_none=True)
    url = fields.Function(lambda i: moderation.item_url(i.kind, i.item) if i.item is not None else None,
                          allow_none=True)
    reports = fields.List(fields.Nested(ContentReportSchema), required=True)


class ModerationNoteSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=moderation.MAX_DETAILS))


class ModerationActionSchema(Schema):
    id = fields.Integer(required=True)
    item_kind = fields.String(required=True)
    item_id = fields.Integer(required=True)
    action = fields.String(required=True)
    note = fields.String(required=True)
    reports_closed = fields.Integer(required=True)
    actor_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class AuditArgsSchema(_Args):
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Text in the action, the details, the actor or the listing"})
    actor = fields.String(load_default=None, validate=validate.Length(max=200),
                          metadata={"description": "A user id, or part of a name or email address"})
    kind = fields.List(fields.String(validate=validate.OneOf(audit.KINDS)), load_default=None,
                       metadata={"description": "request, voucher, moderation, report (repeat the parameter)"})
    date_from = fields.Date(load_default=None, metadata={"description": "From this day (in your time zone)"})
    date_to = fields.Date(load_default=None, metadata={"description": "To this day, included (in your time zone)"})
    request_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("Must not be after date_to.", "date_from")


class AuditExportArgsSchema(AuditArgsSchema):
    class Meta:
        exclude = ("page", "per_page")


class AuditEntrySchema(Schema):
    kind = fields.String(required=True, metadata={"description": "request, voucher, moderation or report"})
    entry_id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    action = fields.String(required=True)
    action_label = fields.String(required=True)
    subject_type = fields.String(required=True, metadata={"description": "request, startup, listing, review, message"})
    subject_id = fields.Integer(allow_none=True)
    request_id = fields.Integer(allow_none=True)
    listing_title = fields.String(allow_none=True)
    amount = fields.Decimal(as_string=True, allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    detail = fields.String(required=True)
    data = fields.Dict(allow_none=True, metadata={"description": "A request event's data"})


console_args_schema = ConsoleArgsSchema()
audit_args_schema = AuditArgsSchema()
audit_export_args_schema = AuditExportArgsSchema()
moderation_queue_args_schema = ModerationQueueArgsSchema()
