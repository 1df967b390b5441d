"""Roadshow use cases: create and edit roadshows and their agenda, and register.

Who may watch or post is in `live/access.py`; the live room's use cases (chat, Q&A, polls, stage) in
`live/use_cases.py`; decks in `decks.py`.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import User
from app.core import realtime, uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, InvalidState, NotFound, PermissionDenied, Unauthorized
from app.core.pagination import Page, paginate
from app.extensions import db
from app.roadshows import notifications, search
from app.roadshows.live.access import can_watch, is_moderator, is_presenter, require_moderator, signed_in
from app.roadshows.lookups import get_pitch, get_roadshow  # noqa: F401  (the domain's look-ups)
from app.roadshows.models import (
    Pitch,
    PitchState,
    PitchStatus,
    Registration,
    RegistrationStatus,
    Roadshow,
    RoadshowRole,
    RoadshowStatus,
    RoleKind,
    Visibility,
)
from app.roadshows.room import roadshow_room
from app.roadshows.signals import stage_changed
from app.search.engine import join_matches
from app.startups.models import Startup

log = logging.getLogger(__name__)

VISIBILITIES = [v.value for v in Visibility]
STATUSES = [s.value for s in RoadshowStatus]
EDITABLE = {"title", "description", "starts_at", "ends_at", "visibility", "status", "premoderate_questions",
            "anonymous_questions", "record_pitches", "criteria", "leaderboard_published"}


# Lookups -------------------------------------------------------------------------------------

def get_agenda_pitch(pitch_id: int) -> Pitch:
    """A pitch on an agenda (an application waiting for approval, or declined, is not one)."""
    pitch = get_pitch(pitch_id)
    if pitch.status != PitchStatus.APPROVED:
        raise NotFound(_l("No such pitch."), code="pitch_not_found")
    return pitch


# Access rules ---------------------------------------------------------------------------------

def can_edit_pitch(user, pitch: Pitch) -> bool:
    """The pitch's presenter, its startup's members, and the roadshow's moderators; nobody edits a declined
    application."""
    return signed_in(user) and pitch.status != PitchStatus.DECLINED and (
        is_moderator(user, pitch.roadshow) or is_presenter(user, pitch) or organisations.is_member(user, pitch.startup))


def can_see_pitch(user, pitch: Pitch) -> bool:
    """A pitch on the agenda: whoever may watch the roadshow; an application: its founders and the organisers."""
    if pitch.status == PitchStatus.APPROVED:
        return can_watch(user, pitch.roadshow)
    return signed_in(user) and (is_moderator(user, pitch.roadshow) or is_presenter(user, pitch)
                                 or organisations.is_member(user, pitch.startup))


# Roadshows -----------------------------------------------------------------------------------

def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid(details={"ends_at": [str(_l("The end must be after the start."))]})


def _check_criteria(criteria: list[dict]) -> list[dict]:
    names = [c["name"].strip() for c in criteria]
    if len(set(n.lower() for n in names)) != len(names) or not all(names):
        raise Invalid(details={"criteria": [str(_l("Give each criterion a different name."))]})
    return [{"name": c["name"].strip(), "weight": float(c["weight"])} for c in criteria]


def _users_by_id(ids: list[int], field: str) -> list[User]:
    users = [db.session.get(User, i) for i in dict.fromkeys(ids) if organisations.valid_id(i)]
    if len(users) != len(set(ids)) or any(u is None for u in users):
        raise Invalid(details={field: [str(_l("Some of these people do not exist."))]})
    return users


def _set_roles(roadshow: Roadshow, kind: str, user_ids: list[int]) -> None:
    """Who holds `kind` now: roles of people still listed stay (re-adding them would break the unique row)."""
    users = _users_by_id(user_ids, f"{kind}_ids")
    wanted = {u.id for u in users}
    kept = [r for r in roadshow.roles if r.role != kind or r.user_id in wanted]
    held = {r.user_id for r in kept if r.role == kind}
    roadshow.roles = kept + [RoadshowRole(user=u, role=kind) for u in users if u.id not in held]


def set_role(*, actor: User, roadshow_id: int, user_id: int, role: str, held: bool = True) -> Roadshow:
    """Admins make someone a moderator or a judge of a roadshow (`held`), or take the role away."""
    if role not in (RoleKind.MODERATOR, RoleKind.JUDGE):
        raise Invalid(details={"role": [str(_l("Choose moderator or judge."))]})
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    if not actor.is_admin:
        raise PermissionDenied(_l("Only admins choose moderators and judges."))
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        [user] = _users_by_id([user_id], "user_id")
        ids = roadshow.user_ids_with(role)
        _set_roles(roadshow, role, sorted(ids | {user.id} if held else ids - {user.id}))
    return roadshow


def create_roadshow(*, actor: User, title: str, starts_at: datetime, ends_at: datetime, description: str = "",
                    visibility: str = Visibility.PUBLIC, premoderate_questions: bool = False,
                    anonymous_questions: bool = False, record_pitches: bool = False,
                    criteria: list[dict] | None = None, moderator_ids: list[int] | None = None,
                    judge_ids: list[int] | None = None) -> Roadshow:
    """Admins schedule a roadshow."""
    if not actor.is_admin:
        raise PermissionDenied(_l("Only admins can create roadshows."))
    _check_times(starts_at, ends_at)
    roadshow = Roadshow(title=title.strip(), description=description.strip(), starts_at=starts_at, ends_at=ends_at,
                        visibility=visibility, premoderate_questions=premoderate_questions,
                        anonymous_questions=anonymous_questions, record_pitches=record_pitches,
                        criteria=_check_criteria(criteria or []), created_by=actor)
    _set_roles(roadshow, RoleKind.MODERATOR, moderator_ids or [])
    _set_roles(roadshow, RoleKind.JUDGE, judge_ids or [])
    db.session.add(roadshow)
    db.session.commit()
    return roadshow


def update_roadshow(*, actor: User, roadshow_id: int, **fields) -> Roadshow:
    """Admins and the roadshow's moderators edit it (publishing the leaderboard among others)."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    moderator_ids, judge_ids = fields.pop("moderator_ids", None), fields.pop("judge_ids", None)
    if (moderator_ids is not None or judge_ids is not None) and not actor.is_admin:
        raise PermissionDenied(_l("Only admins choose moderators and judges."))
    starts_at, ends_at = fields.get("starts_at", roadshow.starts_at), fields.get("ends_at", roadshow.ends_at)
    _check_times(starts_at, ends_at)
    if "criteria" in fields:
        fields["criteria"] = _check_criteria(fields["criteria"])
    # Ending goes the room's way (polls close, the room hears it); the room's package builds on this module.
    end = fields.get("status") == RoadshowStatus.ENDED and roadshow.status not in (RoadshowStatus.ENDED,
                                                                                  RoadshowStatus.CANCELLED)
    if end:
        fields.pop("status")
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        before, recorded = (roadshow.status, roadshow.starts_at), roadshow.record_pitches
        for key, value in fields.items():
            if key in EDITABLE:
                setattr(roadshow, key, value.strip() if isinstance(value, str) and key != "status" else value)
        if moderator_ids is not None:
            _set_roles(roadshow, RoleKind.MODERATOR, moderator_ids)
        if judge_ids is not None:
            _set_roles(roadshow, RoleKind.JUDGE, judge_ids)
        db.session.flush()
        if roadshow.record_pitches != recorded:
            _consent_changed(roadshow)
        notifications.tell_audience(actor, roadshow, *before)
        if end:
            from app.roadshows.live.use_cases import set_stage
            set_stage(actor=actor, roadshow_id=roadshow.id, pitch_id=None, state="ended")
    return roadshow


