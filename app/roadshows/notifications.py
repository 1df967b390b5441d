"""Notification kinds of the roadshows domain, and telling a roadshow's audience of a change."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.models import User
from app.extensions import db
from app.notifications.kinds import format_time, register
from app.notifications.services import notify
from app.roadshows.deck_errors import deck_error_text
from app.roadshows.models import Registration, RegistrationStatus, Roadshow, RoadshowStatus


def _deck_error(code: str | None) -> str:
    return deck_error_text(code or "failed")

register("roadshow_interest",
         text=_l("%(investor)s is interested in your pitch %(pitch)s."),
         subject=_l("An investor is interested in %(pitch)s"),
         body=_l("Open the pitch's interest list to start a conversation or offer meeting times."),
         important=True)

register("roadshow_reminder",
         text=_l("%(title)s starts soon: %(when)s."),
         subject=_l("Reminder: %(title)s starts soon"),
         body=_l("Open the roadshow to enter the live room."),
         important=True,
         prepare=lambda data, user: {**data, "when": format_time(data.get("starts_at"), user)})

register("deck_failed",
         text=_l("The new deck of %(pitch)s could not be used: %(reason)s. The previous deck is still shown."),
         subject=_l("The new deck of %(pitch)s could not be used"),
         important=True,
         prepare=lambda data, user: {**data, "reason": _deck_error(data.get("reason"))})

register("roadshow_invited",
         text=_l("%(inviter)s invited you to the roadshow %(title)s."),
         subject=_l("You are invited to %(title)s"),
         body=_l("Open the roadshow to see its agenda and enter the live room."),
         important=True)

register("roadshow_join_request",
         text=_l("%(name)s asks to join %(title)s."),
         subject=_l("%(name)s asks to join %(title)s"),
         body=_l("Open the roadshow's edit page to let them in or turn the request down."),
         important=True)

register("roadshow_request_approved",
         text=_l("You may join %(title)s: the organisers approved your request."),
         subject=_l("You may join %(title)s"),
         important=True)

register("roadshow_request_declined",
         text=_l("The organisers of %(title)s turned down your request to join."),
         subject=_l("Your request to join %(title)s"),
         important=True)

register("pitch_application",
         text=_l("%(startup)s applies to pitch %(title)s at %(roadshow)s."),
         subject=_l("%(startup)s applies to pitch at %(roadshow)s"),
         body=_l("Open the roadshow's edit page to approve or decline the application."),
         important=True)

register("pitch_approved",
         text=_l("Your pitch %(title)s is on the agenda of %(roadshow)s."),
         subject=_l("Your pitch is on the agenda of %(roadshow)s"),
         important=True)

register("pitch_declined",
         text=_l("The organisers of %(roadshow)s declined your pitch %(title)s."),
         subject=_l("Your application to %(roadshow)s"),
         important=True)

register("roadshow_cancelled",
         text=_l("%(title)s is cancelled."),
         subject=_l("Cancelled: %(title)s"),
         important=True)

register("roadshow_rescheduled",
         text=_l("%(title)s has moved: it now starts %(when)s."),
         subject=_l("New time for %(title)s"),
         important=True,
         prepare=lambda data, user: {**data, "when": format_time(data.get("starts_at"), user)})

register("roadshow_ended",
         text=_l("%(title)s has ended: its replay is open."),
         subject=_l("%(title)s has ended"),
         body=_l("Open the roadshow to page through every deck and read the questions and the chat."))


# Telling the audience ---------------------------------------------------------------------------

def tell_audience(actor: User, roadshow: Roadshow, old_status: str, old_starts_at: datetime) -> None:
    """Tell the registered people and the founders on the agenda that the roadshow was cancelled, ended or
    moved (a moved one's reminders are sent again for the new time)."""
    if roadshow.status != old_status and roadshow.status in (RoadshowStatus.CANCELLED, RoadshowStatus.ENDED):
        kind = "roadshow_cancelled" if roadshow.status == RoadshowStatus.CANCELLED else "roadshow_ended"
    elif roadshow.starts_at != old_starts_at and roadshow.status == RoadshowStatus.SCHEDULED:
        kind = "roadshow_rescheduled"
        db.session.execute(update(Registration).where(Registration.roadshow_id == roadshow.id)
                           .values(reminded_at=None))
    else:
        return
    for person in audience(roadshow):
        if person.id != actor.id:
            notify(user=person, kind=kind, url=f"/roadshows/{roadshow.id}",
                   data={"title": roadshow.title, "starts_at": roadshow.starts_at.isoformat()})


def audience(roadshow: Roadshow) -> list[User]:
    """The people a roadshow's news goes to: those registered and let in, and the founders on its agenda."""
    people = {r.user.id: r.user for r in db.session.scalars(select(Registration).where(
        Registration.roadshow_id == roadshow.id, Registration.status == RegistrationStatus.APPROVED))}
    for pitch in roadshow.pitches:
        for membership in pitch.startup.memberships:
            people.setdefault(membership.user.id, membership.user)
    return list(people.values())
