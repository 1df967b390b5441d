"""Startup use cases: create and edit a profile, look one up, search the showcase."""
import json
import logging
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import Membership, OrgKind, Role, User
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.search.engine import join_matches
from app.startups import search
from app.startups.labels import SECTOR_LABELS, STAGE_LABELS  # noqa: F401  (re-exported for other domains)
from app.startups.models import Sector, Stage, Startup

log = logging.getLogger(__name__)

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
EDITABLE_FIELDS = {"name", "sector", "stage", "summary", "needs", "tags", "website", "logo_url", "highlights",
                   "description"}
OPTIONAL_FIELDS = {"website", "logo_url", "highlights"}  # stored as NULL when left empty
SECTORS = [s.value for s in Sector]
STAGES = [s.value for s in Stage]


def normalise_tags(tags) -> list[str]:
    """Trimmed, lowercase, unique (first one wins), empty ones dropped. Invalid past 20 tags or 40 characters."""
    out: list[str] = []
    for tag in tags or []:
        tag = " ".join(str(tag).split()).lower()
        if tag and tag not in out:
            out.append(tag)
    errors = []
    if len(out) > MAX_TAGS:
        errors.append(str(_l("Use at most %(n)d tags.", n=MAX_TAGS)))
    if any(len(tag) > MAX_TAG_LENGTH for tag in out):
        errors.append(str(_l("Keep each tag to %(n)d characters or fewer.", n=MAX_TAG_LENGTH)))
    if errors:
        raise Invalid(errors[0], details={"tags": errors})
    return out


def _check_choices(fields: dict) -> None:
    details = {}
    if "sector" in fields and fields["sector"] not in SECTORS:
        details["sector"] = [str(_l("Choose a sector from the list."))]
    if "stage" in fields and fields["stage"] not in STAGES:
        details["stage"] = [str(_l("Choose a stage from the list."))]
    if "name" in fields and not (fields["name"] or "").strip():
        details["name"] = [str(_l("Give the startup a name."))]
    if details:
        raise Invalid(details=details)


def _clean(fields: dict) -> dict:
    fields = dict(fields)
    for key, value in fields.items():
        if isinstance(value, str):
            fields[key] = value.strip()
    for key in OPTIONAL_FIELDS & fields.keys():
        fields[key] = fields[key] or None
    for key in ("needs", "description", "summary"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"])
    return fields


def can_create_startup(user) -> bool:
    """Founders (and admins) may create startups."""
    return bool(getattr(user, "is_authenticated", False)) and (user.role == Role.FOUNDER or user.is_admin)


def create_startup(*, founder: User, name: str, sector: str, stage: str, summary: str, needs: str,
                   tags: list[str], website: str | None = None, logo_url: str | None = None,
                   highlights: str | None = None, description: str = "") -> Startup:
    """Create a startup profile; the creator becomes its owner. Founders and admins only."""
    if not can_create_startup(founder):
        raise PermissionDenied(_l("Only founders can create a startup profile."), code="founders_only")
    fields = _clean({"name": name, "sector": sector, "stage": stage, "summary": summary, "needs": needs,
                     "tags": tags, "website": website, "logo_url": logo_url, "highlights": highlights,
                     "description": description})
    _check_choices(fields)
    startup = Startup(**fields)
    db.session.add(startup)
    organisations.add_owner(startup, founder)
    db.session.commit()
    log.info("user %s created startup %s", founder.id, startup.id)
    return startup


def get_startup(startup_id: int) -> Startup:
    startup = db.session.get(Startup, startup_id) if organisations.valid_id(startup_id) else None
    if startup is None:
        raise NotFound(_l("Startup not found."))
    return startup


def update_startup(*, actor: User, startup_id: int, **fields) -> Startup:
    """Change a startup's profile. Its owner and members (and admins) only."""
    startup = get_startup(startup_id)
    organisations.require_member(actor, startup)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise Invalid(details={key: [str(_l("This field cannot be changed here."))] for key in sorted(unknown)})
    fields = _clean(fields)
    _check_choices(fields)
    for key, value in fields.items():
        setattr(startup, key, value)
    db.session.commit()
    return startup


def startups_for(user) -> list[Startup]:
    """The startups `user` owns or belongs to, by name."""
    return organisations.organisations_for(user, OrgKind.STARTUP)


# Showcase search -----------------------------------------------------------------------------

def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped (escape character "/")."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _tags_text():
    """The tags column as lowercase text (a JSON array), the same on SQLite and PostgreSQL."""
    return func.lower(cast(Startup.tags, Text))


def _json_forms(text: str) -> set[str]:
    """How `text` may appear inside stored JSON: with non-ASCII escaped (\\uXXXX) or as is."""
    return {json.dumps(text), json.dumps(text, ensure_ascii=False)}


def _tag_condition(tag: str):
    """Startups carrying exactly this tag (matched as a quoted JSON string)."""
    return or_(*(_tags_text().like(_like(form), escape="/") for form in _json_forms(tag)))


def search_startups(*, q: str | None = None, sector: str | None = None, stage: str | None = None,
                    tag: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """One page of the showcase: the best match first when `q` is given, else verified startups first, then the newest.

    `q` matches name, tags, sector, stage, summary, needs, description, highlights and city, in Chinese or English.
    """
    stmt = select(Startup).options(selectinload(Startup.memberships).selectinload(Membership.user))
    stmt, rank = join_matches(stmt, search.KIND, Startup.id, q)
    stmt = stmt.order_by(*([rank] if rank is not None else []), Startup.is_verified.desc(), Startup.created_at.desc(),
                         Startup.id.desc())
    if sector:
        stmt = stmt.where(Startup.sector == sector)
    if stage:
        stmt = stmt.where(Startup.stage == stage)
    tag = " ".join((tag or "").split()).lower()
    if tag:
        stmt = stmt.where(_tag_condition(tag))
    return paginate(stmt, page=page, per_page=per_page)


def popular_tags(*, limit: int = 12, sample: int = 500) -> list[str]:
    """The most used tags among the newest startups (for the showcase's tag chips)."""
    rows = db.session.scalars(select(Startup.tags).order_by(Startup.created_at.desc(), Startup.id.desc())
                              .limit(sample))
    counts = Counter(tag for tags in rows for tag in (tags or []))
    return [tag for tag, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]]