def _consent_changed(roadshow: Roadshow) -> None:
    """Recording starts or stops with the stage (app.video.recording listens), and the room's notice follows."""
    uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "video:recording",
                     {"roadshow_id": roadshow.id, "record_pitches": roadshow.record_pitches})
    uow.after_commit(stage_changed.send, roadshow.id)


def _visible_filter(stmt, user):
    if signed_in(user) and user.is_admin:
        return stmt
    if not signed_in(user):
        return stmt.where(Roadshow.visibility == Visibility.PUBLIC)
    # Invite-only roadshows are listed too (people ask to join them); their agenda and room are not shown.
    return stmt


def _mask(roadshow: Roadshow, user) -> Roadshow:
    """Hide the agenda of an invite-only roadshow from someone who may not watch it (`Roadshow.visible_pitches`)."""
    roadshow.agenda_hidden = not can_watch(user, roadshow)
    return roadshow


def list_roadshows(*, user=None, when: str | None = None, q: str | None = None, page: int = 1,
                   per_page: int = 20) -> Page:
    """Roadshows, upcoming (soonest first) or past (latest first); all of them soonest first otherwise.

    `q` keeps those whose title, pitches (titles and startups) or description match, in Chinese or English.
    """
    stmt = _visible_filter(select(Roadshow).options(selectinload(Roadshow.pitches)), user)
    stmt, _rank = join_matches(stmt, search.KIND, Roadshow.id, q)
    stmt = stmt.where(Roadshow.status != RoadshowStatus.CANCELLED) if when else stmt
    now = utcnow()
    if when == "upcoming":
        stmt = stmt.where(Roadshow.ends_at >= now, Roadshow.status != RoadshowStatus.ENDED).order_by(
            Roadshow.starts_at, Roadshow.id)
    elif when == "past":
        stmt = stmt.where((Roadshow.ends_at < now) | (Roadshow.status == RoadshowStatus.ENDED)).order_by(
            Roadshow.starts_at.desc(), Roadshow.id.desc())
    else:
        stmt = stmt.order_by(Roadshow.starts_at, Roadshow.id)
    result = paginate(stmt, page=page, per_page=per_page)
    for roadshow in result.items:
        _mask(roadshow, user)
    return result


