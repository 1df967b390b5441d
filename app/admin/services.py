"""Admin use cases: the dashboard summary, user moderation and organisation verification.

Only admins (the `is_admin` flag) may call these; every function checks it first and raises
PermissionDenied otherwise. The user moves delegate to `app.accounts.services` and add the
notifications an admin decision should send.
"""
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.accounts import services as account_services
from app.accounts.models import Membership, Organisation, OrgKind, Role, User
from app.core import uow
from app.core.db import utcnow
from app.core.errors import NotFound, PermissionDenied
from app.extensions import db
from app.notifications import services as notifications
from app.providers.models import Provider  # noqa: F401  (registers the polymorphic subclass)
from app.startups.models import Startup  # noqa: F401  (registers the polymorphic subclass)

log = logging.getLogger(__name__)
NEW_USER_WINDOW = timedelta(days=7)
USER_STATUSES = ("active", "inactive")
ORG_KINDS = tuple(k.value for k in OrgKind)


@dataclass
class Overview:
    """The counts on the admin dashboard."""

    users_total: int = 0
    users_by_role: dict[str, int] = field(default_factory=dict)
    admins: int = 0
    deactivated: int = 0
    unverified_mentors: int = 0
    new_users_7d: int = 0
    startups: int = 0
    unverified_startups: int = 0
    providers: int = 0
    unverified_providers: int = 0


def _require_admin(actor: User | None) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_admin:
        raise PermissionDenied(_l("Only incubator admins can do that."))


def _count(stmt: Select) -> int:
    return db.session.scalar(stmt) or 0


def _routed_path(path: str, fallback: str | None) -> str | None:
    """`path` if a GET route serves it, else `fallback` (pages other domains may not have yet)."""
    adapter = current_app.url_map.bind(current_app.config.get("SERVER_NAME") or "localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return path
    except HTTPException:
        return fallback
    return path


def _org_path(org: Organisation) -> str | None:
    if org.kind == OrgKind.STARTUP:
        return _routed_path(f"/startups/{org.id}", _routed_path("/startups/mine", None))
    return _routed_path(f"/providers/{org.id}", _routed_path("/providers/mine", None))


# Dashboard -------------------------------------------------------------------------------------

def overview(*, actor: User) -> Overview:
    """Counts of users (by role, admins, deactivated, unverified mentors, new) and organisations."""
    _require_admin(actor)
    by_role = {role.value: 0 for role in Role}
    for role, n in db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)):
        by_role[role] = n
    users = select(func.count(User.id))
    orgs = select(func.count(Organisation.id))
    return Overview(
        users_total=sum(by_role.values()),
        users_by_role=by_role,
        admins=_count(users.where(User.is_admin.is_(True))),
        deactivated=_count(users.where(User.is_active_account.is_(False))),
        unverified_mentors=_count(users.where(User.role == Role.MENTOR, User.is_verified.is_(False))),
        new_users_7d=_count(users.where(User.created_at >= utcnow() - NEW_USER_WINDOW)),
        startups=_count(orgs.where(Organisation.kind == OrgKind.STARTUP)),
        unverified_startups=_count(orgs.where(Organisation.kind == OrgKind.STARTUP,
                                              Organisation.is_verified.is_(False))),
        providers=_count(orgs.where(Organisation.kind == OrgKind.PROVIDER)),
        unverified_providers=_count(orgs.where(Organisation.kind == OrgKind.PROVIDER,
                                               Organisation.is_verified.is_(False))),
    )


# Users -----------------------------------------------------------------------------------------

def list_users(*, actor: User, q: str | None = None, role: str | None = None, status: str | None = None,
               verified: bool | None = None) -> Select:
    """The users matching the filters, newest first (a select for `paginate`).

    :param role: founder, mentor, provider, investor, or "admin" for the admin flag.
    :param status: "active" or "inactive" (deactivated).
    """
    _require_admin(actor)
    stmt = account_services.list_users(actor=actor, q=q, role=role)
    if status in USER_STATUSES:
        stmt = stmt.where(User.is_active_account.is_(status == "active"))
    if verified is not None:
        stmt = stmt.where(User.is_verified.is_(verified))
    return stmt


def get_user(*, actor: User, user_id: int) -> User:
    _require_admin(actor)
    return account_services.get_user(user_id)


def deactivate_user(*, actor: User, user_id: int) -> User:
    """Deactivate an account: no sign-in, no API token, open sockets closed. Not your own."""
    _require_admin(actor)
    user = account_services.set_user_active(actor=actor, user_id=user_id, active=False)
    log.info("admin %s deactivated user %s", actor.id, user.id)
    return user


def reactivate_user(*, actor: User, user_id: int) -> User:
    """Let a deactivated account sign in again."""
    _require_admin(actor)
    user = account_services.set_user_active(actor=actor, user_id=user_id, active=True)
    log.info("admin %s reactivated user %s", actor.id, user.id)
    return user


def verify_mentor(*, actor: User, user_id: int) -> User:
    """Give a mentor the verified badge and tell them (once, when it changes)."""
    _require_admin(actor)
    with uow.unit_of_work():
        was_verified = account_services.get_user(user_id).is_verified
        user = account_services.set_user_verified(actor=actor, user_id=user_id, verified=True)
        if not was_verified:
            notifications.notify(user=user, kind="account_verified", data={},
                                 url=_routed_path(f"/mentors/{user.id}", "/settings"), email=True)
    return user


def unverify_mentor(*, actor: User, user_id: int) -> User:
    """Take a mentor's verified badge away."""
    _require_admin(actor)
    return account_services.set_user_verified(actor=actor, user_id=user_id, verified=False)


# Organisations ---------------------------------------------------------------------------------

def list_organisations(*, actor: User, q: str | None = None, kind: str | None = None,
                       verified: bool | None = None) -> Select:
    """Startups and provider organisations matching the filters, newest first (a select for `paginate`)."""
    _require_admin(actor)
    stmt = (select(Organisation)
            .options(selectinload(Organisation.memberships).selectinload(Membership.user))
            .order_by(Organisation.created_at.desc(), Organisation.id.desc()))
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(func.lower(Organisation.name).like(like) | func.lower(Organisation.city).like(like))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if verified is not None:
        stmt = stmt.where(Organisation.is_verified.is_(verified))
    return stmt


def get_organisation(*, actor: User, organisation_id: int) -> Organisation:
    _require_admin(actor)
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(_l("Organisation not found."))
    return org


def set_organisation_verified(*, actor: User, organisation_id: int, verified: bool) -> Organisation:
    """Give or take a startup's or provider's verified badge; the owner is told when it is given."""
    with uow.unit_of_work():
        org = get_organisation(actor=actor, organisation_id=organisation_id)
        changed = org.is_verified != verified
        org.is_verified = verified
        owner = org.owner
        if changed and verified and owner is not None:
            notifications.notify(user=owner, kind="org_verified", data={"org": org.name, "org_kind": org.kind},
                                 url=_org_path(org), email=True)
    log.info("admin %s set organisation %s verified=%s", actor.id, org.id, verified)
    return org
