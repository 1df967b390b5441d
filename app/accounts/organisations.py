"""Organisations' members: owners, members, invitations by email link, leaving, removal, transfer.

Shared by both kinds of organisation, startups (founders) and provider organisations (providers).
An invitation carries a secret token that is mailed to the invitee and stored only as its SHA-256.
"""
import logging
from contextlib import nullcontext
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Invitation, MemberRole, Membership, Organisation, OrgKind, Role, User
from app.accounts.services import find_user_by_email, normalise_email
from app.core import uow
from app.core.db import utcnow
from app.core.errors import AppError, Conflict, InvalidState, NotFound, PermissionDenied
from app.core.security import hash_secret, new_secret
from app.extensions import db
from app.notifications import services as notifications

log = logging.getLogger(__name__)

INVITATION_TTL = timedelta(days=7)
MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger one cannot exist (and PostgreSQL would refuse it)
ROLE_FOR_KIND = {OrgKind.STARTUP.value: Role.FOUNDER.value, OrgKind.PROVIDER.value: Role.PROVIDER.value}
WRONG_ROLE_MESSAGES = {
    OrgKind.STARTUP.value: _l("Only founders can join a startup. This account is registered with another role."),
    OrgKind.PROVIDER.value: _l("Only service providers can join a provider organisation. "
                               "This account is registered with another role."),
}


def valid_id(value) -> bool:
    """True when `value` could be a row id (guards lookups against absurd path values)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def org_path(org: Organisation) -> str:
    """The site path of an organisation's public page."""
    return f"/startups/{org.id}" if org.kind == OrgKind.STARTUP else f"/providers/{org.id}"


def get_organisation(organisation_id: int) -> Organisation:
    org = db.session.get(Organisation, organisation_id) if valid_id(organisation_id) else None
    if org is None:
        raise NotFound(_l("Organisation not found."))
    return org


def _org(organisation: Organisation | int) -> Organisation:
    return organisation if isinstance(organisation, Organisation) else get_organisation(organisation)


def _membership(org: Organisation, user_id: int) -> Membership | None:
    return next((m for m in org.memberships if m.user_id == user_id), None)


def is_member(user, organisation: Organisation) -> bool:
    """True for the owner and the members (not for admins who are not members)."""
    return organisation.member_role(user) is not None


def can_edit(user, organisation: Organisation) -> bool:
    """Members, the owner and admins may edit an organisation."""
    return bool(getattr(user, "is_authenticated", False)) and (user.is_admin or is_member(user, organisation))


def can_manage(user, organisation: Organisation) -> bool:
    """The owner and admins manage members and invitations."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_admin or organisation.member_role(user) == MemberRole.OWNER)


def require_member(user, organisation: Organisation | int, *, allow_admin: bool = True) -> Organisation:
    """The organisation, or PermissionDenied unless `user` is its owner or a member (or an admin)."""
    org = _org(organisation)
    if not (is_member(user, org) or (allow_admin and getattr(user, "is_admin", False))):
        raise PermissionDenied(_l("Only the members of %(org)s can do that.", org=org.name), code="not_a_member")
    return org


def require_owner(user, organisation: Organisation | int, *, allow_admin: bool = True) -> Organisation:
    """The organisation, or PermissionDenied unless `user` owns it (or is an admin)."""
    org = _org(organisation)
    if org.member_role(user) != MemberRole.OWNER and not (allow_admin and getattr(user, "is_admin", False)):
        raise PermissionDenied(_l("Only the owner of %(org)s can do that.", org=org.name), code="not_the_owner")
    return org


def add_owner(org: Organisation, user: User) -> Membership:
    """Make `user` the owner of a new organisation (flushes; the caller commits)."""
    membership = Membership(user_id=user.id, role=MemberRole.OWNER)
    org.memberships.append(membership)
    db.session.flush()
    return membership


def sorted_members(org: Organisation) -> list[Membership]:
    """Owner first, then members in the order they joined."""
    now = utcnow()
    return sorted(org.memberships, key=lambda m: (m.role != MemberRole.OWNER, m.created_at or now, m.id or 0))


def list_members(*, organisation_id: int) -> list[Membership]:
    """The public team list of an organisation."""
    return sorted_members(get_organisation(organisation_id))


def organisations_for(user, kind: str) -> list[Organisation]:
    """The organisations of one kind that `user` belongs to, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        select(Organisation).join(Membership).where(Membership.user_id == user.id, Organisation.kind == kind)
        .options(selectinload(Organisation.memberships)).order_by(Organisation.name, Organisation.id)))


# Invitations ---------------------------------------------------------------------------------

def invitation_url(token: str) -> str:
    return f"{current_app.config['SITE_URL']}/invitations/{token}"