def view_roadshow(*, user, roadshow_id: int) -> Roadshow:
    """A roadshow's details; its agenda only for people who may watch it (invite-only: the invited)."""
    roadshow = get_roadshow(roadshow_id)
    if roadshow.visibility == Visibility.INVITE_ONLY and not signed_in(user):
        raise Unauthorized(_l("Sign in to see this invite-only roadshow."))
    return _mask(roadshow, user)


def organisers(roadshow: Roadshow) -> list[User]:
    """Whom to tell about requests and applications: the organiser who created it and its moderators."""
    people = {r.user.id: r.user for r in roadshow.roles if r.role == RoleKind.MODERATOR}
    if roadshow.created_by is not None:
        people[roadshow.created_by.id] = roadshow.created_by
    return list(people.values())


# Agenda --------------------------------------------------------------------------------------

def add_pitch(*, actor: User, roadshow_id: int, startup_id: int, title: str, duration_minutes: int = 10,
              stream_url: str | None = None, presenter_id: int | None = None, note: str | None = None) -> Pitch:
    """Organisers put any startup on the agenda. A founder applies with their own startup (and presents
    it): the pitch is an application (`status` pending) until an organiser approves it; an invite-only
    roadshow takes applications only from people let in."""
    roadshow = get_roadshow(roadshow_id)
    startup = db.session.get(Startup, startup_id) if organisations.valid_id(startup_id) else None
    if startup is None:
        raise Invalid(details={"startup_id": [str(_l("No such startup."))]})
    moderator = is_moderator(actor, roadshow)
    if not moderator and not organisations.is_member(actor, startup):
        raise PermissionDenied(_l("You can only add your own startup's pitch."))
    if not moderator and not can_watch(actor, roadshow):
        raise PermissionDenied(_l("This roadshow is invite-only: ask the organisers to let you in."),
                               code="registration_required")
    if roadshow.status in (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED):
        raise InvalidState(_l("This roadshow is over."), code="roadshow_closed")
    presenter = _presenter(actor, startup, presenter_id, moderator)
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        if not moderator and db.session.scalar(select(Pitch.id).where(
                Pitch.roadshow_id == roadshow.id, Pitch.startup_id == startup.id,
                Pitch.status == PitchStatus.PENDING)) is not None:
            raise Conflict(_l("%(startup)s has already applied; wait for the organisers' answer.",
                              startup=startup.name), code="already_applied")
        pitch = Pitch(roadshow_id=roadshow.id, startup=startup, presenter=presenter, title=title.strip(),
                      duration_minutes=duration_minutes, stream_url=stream_url or None,
                      position=_next_position(roadshow.id) if moderator else 0,
                      status=PitchStatus.APPROVED if moderator else PitchStatus.PENDING,
                      note=(note or "").strip() or None)
        db.session.add(pitch)
        db.session.flush()
        if not moderator:
            _notify_organisers(roadshow, "pitch_application", {"startup": startup.name, "title": pitch.title,
                                                               "roadshow": roadshow.title})
    db.session.expire(roadshow, ["pitches", "applications"])
    return pitch


def _next_position(roadshow_id: int) -> int:
    from sqlalchemy import func
    return (db.session.scalar(select(func.max(Pitch.position)).where(
        Pitch.roadshow_id == roadshow_id, Pitch.status == PitchStatus.APPROVED)) or 0) + 1


def _notify_organisers(roadshow: Roadshow, kind: str, data: dict) -> None:
    from app.notifications.services import notify
    for person in organisers(roadshow):
        notify(user=person, kind=kind, data=data, url=f"/roadshows/{roadshow.id}/edit")


