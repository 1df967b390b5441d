"""Who is let into an invite-only roadshow: organisers invite people by email (an account now or later)
and answer registration requests. The rule that reads these facts is `live.access.can_watch`."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from app.accounts import services as account_services
from app.accounts.models import User
from app.core import uow
from app.core.errors import InvalidState, NotFound
from app.extensions import db
from app.roadshows.live.access import require_moderator
from app.roadshows.models import Registration, RegistrationStatus, Roadshow, RoadshowInvitation
from app.roadshows.services import get_roadshow


def invite(*, actor: User, roadshow_id: int, emails: list[str]) -> list[RoadshowInvitation]:
    """Invite people by email (idempotent). An account with the address is let in at once and told; an
    address without one gets an email and is let in once it signs up with it."""
    from app.notifications import services as notifications
    from app.roadshows import notifications as kinds  # noqa: F401  (registers the kinds)

    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    if roadshow.status in ("ended", "cancelled"):
        raise InvalidState(_l("This roadshow is over."), code="roadshow_closed")
    wanted = list(dict.fromkeys(account_services.normalise_email(e) for e in emails if e.strip()))
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        existing = {i.email: i for i in db.session.scalars(select(RoadshowInvitation).where(
            RoadshowInvitation.roadshow_id == roadshow.id, RoadshowInvitation.email.in_(wanted)))}
        out = []
        for email in wanted:
            if email in existing:
                out.append(existing[email])
                continue
            invitation = RoadshowInvitation(roadshow_id=roadshow.id, email=email, invited_by_id=actor.id)
            db.session.add(invitation)
            out.append(invitation)
            user = account_services.find_user_by_email(email)
            if user is None:
                uow.after_commit(notifications.send_email, to=email, **_invitation_email(roadshow, actor))
                continue
            registration = _registration(roadshow.id, user.id)
            if registration is not None:
                registration.status = RegistrationStatus.APPROVED
            else:
                db.session.add(Registration(roadshow_id=roadshow.id, user_id=user.id))
            notifications.notify(user=user, kind="roadshow_invited",
                                 data={"title": roadshow.title, "inviter": actor.name},
                                 url=f"/roadshows/{roadshow.id}")
        db.session.flush()
    return out


def _invitation_email(roadshow: Roadshow, actor: User) -> dict:
    from app.notifications.services import absolute_url
    url = absolute_url(f"/roadshows/{roadshow.id}")
    return {"subject": _("You are invited to %(title)s", title=roadshow.title),
            "text": _("%(name)s invites you to the roadshow %(title)s: %(url)s\n"
                      "Sign in or create an account with this email address to enter.",
                      name=actor.name, title=roadshow.title, url=url)}


def uninvite(*, actor: User, roadshow_id: int, invitation_id: int) -> None:
    """Withdraw an invitation; the account it let in loses its registration too."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        invitation = db.session.get(RoadshowInvitation, invitation_id)
        if invitation is None or invitation.roadshow_id != roadshow.id:
            raise NotFound(_l("No such invitation."), code="invitation_not_found")
        user = account_services.find_user_by_email(invitation.email)
        registration = _registration(roadshow.id, user.id) if user is not None else None
        if registration is not None:
            db.session.delete(registration)
        db.session.delete(invitation)


def admission(*, actor: User, roadshow_id: int) -> dict:
    """The invitations and the registrations (requests waiting for an answer first), for organisers."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    invitations = list(db.session.scalars(select(RoadshowInvitation).where(
        RoadshowInvitation.roadshow_id == roadshow.id).order_by(RoadshowInvitation.email)))
    waiting_first = case((Registration.status == RegistrationStatus.PENDING, 0), else_=1)
    registrations = list(db.session.scalars(select(Registration).where(Registration.roadshow_id == roadshow.id)
                                            .order_by(waiting_first, Registration.id)))
    return {"invitations": invitations, "registrations": registrations}


def decide_registration(*, actor: User, roadshow_id: int, user_id: int, approve: bool) -> Registration:
    """An organiser lets a person in (or turns the request down); the person is told."""
    from app.notifications import services as notifications
    from app.roadshows import notifications as kinds  # noqa: F401  (registers the kinds)

    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        registration = _registration(roadshow.id, user_id)
        if registration is None:
            raise NotFound(_l("This person has not asked to join."), code="registration_not_found")
        new = RegistrationStatus.APPROVED if approve else RegistrationStatus.DECLINED
        if registration.status != new:
            registration.status = new
            notifications.notify(user=registration.user,
                                 kind="roadshow_request_approved" if approve else "roadshow_request_declined",
                                 data={"title": roadshow.title}, url=f"/roadshows/{roadshow.id}")
    return registration


def _registration(roadshow_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.roadshow_id == roadshow_id,
                                                        Registration.user_id == user_id))
