"""Listing use cases: create, edit, publish/archive, look up; category fields; safe Markdown."""
import logging
from decimal import Decimal

import nh3
from flask import current_app
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import and_, case, func, select

from app.accounts import organisations
from app.accounts.models import Membership, Organisation, User
from app.core.db import utcnow
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.providers.models import BookingMode, Category, Listing, ListingStatus, PricingModel, Provider

log = logging.getLogger(__name__)

LISTING_FIELDS = {"title", "category", "description", "unit", "pricing_model", "price", "capacity", "city", "image_url",
                  "is_remote", "tags", "status", "specs", "category_fields", "booking_mode"}

CATEGORY_LABELS = {
    Category.COMPUTE: _l("Compute"), Category.DATA_MODELS: _l("Data and models"),
    Category.CONCEPT_VERIFICATION: _l("Concept verification"), Category.PILOT_TESTING: _l("Pilot testing"),
    Category.INSPECTION_TESTING: _l("Inspection and testing"), Category.IP_SERVICES: _l("IP services"),
    Category.DESIGN_MANUFACTURING: _l("Design and manufacturing"), Category.LEGAL_FINANCE: _l("Legal and finance"),
    Category.OTHER: _l("Other"),
}
PRICING_LABELS = {PricingModel.FIXED: _l("Fixed price"), PricingModel.QUOTE: _l("Price on request"),
                  PricingModel.VOUCHER: _l("Voucher"), PricingModel.EQUITY: _l("Services for equity")}
BOOKING_LABELS = {BookingMode.UNITS: _l("A number of units"),
                  BookingMode.CALENDAR: _l("Time slots from a calendar")}
STATUS_LABELS = {ListingStatus.DRAFT: _l("Draft"), ListingStatus.PUBLISHED: _l("Published"),
                 ListingStatus.ARCHIVED: _l("Archived")}
ACCREDITATIONS = ("CMA", "CNAS", "CAL", "ISO17025", "GLP")


# Category fields ------------------------------------------------------------------------------

class ComputeFields(Schema):
    accelerator_model = fields.String(required=True, validate=validate.Length(min=1, max=80))
    accelerator_memory_gb = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=4096))
    accelerator_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000))
    hours = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=10_000_000))
    queue_sla = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class PilotTestingFields(Schema):
    process = fields.String(required=True, validate=validate.Length(min=1, max=200))
    minimum_batch = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=10_000_000))
    lead_time_days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=3650))


class InspectionTestingFields(Schema):
    standards = fields.List(fields.String(validate=validate.Length(min=1, max=80)), required=True,
                            validate=validate.Length(min=1, max=30))
    accreditation = fields.List(fields.String(validate=validate.OneOf(ACCREDITATIONS)), load_default=list,
                                validate=validate.Length(max=len(ACCREDITATIONS)))
    sample_logistics = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class IpServicesFields(Schema):
    milestones = fields.List(fields.String(validate=validate.Length(min=1, max=200)), required=True,
                             validate=validate.Length(min=1, max=20))


class DataModelsFields(Schema):
    licence_terms = fields.String(required=True, validate=validate.Length(min=1, max=2000))


CATEGORY_SCHEMAS: dict[str, Schema] = {
    Category.COMPUTE: ComputeFields(), Category.PILOT_TESTING: PilotTestingFields(),
    Category.INSPECTION_TESTING: InspectionTestingFields(), Category.IP_SERVICES: IpServicesFields(),
    Category.DATA_MODELS: DataModelsFields(),
}
CATEGORY_FIELD_LABELS = {
    "accelerator_model": _l("Accelerator model"), "accelerator_memory_gb": _l("Memory per accelerator (GB)"),
    "accelerator_count": _l("Accelerators"), "hours": _l("Hours available"), "queue_sla": _l("Queue / SLA"),
    "process": _l("Process"), "minimum_batch": _l("Minimum batch"), "lead_time_days": _l("Lead time (days)"),
    "standards": _l("Standards"), "accreditation": _l("Accreditation"), "sample_logistics": _l("Sample logistics"),
    "milestones": _l("Service stages"), "licence_terms": _l("Licence terms"),
}