def _notify_founders(pitch: Pitch, kind: str, data: dict) -> None:
    from app.notifications.services import notify
    people = {m.user.id: m.user for m in pitch.startup.memberships}
    if pitch.presenter is not None:
        people[pitch.presenter.id] = pitch.presenter
    for person in people.values():
        notify(user=person, kind=kind, data=data, url=f"/roadshows/{pitch.roadshow_id}")


def decide_application(*, actor: User, pitch_id: int, approve: bool) -> Pitch:
    """An organiser approves a founder's application (it joins the end of the agenda) or declines it;
    the founders are told."""
    pitch = get_pitch(pitch_id)
    roadshow = pitch.roadshow
    require_moderator(actor, roadshow)
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id), (Pitch, pitch.id)]):
        db.session.refresh(pitch)
        if pitch.status != PitchStatus.PENDING:
            raise InvalidState(_l("This application has been decided already."), code="already_decided")
        if approve and roadshow.status in (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED):
            raise InvalidState(_l("This roadshow is over."), code="roadshow_closed")
        pitch.status = PitchStatus.APPROVED if approve else PitchStatus.DECLINED
        pitch.decided_at = utcnow()
        if approve:
            pitch.position = _next_position(roadshow.id)
        db.session.flush()
        _notify_founders(pitch, "pitch_approved" if approve else "pitch_declined",
                         {"title": pitch.title, "roadshow": roadshow.title})
    db.session.expire(roadshow, ["pitches", "applications"])
    return pitch


def applications_for(user, roadshow: Roadshow) -> list[Pitch]:
    """Applications to pitch: organisers see those waiting; a founder sees their startups' ones, whatever
    their status (approved ones included, so they can follow and edit them)."""
    if not signed_in(user):
        return []
    if is_moderator(user, roadshow):
        return [p for p in roadshow.applications if p.status == PitchStatus.PENDING]
    mine = {o.id for o in organisations.organisations_for(user, "startup")}
    if not mine:
        return []
    return list(db.session.scalars(select(Pitch).where(Pitch.roadshow_id == roadshow.id,
                                                       Pitch.startup_id.in_(mine)).order_by(Pitch.id)))


def _presenter(actor: User, startup: Startup, presenter_id: int | None, moderator: bool) -> User | None:
    if presenter_id is None:
        return actor if organisations.is_member(actor, startup) else startup.owner
    presenter = db.session.get(User, presenter_id) if organisations.valid_id(presenter_id) else None
    if presenter is None or not organisations.is_member(presenter, startup):
        raise Invalid(details={"presenter_id": [str(_l("The presenter must be a member of the startup."))]})
    return presenter


def update_pitch(*, actor: User, pitch_id: int, **fields) -> Pitch:
    """Edit a pitch's title, duration, stream or place in the agenda."""
    pitch = get_pitch(pitch_id)
    if not can_edit_pitch(actor, pitch):
        raise PermissionDenied(_l("You cannot edit this pitch."))
    if "position" in fields and not is_moderator(actor, pitch.roadshow):
        raise PermissionDenied(_l("Only moderators change the order of the agenda."))
    if fields.get("presenter_id") is not None:
        pitch.presenter = _presenter(actor, pitch.startup, fields["presenter_id"], True)
    for key in ("title", "duration_minutes", "stream_url", "position", "note"):
        if key in fields:
            value = fields[key]
            setattr(pitch, key, (value.strip() or None) if isinstance(value, str) and key in ("stream_url", "note")
                    else value.strip() if isinstance(value, str) else value)
    db.session.commit()
    return pitch


def move_pitch(*, actor: User, pitch_id: int, offset: int) -> list[Pitch]:
    """Organisers move a pitch `offset` places along the agenda; positions become 1..n. Returns the agenda."""
    pitch = get_pitch(pitch_id)
    roadshow = pitch.roadshow
    require_moderator(actor, roadshow)
    if pitch.status != PitchStatus.APPROVED:
        raise NotFound(_l("No such pitch."), code="pitch_not_found")
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        agenda = list(db.session.scalars(select(Pitch).where(
            Pitch.roadshow_id == roadshow.id, Pitch.status == PitchStatus.APPROVED).order_by(Pitch.position, Pitch.id)))
        index = next(i for i, p in enumerate(agenda) if p.id == pitch.id)
        agenda.insert(max(0, min(len(agenda) - 1, index + offset)), agenda.pop(index))
        for number, item in enumerate(agenda, start=1):
            item.position = number
    db.session.expire(roadshow, ["pitches"])
    return agenda


