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