def validate_category_fields(category: str, values: dict | None) -> dict:
    """The category's own fields, checked by its schema (no fields for the other categories)."""
    schema = CATEGORY_SCHEMAS.get(category)
    if schema is None:
        if values:
            raise Invalid(details={"category_fields": [str(_l("This category has no fields of its own; "
                                                              "use specs for free key/value rows."))]})
        return {}
    if not isinstance(values, dict):
        values = {}
    try:
        return schema.load(values)
    except ValidationError as error:
        raise Invalid(details={"category_fields": error.messages}) from error


# Markdown ---------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4",
                "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, sanitised by nh3: no scripts, no event handlers, only http(s)/mailto links."""
    html = _markdown.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(clean)


# Use cases ----------------------------------------------------------------------------------

def normalise_tags(tags) -> list[str]:
    out: list[str] = []
    for tag in tags or []:
        tag = " ".join(str(tag).split()).lower()[:40]
        if tag and tag not in out:
            out.append(tag)
    return out[:20]


def _clean_specs(specs) -> dict:
    if specs is None:
        return {}
    if not isinstance(specs, dict) or len(specs) > 40:
        raise Invalid(details={"specs": [str(_l("Give at most 40 key/value rows."))]})
    out = {}
    for key, value in specs.items():
        key, value = " ".join(str(key).split())[:80], " ".join(str(value).split())[:300]
        if key:
            out[key] = value
    return out


def _check_price(pricing_model: str, price) -> None:
    if pricing_model in (PricingModel.FIXED, PricingModel.VOUCHER) and price is None:
        raise Invalid(details={"price": [str(_l("A fixed or voucher price needs a price per unit."))]})


def _apply(listing: Listing, fields: dict) -> None:
    unknown = set(fields) - LISTING_FIELDS
    if unknown:
        raise Invalid(details={key: [str(_l("This field cannot be changed here."))] for key in sorted(unknown)})
    for key in ("title", "unit"):
        if key in fields:
            fields[key] = " ".join((fields[key] or "").split())
            if not fields[key]:
                raise Invalid(details={key: [str(_l("This field cannot be empty."))]})
    if "city" in fields:
        fields["city"] = " ".join((fields["city"] or "").split()) or None
    if "image_url" in fields:
        fields["image_url"] = (fields["image_url"] or "").strip() or None
        if fields["image_url"] and not fields["image_url"].startswith(("https://", "http://")):
            raise Invalid(details={"image_url": [str(_l("Enter a full web address starting with https://."))]})
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"])
    if "booking_mode" in fields and fields["booking_mode"] not in {m.value for m in BookingMode}:
        raise Invalid(details={"booking_mode": [str(_l("Choose units or calendar."))]})
    if "specs" in fields:
        fields["specs"] = _clean_specs(fields["specs"])
    category = fields.get("category", listing.category)
    if "category" in fields or "category_fields" in fields:
        fields["category_fields"] = validate_category_fields(category, fields.get("category_fields",
                                                                                   listing.category_fields))
    status = fields.pop("status", None)
    for key, value in fields.items():
        setattr(listing, key, value)
    _check_price(listing.pricing_model, listing.price)
    if status is not None:
        _set_status(listing, status)


def _set_status(listing: Listing, status: str) -> None:
    if status == ListingStatus.PUBLISHED and listing.published_at is None:
        listing.published_at = utcnow()
    listing.status = status


def can_manage(user, listing: Listing) -> bool:
    return organisations.can_edit(user, listing.provider)