def delete_pitch(*, actor: User, pitch_id: int) -> None:
    """Organisers remove an upcoming pitch from the agenda; founders withdraw their application."""
    pitch = get_pitch(pitch_id)
    roadshow = pitch.roadshow
    if not is_moderator(actor, roadshow):
        if pitch.status == PitchStatus.APPROVED or not can_see_pitch(actor, pitch):
            raise PermissionDenied(_l("Only the roadshow's moderators can do that."), code="moderator_only")
    if pitch.state != PitchState.UPCOMING or roadshow.current_pitch_id == pitch.id:
        raise InvalidState(_l("Only an upcoming pitch can be removed."), code="pitch_started")
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        db.session.delete(pitch)
    db.session.expire(roadshow, ["pitches", "applications"])


# Registration --------------------------------------------------------------------------------

def register(*, user: User, roadshow_id: int) -> Registration:
    """Register for a roadshow (reminders; idempotent). For an invite-only one this is a request an organiser
    approves, unless the person is let in already (invited, on the agenda, moderating, judging)."""
    roadshow = get_roadshow(roadshow_id)
    if roadshow.status in (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED):
        raise InvalidState(_l("This roadshow is over."), code="roadshow_closed")
    let_in = roadshow.visibility == Visibility.PUBLIC or can_watch(user, roadshow)
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        registration = db.session.scalar(select(Registration).where(
            Registration.roadshow_id == roadshow.id, Registration.user_id == user.id))
        if registration is None:
            registration = Registration(roadshow_id=roadshow.id, user_id=user.id,
                                        status=RegistrationStatus.APPROVED if let_in else RegistrationStatus.PENDING)
            db.session.add(registration)
            db.session.flush()
            if not let_in:
                _notify_organisers(roadshow, "roadshow_join_request", {"name": user.name, "title": roadshow.title})
        elif let_in and registration.status != RegistrationStatus.APPROVED:
            registration.status = RegistrationStatus.APPROVED
    return registration


def unregister(*, user: User, roadshow_id: int) -> None:
    roadshow = get_roadshow(roadshow_id)
    with uow.unit_of_work(lock=[(Roadshow, roadshow.id)]):
        existing = db.session.scalar(select(Registration).where(
            Registration.roadshow_id == roadshow.id, Registration.user_id == user.id))
        if existing:
            db.session.delete(existing)


def registration_count(roadshow: Roadshow) -> int:
    """People registered and let in."""
    from sqlalchemy import func
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.roadshow_id == roadshow.id, Registration.status == RegistrationStatus.APPROVED)) or 0


def pitches_of_startup(startup_id: int, *, user=None) -> list[Pitch]:
    """A startup's pitches in roadshows the viewer may see (for the startup page)."""
    stmt = select(Pitch).join(Roadshow).where(Pitch.startup_id == startup_id, Pitch.status == PitchStatus.APPROVED,
                                              Roadshow.status != RoadshowStatus.CANCELLED)
    if not (signed_in(user)):
        stmt = stmt.where(Roadshow.visibility == Visibility.PUBLIC)
    return list(db.session.scalars(stmt.order_by(Roadshow.starts_at.desc(), Pitch.position)))


# Reminders -----------------------------------------------------------------------------------

REMINDER_LEAD = 60  # minutes before the start


def send_reminders(*, now: datetime | None = None, lead_minutes: int = REMINDER_LEAD) -> int:
    """Notify (and email) registered people of roadshows starting within `lead_minutes`; each once.

    "Once" comes from the database: a conditional UPDATE claims the registration's `reminded_at`, so
    two runs at the same time (two workers, a retry) cannot both send it.
    """
    from datetime import timedelta

    from sqlalchemy import update

    from app.notifications.services import notify

    now = now or utcnow()
    due = db.session.execute(select(Registration.id, Registration.user_id, Roadshow.id, Roadshow.title,
                                     Roadshow.starts_at).join(Roadshow).where(
        Registration.reminded_at.is_(None), Roadshow.status == RoadshowStatus.SCHEDULED,
        Roadshow.starts_at > now, Roadshow.starts_at <= now + timedelta(minutes=lead_minutes))).all()
    sent = 0
    for registration_id, user_id, roadshow_id, title, starts_at in due:
        claimed = db.session.execute(update(Registration).where(
            Registration.id == registration_id, Registration.reminded_at.is_(None)).values(reminded_at=now)).rowcount
        db.session.commit()
        if claimed:
            user = db.session.get(User, user_id)
            notify(user=user, kind="roadshow_reminder", data={"title": title, "starts_at": starts_at.isoformat()},
                   url=f"/roadshows/{roadshow_id}")
            sent += 1
    return sent
