"""Who may watch, post, present and moderate in a roadshow room: one rule for each, asked by REST, the
socket handlers and the reaction fast path alike.

The facts behind a rule come from the database here (`require_post`, `is_moderator`), from the room's
shared view when a viewer joins (`snapshot.View`), or from this process's second-old snapshot of the
room when a reaction allowance is renewed (`state.LiveState.renew`); the rule itself is written once.
"""
from __future__ import annotations

from collections.abc import Callable, Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import organisations
from app.accounts.models import User
from app.core.errors import AppError, InvalidState, PermissionDenied, Unauthorized
from app.extensions import db
from app.roadshows.models import (
    Mute,
    Pitch,
    Registration,
    RegistrationStatus,
    Roadshow,
    RoadshowInvitation,
    RoadshowStatus,
    RoleKind,
    Visibility,
)


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


CLOSED = (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED)


def is_open(status: str) -> bool:
    """A room takes posts until the roadshow ends or is cancelled; then it is read-only."""
    return status not in CLOSED


def moderates(user, *, created_by_id: int | None, moderator_ids: Callable[[], Collection[int]]) -> bool:
    """Admins, the organiser and the roadshow's moderators run the room (`moderator_ids` is asked last)."""
    if not signed_in(user):
        return False
    return user.is_admin or created_by_id == user.id or user.id in moderator_ids()


def post_refusal(*, signed_in: bool, may_watch: Callable[[], bool], room_open: bool,
                 muted: Callable[[], bool]) -> AppError | None:
    """Why this person may not chat, ask, vote, react or raise a hand here, or None if they may: they must
    be signed in, allowed to watch, in a room still open, and not muted. `may_watch` and `muted` are asked
    only when the answer depends on them."""
    if not signed_in:
        return Unauthorized(_l("Sign in to take part."), code="sign_in_required")
    if not may_watch():
        return PermissionDenied(_l("This roadshow is invite-only: register first."), code="registration_required")
    if not room_open:
        return InvalidState(_l("This roadshow has ended; the room is read-only."), code="roadshow_closed")
    if muted():
        return PermissionDenied(_l("A moderator has muted you in this room."), code="muted")
    return None


def is_moderator(user, roadshow: Roadshow) -> bool:
    """Admins, the organiser and the roadshow's moderators run the room."""
    return moderates(user, created_by_id=roadshow.created_by_id,
                     moderator_ids=lambda: roadshow.user_ids_with(RoleKind.MODERATOR))


def is_judge(user, roadshow: Roadshow) -> bool:
    return signed_in(user) and user.id in roadshow.user_ids_with(RoleKind.JUDGE)


def registration_status(user, roadshow: Roadshow) -> str | None:
    """approved, pending (a request to join an invite-only roadshow), declined, or None."""
    if not signed_in(user):
        return None
    return db.session.scalar(select(Registration.status).where(
        Registration.roadshow_id == roadshow.id, Registration.user_id == user.id))


def is_registered(user, roadshow: Roadshow) -> bool:
    """Registered and let in (a request to join an invite-only roadshow counts once an organiser approves it)."""
    return registration_status(user, roadshow) == RegistrationStatus.APPROVED


def is_invited(user, roadshow: Roadshow) -> bool:
    """An organiser invited this account's email address."""
    if not signed_in(user):
        return False
    return db.session.scalar(select(RoadshowInvitation.id).where(
        RoadshowInvitation.roadshow_id == roadshow.id,
        RoadshowInvitation.email == (user.email or "").strip().lower())) is not None


def is_presenter(user, pitch: Pitch | None) -> bool:
    return signed_in(user) and pitch is not None and pitch.presenter_id == user.id


def is_pitching_member(user, roadshow: Roadshow) -> bool:
    """A member of a startup on the agenda (they may always watch their own event)."""
    if not signed_in(user):
        return False
    return any(p.presenter_id == user.id or organisations.is_member(user, p.startup) for p in roadshow.pitches)


def can_watch(user, roadshow: Roadshow) -> bool:
    """Public rooms: anyone, anonymous too. Invite-only: invited people, approved registrations, the cast
    (founders of pitches on the agenda, judges) and the moderators; nobody else, whatever the route."""
    if roadshow.visibility == Visibility.PUBLIC:
        return True
    if not signed_in(user):
        return False
    return (is_moderator(user, roadshow) or is_judge(user, roadshow) or is_invited(user, roadshow)
            or is_registered(user, roadshow) or is_pitching_member(user, roadshow))


def require_watch(user, roadshow: Roadshow) -> Roadshow:
    if not can_watch(user, roadshow):
        if not signed_in(user):
            raise Unauthorized(_l("Sign in and register to watch this roadshow."), code="registration_required")
        raise PermissionDenied(_l("This roadshow is invite-only: ask the organisers to let you in."),
                               code="registration_required")
    return roadshow


def is_muted(user, roadshow: Roadshow) -> bool:
    return signed_in(user) and db.session.scalar(select(Mute.id).where(
        Mute.roadshow_id == roadshow.id, Mute.user_id == user.id)) is not None


def post_refusal_in(user, roadshow: Roadshow) -> AppError | None:
    """`post_refusal` with the facts read from the database."""
    return post_refusal(signed_in=signed_in(user), may_watch=lambda: can_watch(user, roadshow),
                        room_open=is_open(roadshow.status), muted=lambda: is_muted(user, roadshow))


def require_post(user, roadshow: Roadshow) -> User:
    """Who may chat, ask, vote and react (`post_refusal`); raises the refusal."""
    refusal = post_refusal_in(user, roadshow)
    if refusal is not None:
        raise refusal
    return user


def require_moderator(user, roadshow: Roadshow) -> User:
    if not is_moderator(user, roadshow):
        raise PermissionDenied(_l("Only the roadshow's moderators can do that."), code="moderator_only")
    return user


def can_post(user, roadshow: Roadshow) -> bool:
    return post_refusal_in(user, roadshow) is None