def create_listing(*, actor, provider_id: int, **fields) -> Listing:
    """Create a listing for a provider organisation (its members and admins). Drafts by default."""
    provider = db.session.get(Provider, provider_id) if organisations.valid_id(provider_id) else None
    if provider is None:
        raise Invalid(details={"provider_id": [str(_l("Choose one of your provider organisations."))]})
    organisations.require_member(actor, provider)
    listing = Listing(provider=provider, status=ListingStatus.DRAFT, specs={}, category_fields={}, tags=[],
                      description="", capacity=0)
    fields.setdefault("category_fields", {})
    _apply(listing, dict(fields))
    db.session.add(listing)
    db.session.commit()
    log.info("user %s created listing %s", actor.id, listing.id)
    return listing


def update_listing(*, actor, listing_id: int, **fields) -> Listing:
    """Edit, publish or archive a listing (the provider's members and admins)."""
    listing = get_listing(listing_id, viewer=actor)
    if not can_manage(actor, listing):
        raise PermissionDenied(_l("Only the members of %(org)s can edit this listing.", org=listing.provider.name),
                               code="not_a_member")
    _apply(listing, dict(fields))
    listing.updated_at = utcnow()
    db.session.commit()
    return listing


def verified_only() -> bool:
    return current_app.config.get("MARKETPLACE_PROVIDER_POLICY", "active") == "verified"


def live_provider(provider_id_column):
    """SQL: the provider in `provider_id_column` may be shown (MARKETPLACE_PROVIDER_POLICY): not deactivated (it
    has members and every one of them is deactivated), and under "verified" an admin has verified it."""
    deactivated = (select(Membership.organisation_id).join(User, User.id == Membership.user_id)
                   .group_by(Membership.organisation_id)
                   .having(func.max(case((User.is_active_account.is_(True), 1), else_=0)) == 0))
    condition = provider_id_column.not_in(deactivated)
    if verified_only():
        condition = and_(condition, provider_id_column.in_(select(Organisation.id)
                                                           .where(Organisation.is_verified.is_(True))))
    return condition


def is_live(provider: Provider) -> bool:
    """Whether `provider`'s listings may be shown and requested (see `live_provider`)."""
    deactivated = bool(provider.memberships) and not any(m.user.is_active_account for m in provider.memberships)
    return not deactivated and (provider.is_verified or not verified_only())


HIDDEN_REASONS = {"deactivated": _l("No active member left"), "unverified": _l("Not verified")}


def hidden_reason(provider: Provider) -> str | None:
    """Why `provider`'s listings are hidden (a key of `HIDDEN_REASONS`), or None when they are shown."""
    if provider.memberships and not any(m.user.is_active_account for m in provider.memberships):
        return "deactivated"
    if verified_only() and not provider.is_verified:
        return "unverified"
    return None


def get_listing(listing_id: int, *, viewer=None) -> Listing:
    """A listing; drafts and archived ones, and those of a provider that is not live, only for the provider's
    members (and admins)."""
    listing = db.session.get(Listing, listing_id) if organisations.valid_id(listing_id) else None
    if listing is None or (not is_requestable(listing) and not can_manage(viewer, listing)):
        raise NotFound(_l("Listing not found."))
    return listing


def is_requestable(listing: Listing) -> bool:
    """Published, by a live provider (capacity is checked separately: a sold-out listing still shows)."""
    return listing.status == ListingStatus.PUBLISHED and listing.hidden_at is None and is_live(listing.provider)


def listings_of_provider(provider_id: int, *, viewer=None, published_only: bool = False) -> list[Listing]:
    """A provider's listings: everything for its members, the published ones for everyone else."""
    stmt = select(Listing).where(Listing.provider_id == provider_id).order_by(Listing.created_at.desc(),
                                                                              Listing.id.desc())
    provider = db.session.get(Provider, provider_id)
    if published_only or provider is None or not organisations.can_edit(viewer, provider):
        stmt = stmt.where(Listing.status == ListingStatus.PUBLISHED, Listing.hidden_at.is_(None),
                          live_provider(Listing.provider_id))
    return list(db.session.scalars(stmt))


def unit_total(listing: Listing, quantity: int) -> Decimal | None:
    """The list price of `quantity` units (None when the price is on request)."""
    return None if listing.price is None else (listing.price * quantity).quantize(Decimal("0.01"))