def invitation_status(invitation: Invitation) -> str:
    """pending, accepted, revoked or expired."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "pending"


def _wrong_role(user: User, org: Organisation) -> AppError | None:
    if user.role != ROLE_FOR_KIND[org.kind]:
        return Conflict(WRONG_ROLE_MESSAGES[org.kind], code="wrong_role",
                        details={"required_role": ROLE_FOR_KIND[org.kind], "role": user.role})
    return None


def invite(*, actor: User, organisation_id: int, email: str) -> tuple[Invitation, str]:
    """Invite an email address to join. Returns the invitation and its secret token (never stored).

    Inviting an address that already has a pending invitation replaces it; inviting a member, or an
    account whose role cannot join this kind of organisation, is a Conflict.
    """
    email = normalise_email(email)
    with uow.unit_of_work():
        org = require_owner(actor, organisation_id)
        invitee = find_user_by_email(email)
        if invitee is not None:
            if is_member(invitee, org):
                raise Conflict(_l("%(name)s is already a member of %(org)s.", name=invitee.name, org=org.name),
                               code="already_member")
            if problem := _wrong_role(invitee, org):
                raise problem
        now = utcnow()
        for old in org.invitations:
            if old.email == email and old.accepted_at is None and old.revoked_at is None:
                old.revoked_at = now  # replaced: its link stops working
        token = new_secret(32)
        invitation = Invitation(organisation_id=org.id, email=email, token_hash=hash_secret(token),
                                invited_by_id=actor.id, expires_at=now + INVITATION_TTL)
        db.session.add(invitation)
        db.session.flush()
        _send_invitation(invitation, token, actor, org, invitee)
    log.info("user %s invited %s to organisation %s", actor.id, email, org.id)
    return invitation, token


def _send_invitation(invitation: Invitation, token: str, actor: User, org: Organisation, invitee: User | None) -> None:
    """Inside the invitation's unit of work: the email is queued, and the invitee notified, after its commit."""
    url = invitation_url(token)
    with force_locale(actor.locale) if actor.locale else nullcontext():
        what = _("the startup %(org)s", org=org.name) if org.kind == OrgKind.STARTUP else \
            _("the provider organisation %(org)s", org=org.name)
        subject = _("%(name)s invited you to join %(org)s on Fuhua", name=actor.name, org=org.name)
        text = _("Hello,\n\n%(name)s invited you to join %(what)s on Fuhua, the cloud incubation platform.\n\n"
                 "Open this link to accept the invitation (it is valid for 7 days):\n%(url)s\n\n"
                 "Sign in or create an account with this email address (%(email)s) first.\n"
                 "If you did not expect this invitation, you can ignore this email.",
                 name=actor.name, what=what, url=url, email=invitation.email)
    uow.after_commit(notifications.send_email, to=invitation.email, subject=subject, text=text)
    if invitee is not None:
        notifications.notify(user=invitee, kind="invitation_received",
                             data={"org": org.name, "org_kind": org.kind, "inviter": actor.name},
                             url=f"/invitations/{token}", email=False)


