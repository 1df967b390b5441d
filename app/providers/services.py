"""Provider organisation use cases: create and edit, look up, list (listings come with the marketplace)."""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import Membership, OrgKind, Role, User
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.providers.models import Provider

log = logging.getLogger(__name__)

PROVIDER_FIELDS = {"name", "description", "city", "website", "logo_url"}


def _clean(fields: dict) -> dict:
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    for key in ("city", "website", "logo_url"):
        if key in fields:
            fields[key] = fields[key] or None
    if "description" in fields:
        fields["description"] = fields["description"] or ""
    if "name" in fields and not fields["name"]:
        raise Invalid(details={"name": [str(_l("Give the organisation a name."))]})
    return fields


def can_create_provider(user) -> bool:
    """Service providers (and admins) may create provider organisations."""
    return bool(getattr(user, "is_authenticated", False)) and (user.role == Role.PROVIDER or user.is_admin)


def create_provider(*, actor: User, name: str, description: str = "", city: str | None = None,
                    website: str | None = None, logo_url: str | None = None) -> Provider:
    """Create a provider organisation; the creator becomes its owner. Providers and admins only."""
    if not can_create_provider(actor):
        raise PermissionDenied(_l("Only service providers can create a provider organisation."),
                               code="providers_only")
    provider = Provider(**_clean({"name": name, "description": description, "city": city, "website": website,
                                  "logo_url": logo_url}))
    db.session.add(provider)
    organisations.add_owner(provider, actor)
    db.session.commit()
    log.info("user %s created provider organisation %s", actor.id, provider.id)
    return provider


def get_provider(provider_id: int) -> Provider:
    provider = db.session.get(Provider, provider_id) if organisations.valid_id(provider_id) else None
    if provider is None:
        raise NotFound(_l("Provider organisation not found."))
    return provider


def update_provider(*, actor: User, provider_id: int, **fields) -> Provider:
    """Change a provider organisation's profile. Its owner and members (and admins) only."""
    provider = get_provider(provider_id)
    organisations.require_member(actor, provider)
    unknown = set(fields) - PROVIDER_FIELDS
    if unknown:
        raise Invalid(details={key: [str(_l("This field cannot be changed here."))] for key in sorted(unknown)})
    for key, value in _clean(fields).items():
        setattr(provider, key, value)
    db.session.commit()
    return provider


def providers_for(user) -> list[Provider]:
    """The provider organisations `user` owns or belongs to, by name."""
    return organisations.organisations_for(user, OrgKind.PROVIDER)


def _like(text: str) -> str:
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def list_providers(*, q: str | None = None, city: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """One page of provider organisations: verified first, then by name.

    `q` matches name, description and city; `city` is matched whole, case-insensitively.
    """
    stmt = (select(Provider).options(selectinload(Provider.memberships).selectinload(Membership.user))
            .order_by(Provider.is_verified.desc(), Provider.name, Provider.id))
    q = " ".join((q or "").split()).lower()
    if q:
        pattern = _like(q)
        stmt = stmt.where(or_(*(func.lower(column).like(pattern, escape="/")
                                for column in (Provider.name, Provider.description, Provider.city))))
    city = (city or "").strip().lower()
    if city:
        stmt = stmt.where(func.lower(Provider.city) == city)
    return paginate(stmt, page=page, per_page=per_page)
