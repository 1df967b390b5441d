"""Who may watch, post, present and moderate in a roadshow room: the one rule REST, sockets and the
reaction fast path all ask."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import organisations
from app.accounts.models import User
from app.core.errors import InvalidState, PermissionDenied, Unauthorized
from app.extensions import db
from app.roadshows.models import Mute, Pitch, Registration, Roadshow, RoadshowStatus, RoleKind, Visibility


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))




def is_moderator(user, roadshow: Roadshow) -> bool:
    """Admins, the organiser and the roadshow's moderators run the room."""
    if not signed_in(user):
        return False
    return user.is_admin or roadshow.created_by_id == user.id or user.id in roadshow.user_ids_with(RoleKind.MODERATOR)


def is_judge(user, roadshow: Roadshow) -> bool:
    return signed_in(user) and user.id in roadshow.user_ids_with(RoleKind.JUDGE)


def is_registered(user, roadshow: Roadshow) -> bool:
    if not signed_in(user):
        return False
    return db.session.scalar(select(Registration.id).where(
        Registration.roadshow_id == roadshow.id, Registration.user_id == user.id)) is not None


def is_presenter(user, pitch: Pitch | None) -> bool:
    return signed_in(user) and pitch is not None and pitch.presenter_id == user.id


def is_pitching_member(user, roadshow: Roadshow) -> bool:
    """A member of a startup on the agenda (they may always watch their own event)."""
    if not signed_in(user):
        return False
    return any(p.presenter_id == user.id or organisations.is_member(user, p.startup) for p in roadshow.pitches)


def can_watch(user, roadshow: Roadshow) -> bool:
    """Public rooms: anyone, anonymous too. Invite-only: registered people, the cast and the moderators."""
    if roadshow.visibility == Visibility.PUBLIC:
        return True
    return (is_moderator(user, roadshow) or is_judge(user, roadshow) or is_registered(user, roadshow)
            or is_pitching_member(user, roadshow))


def require_watch(user, roadshow: Roadshow) -> Roadshow:
    if not can_watch(user, roadshow):
        if not signed_in(user):
            raise Unauthorized(_l("Sign in and register to watch this roadshow."), code="registration_required")
        raise PermissionDenied(_l("This roadshow is invite-only: register first."), code="registration_required")
    return roadshow


def is_muted(user, roadshow: Roadshow) -> bool:
    return signed_in(user) and db.session.scalar(select(Mute.id).where(
        Mute.roadshow_id == roadshow.id, Mute.user_id == user.id)) is not None


def require_post(user, roadshow: Roadshow) -> User:
    """Who may chat, ask, vote and react: signed in, allowed to watch, not muted, while the room is open."""
    if not signed_in(user):
        raise Unauthorized(_l("Sign in to take part."), code="sign_in_required")
    require_watch(user, roadshow)
    if roadshow.status in (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED):
        raise InvalidState(_l("This roadshow has ended; the room is read-only."), code="roadshow_closed")
    if is_muted(user, roadshow):
        raise PermissionDenied(_l("A moderator has muted you in this room."), code="muted")
    return user


def require_moderator(user, roadshow: Roadshow) -> User:
    if not is_moderator(user, roadshow):
        raise PermissionDenied(_l("Only the roadshow's moderators can do that."), code="moderator_only")
    return user




def can_post(user, roadshow: Roadshow) -> bool:
    try:
        require_post(user, roadshow)
    except Exception:  # noqa: BLE001 (any refusal means "no")
        return False
    return True