def list_invitations(*, actor: User, organisation_id: int) -> list[Invitation]:
    """Open invitations (pending or expired, not accepted or revoked), newest first. Owner only."""
    org = require_owner(actor, organisation_id)
    return list(db.session.scalars(
        select(Invitation).where(Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def revoke_invitation(*, actor: User, invitation_id: int) -> Invitation:
    """Withdraw an invitation so its link stops working. Owner only."""
    # locked first: an accept running now finishes before this reads it, or waits for it
    with uow.unit_of_work(lock=[(Invitation, invitation_id)] if valid_id(invitation_id) else []):
        invitation = db.session.get(Invitation, invitation_id) if valid_id(invitation_id) else None
        if invitation is None:
            raise NotFound(_l("Invitation not found."), code="invitation_not_found")
        require_owner(actor, invitation.organisation)
        if invitation.accepted_at is not None:
            raise InvalidState(_l("This invitation has already been accepted."), code="invitation_used")
        if invitation.revoked_at is not None:
            raise InvalidState(_l("This invitation was already withdrawn."), code="invitation_revoked")
        invitation.revoked_at = utcnow()
    return invitation


def find_invitation(token: str) -> Invitation:
    """The invitation a link's token belongs to, or NotFound."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_secret(token or "")))
    if invitation is None:
        raise NotFound(_l("This invitation link is not valid. Check that you copied all of it."),
                       code="invitation_not_found")
    return invitation


def _mask_email(email: str) -> str:
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else email


def invitation_problem(invitation: Invitation, user: User | None) -> AppError | None:
    """Why `user` (None: not signed in) cannot accept `invitation` now, or None when they can."""
    org = invitation.organisation
    status = invitation_status(invitation)
    if status == "revoked":
        return InvalidState(_l("This invitation was withdrawn. Ask the owner of %(org)s for a new one.", org=org.name),
                            code="invitation_revoked")
    if status == "accepted":
        return InvalidState(_l("This invitation has already been used."), code="invitation_used")
    if status == "expired":
        return InvalidState(_l("This invitation has expired. Ask the owner of %(org)s for a new one.", org=org.name),
                            code="invitation_expired")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if normalise_email(user.email) != invitation.email:
        return PermissionDenied(
            _l("This invitation was sent to %(invited)s, but you are signed in as %(email)s. "
               "Sign in with the invited address to accept it.", invited=_mask_email(invitation.email),
               email=user.email), code="wrong_email")
    if is_member(user, org):
        return Conflict(_l("You are already a member of %(org)s.", org=org.name), code="already_member")
    return _wrong_role(user, org)


def accept_invitation(*, user: User, token: str) -> Membership:
    """Join the organisation an invitation is for. The signed-in user's email must match it."""
    found = find_invitation(token)  # locked first: a withdrawal running now finishes first, or waits for this
    with uow.unit_of_work(lock=[(Invitation, found.id)]):
        invitation = find_invitation(token)
        if problem := invitation_problem(invitation, user):
            raise problem
        org = invitation.organisation
        membership = Membership(organisation_id=org.id, user_id=user.id, role=MemberRole.MEMBER)
        invitation.accepted_at = utcnow()
        invitation.accepted_by_id = user.id
        try:
            with db.session.begin_nested():
                db.session.add(membership)
        except IntegrityError:  # a concurrent accept won the race
            raise Conflict(_l("You are already a member of %(org)s.", org=org.name), code="already_member") from None
        owner = org.owner
        if owner is not None and owner.id != user.id:
            notifications.notify(user=owner, kind="invitation_accepted",
                                 data={"name": user.name, "org": org.name, "org_kind": org.kind},
                                 url=org_path(org), email=True)
    return membership


# Leaving, removal, transfer ------------------------------------------------------------------

def leave(*, user: User, organisation_id: int) -> None:
    """Leave an organisation. The owner must hand ownership to another member first."""
    # locked first: of two owners leaving at once, the second sees it is the last
    with uow.unit_of_work(lock=[(Organisation, organisation_id)] if valid_id(organisation_id) else []):
        org = get_organisation(organisation_id)
        membership = _membership(org, user.id)
        if membership is None:
            raise Conflict(_l("You are not a member of %(org)s.", org=org.name), code="not_member")
        others_own = any(m.role == MemberRole.OWNER and m.user_id != user.id for m in org.memberships)
        if membership.role == MemberRole.OWNER and not others_own:
            raise Conflict(_l("You are the owner of %(org)s. Transfer ownership to another member before you leave.",
                              org=org.name), code="last_owner")
        org.memberships.remove(membership)


def remove_member(*, actor: User, organisation_id: int, user_id: int) -> None:
    """Take a member out of an organisation. Owner only; the owner cannot be removed."""
    with uow.unit_of_work():
        org = require_owner(actor, organisation_id)
        membership = _membership(org, user_id) if valid_id(user_id) else None
        if membership is None:
            raise NotFound(_l("That person is not a member of %(org)s.", org=org.name), code="not_member")
        if membership.role == MemberRole.OWNER:
            raise Conflict(_l("The owner cannot be removed. Transfer ownership first."), code="cannot_remove_owner")
        removed = membership.user
        org.memberships.remove(membership)
        notifications.notify(user=removed, kind="member_removed", data={"org": org.name, "org_kind": org.kind},
                             url=org_path(org))


def transfer_ownership(*, actor: User, organisation_id: int, user_id: int) -> Membership:
    """Make another member the owner; the previous owner stays on as a member. Owner only."""
    # locked first: of two transfers at once, the second finds its actor no longer the owner
    with uow.unit_of_work(lock=[(Organisation, organisation_id)] if valid_id(organisation_id) else []):
        org = require_owner(actor, organisation_id)
        target = _membership(org, user_id) if valid_id(user_id) else None
        if target is None:
            raise NotFound(_l("That person is not a member of %(org)s.", org=org.name), code="not_member")
        if target.role == MemberRole.OWNER:
            raise Conflict(_l("%(name)s already owns %(org)s.", name=target.user.name, org=org.name),
                           code="already_owner")
        for membership in org.memberships:
            if membership.role == MemberRole.OWNER:
                membership.role = MemberRole.MEMBER
        target.role = MemberRole.OWNER
        log.info("user %s transferred organisation %s to user %s", actor.id, org.id, user_id)
    return target
