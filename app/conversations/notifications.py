"""Notification kinds of conversations and meetings (registered at import; the services import this)."""
from flask_babel import lazy_gettext as _l

from app.notifications.kinds import format_time, register


def _when(data: dict, user) -> dict:
    return {**data, "when": format_time(data.get("starts_at"), user)}


def _times(data: dict, user) -> dict:
    """The offered times, each in the reader's own time zone."""
    times = [format_time(t, user, "short") for t in data.get("times") or []]
    return {**data, "times": "; ".join(times) or "…"}


register("conversation_message",
         text=_l("%(author)s wrote to you: %(excerpt)s"),
         subject=_l("New message from %(author)s on Fuhua"),
         body=_l("Open the conversation to read it and reply."))

register("meeting_offered",
         text=_l("%(founder)s offered meeting times: %(times)s"),
         subject=_l("%(founder)s offered meeting times"),
         body=_l("Open the conversation to accept one of the times or decline."),
         important=True, prepare=_times)

register("meeting_accepted",
         text=_l("%(investor)s accepted to meet on %(when)s."),
         subject=_l("Meeting confirmed with %(investor)s on %(when)s"),
         body=_l("The calendar invitation is attached: open it to add the meeting to your calendar."),
         important=True, prepare=_when)

register("meeting_declined",
         text=_l("%(investor)s declined your meeting offer."),
         subject=_l("%(investor)s declined your meeting offer"),
         important=True)

register("meeting_cancelled",
         text=_l("%(actor)s cancelled the meeting on %(when)s."),
         subject=_l("Cancelled: meeting on %(when)s"),
         body=_l("The calendar cancellation is attached: open it to remove the event from your calendar."),
         important=True, prepare=_when)

# The copies for the person who made the change (accepted, cancelled): their own calendar needs it too.
register("meeting_calendar_update",
         text=_l("Your meeting with %(other)s on %(when)s is confirmed: the calendar invitation is attached."),
         subject=_l("Calendar: meeting with %(other)s on %(when)s"),
         body=_l("The calendar invitation is attached: open it to add the meeting to your calendar."),
         important=True, prepare=_when)

register("meeting_calendar_cancel",
         text=_l("The meeting with %(other)s on %(when)s is off: the cancellation for your calendar is attached."),
         subject=_l("Calendar: meeting with %(other)s on %(when)s is cancelled"),
         body=_l("The calendar cancellation is attached: open it to remove the event from your calendar."),
         important=True, prepare=_when)

register("meeting_reminder_24h",
         text=_l("Reminder: your meeting with %(other)s is tomorrow, %(when)s."),
         subject=_l("Tomorrow: meeting with %(other)s"),
         important=True, prepare=_when)

register("meeting_reminder_1h",
         text=_l("Reminder: your meeting with %(other)s starts within the hour (%(when)s)."),
         subject=_l("In an hour: meeting with %(other)s"),
         important=True, prepare=_when)
