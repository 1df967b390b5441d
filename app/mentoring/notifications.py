"""The mentoring notification kinds (registered at import; imported by the booking services).

Booking kinds carry `where_kind`/`where_detail` in their data: the email says where the session happens
(the session room, a link, a phone number, an address), in the reader's language.
"""
from flask_babel import lazy_gettext as _l

from app.notifications.kinds import format_time, register

WHERE = _l("Where: %(where)s")
WHERE_AND_INVITE = _l("Where: %(where)s. The calendar invitation is attached: open it to add or update the "
                      "event in your calendar.")
WHERE_AND_CANCEL = _l("The calendar cancellation is attached: open it to remove the event from your calendar.")


def _when(data: dict, user) -> dict:
    from app.mentoring import locations
    where = locations.describe(data.get("where_kind") or "platform", data.get("where_detail") or "")
    return {**data, "when": format_time(data.get("starts_at"), user), "where": where}


register("booking_requested",
         text=_l("%(founder)s asked to book %(session)s on %(when)s."),
         subject=_l("Booking request: %(session)s on %(when)s"),
         body=_l("Confirm or decline it in My sessions."),
         important=True, prepare=_when)

register("booking_created",
         text=_l("%(founder)s booked %(session)s on %(when)s."),
         subject=_l("New booking: %(session)s on %(when)s"),
         body=WHERE_AND_INVITE, important=True, prepare=_when)

register("booking_confirmed",
         text=_l("%(mentor)s confirmed %(session)s on %(when)s."),
         subject=_l("Confirmed: %(session)s with %(mentor)s on %(when)s"),
         body=WHERE_AND_INVITE, important=True, prepare=_when)

register("booking_declined",
         text=_l("%(mentor)s declined your request for %(session)s on %(when)s."),
         subject=_l("Declined: %(session)s on %(when)s"),
         body=WHERE_AND_CANCEL, important=True, prepare=_when)

register("booking_cancelled",
         text=_l("%(actor)s cancelled %(session)s on %(when)s."),
         subject=_l("Cancelled: %(session)s on %(when)s"),
         body=WHERE_AND_CANCEL, important=True, prepare=_when)

register("booking_rescheduled",
         text=_l("%(actor)s moved %(session)s to %(when)s."),
         subject=_l("Rescheduled: %(session)s, now on %(when)s"),
         body=WHERE_AND_INVITE, important=True, prepare=_when)

# The copy for the person who made the change: their own calendar needs the update too.
register("booking_calendar_update",
         text=_l("Your calendar invitation for %(session)s on %(when)s is attached."),
         subject=_l("Calendar: %(session)s on %(when)s"),
         body=WHERE_AND_INVITE, important=True, prepare=_when)

register("booking_calendar_cancel",
         text=_l("%(session)s on %(when)s is off: the cancellation for your calendar is attached."),
         subject=_l("Calendar: %(session)s on %(when)s is cancelled"),
         body=WHERE_AND_CANCEL, important=True, prepare=_when)

register("booking_reminder_24h",
         text=_l("Reminder: %(session)s with %(other)s starts tomorrow, %(when)s."),
         subject=_l("Tomorrow: %(session)s with %(other)s"),
         body=WHERE, important=True, prepare=_when)

register("booking_reminder_1h",
         text=_l("Reminder: %(session)s with %(other)s starts within the hour (%(when)s)."),
         subject=_l("In an hour: %(session)s with %(other)s"),
         body=WHERE, important=True, prepare=_when)

register("booking_feedback",
         text=_l("%(author)s left feedback on %(session)s."))

register("waitlist_promoted",
         text=_l("A seat opened up: you are now booked for %(session)s with %(mentor)s on %(when)s."),
         subject=_l("You got a seat: %(session)s on %(when)s"),
         body=WHERE_AND_INVITE, important=True, prepare=_when)

register("booking_rate",
         text=_l("How did %(session)s with %(other)s on %(when)s go? Rate it (1–5 stars). Your rating stays "
                 "hidden from %(other)s until both of you have rated."),
         subject=_l("Rate your session: %(session)s with %(other)s"),
         body=_l("If the other side did not come, report a no-show on the session page instead."),
         important=True, prepare=_when)


# Open days ------------------------------------------------------------------------------------------

def _open_day_when(data: dict, user) -> dict:
    return {**data, "when": format_time(data.get("starts_at"), user)}


OPEN_DAY_INVITE = _l("The calendar invitation is attached: open it to add the open day to your calendar.")

register("open_day_mentor_invited",
         text=_l("You are a mentor at the open day %(title)s on %(when)s."),
         subject=_l("Open day: %(title)s on %(when)s"),
         body=OPEN_DAY_INVITE, important=True, prepare=_open_day_when)

register("open_day_seat",
         text=_l("You have a seat at the open day %(title)s with %(mentors)s on %(when)s."),
         subject=_l("Your seat: %(title)s on %(when)s"),
         body=OPEN_DAY_INVITE, important=True, prepare=_open_day_when)

register("open_day_waitlisted",
         text=_l("The open day %(title)s on %(when)s is full: you are number %(position)s on the waitlist. "
                 "If a seat frees up, it is yours and we will tell you."),
         prepare=_open_day_when)

register("open_day_promoted",
         text=_l("A seat opened up: you now have a seat at the open day %(title)s with %(mentors)s on %(when)s."),
         subject=_l("You got a seat: %(title)s on %(when)s"),
         body=OPEN_DAY_INVITE, important=True, prepare=_open_day_when)

register("open_day_left",
         text=_l("You left your seat at the open day %(title)s on %(when)s."),
         subject=_l("Calendar: %(title)s on %(when)s is cancelled for you"),
         body=WHERE_AND_CANCEL, important=True, prepare=_open_day_when)

register("open_day_cancelled",
         text=_l("The open day %(title)s on %(when)s is cancelled."),
         subject=_l("Cancelled: %(title)s on %(when)s"),
         body=WHERE_AND_CANCEL, important=True, prepare=_open_day_when)
