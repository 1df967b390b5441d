"""Notification kinds of the roadshows domain."""
from flask_babel import lazy_gettext as _l

from app.notifications.kinds import format_time, register


def _deck_error(code: str | None) -> str:
    from app.roadshows.decks import deck_error_text  # decks imports this module's kinds when it notifies
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
