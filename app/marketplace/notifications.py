"""Notification kinds of the marketplace (registered at import; the request services import this)."""
from flask_babel import lazy_gettext as _l

from app.notifications.kinds import register

register("request_submitted", text=_l("%(startup)s requested %(listing)s."),
         subject=_l("New request for %(listing)s"), body=_l("Open the request to send a quote."), important=True)
register("request_quoted", text=_l("%(provider)s sent a quote for %(listing)s."),
         subject=_l("New quote for %(listing)s"), body=_l("Open the request to accept it or make a counter-offer."),
         important=True)
register("request_countered", text=_l("%(startup)s made a counter-offer for %(listing)s."),
         subject=_l("Counter-offer for %(listing)s"), important=True)
register("request_accepted", text=_l("%(startup)s accepted your quote for %(listing)s."),
         subject=_l("Quote accepted: %(listing)s"), body=_l("The agreement is ready to sign."), important=True)
register("request_declined", text=_l("The request for %(listing)s was declined."),
         subject=_l("Request declined: %(listing)s"), important=True)
register("request_cancelled", text=_l("The request for %(listing)s was cancelled."),
         subject=_l("Request cancelled: %(listing)s"), important=True)
register("request_started", text=_l("%(provider)s started work on %(listing)s."))
register("request_delivered", text=_l("%(provider)s delivered %(listing)s."),
         subject=_l("Delivered: %(listing)s"),
         body=_l("Accept the delivery or ask for changes. It is accepted automatically after 14 days."),
         important=True)
register("request_changes_requested", text=_l("%(startup)s asked for changes to %(listing)s."),
         subject=_l("Changes requested: %(listing)s"), important=True)
register("request_completed", text=_l("The request for %(listing)s is completed."),
         subject=_l("Completed: %(listing)s"), important=True)
register("request_expired", text=_l("The request for %(listing)s expired without an answer."))
register("request_message", text=_l("%(author)s wrote about %(listing)s: %(excerpt)s"))
register("request_reviewed", text=_l("%(startup)s rated %(listing)s %(rating)s/5."))
register("startup_reviewed", text=_l("%(provider)s rated your startup %(rating)s/5 after %(listing)s."))
register("review_replied", text=_l("%(name)s replied to your review of %(listing)s."))
register("agreement_signed", text=_l("%(name)s signed the agreement for %(listing)s."))
register("voucher_granted", text=_l("%(startup)s received %(amount)s in voucher credit."),
         subject=_l("Voucher credit for %(startup)s"), important=True)
OUTCOMES = {"refund": _l("a full refund"), "partial": _l("a partial refund"), "reject": _l("rejected")}


def _milestone(data: dict, _user) -> dict:
    return {**data, "milestone": data.get("milestone") or str(_l("all milestones"))}


register("payment_marked_paid", text=_l("%(provider)s marked %(amount)s received for %(milestone)s (%(listing)s). "
                                     "Confirm it on the request."),
         subject=_l("Confirm a payment: %(listing)s"), important=True, prepare=_milestone)
register("payment_confirmed", text=_l("%(startup)s confirmed the payment of %(amount)s for %(milestone)s "
                                   "(%(listing)s)."))
register("dispute_raised", text=_l("%(startup)s disputed the delivery of %(listing)s. An administrator will "
                                   "resolve it."), subject=_l("Delivery disputed: %(listing)s"), important=True)
register("dispute_raised_admin", text=_l("%(startup)s disputed the delivery of %(listing)s by %(provider)s."),
         subject=_l("A dispute to resolve: %(listing)s"), important=True)
register("dispute_resolved", text=_l("The dispute about %(listing)s was resolved: %(outcome)s."),
         subject=_l("Dispute resolved: %(listing)s"), important=True,
         prepare=lambda data, _user: {**data, "outcome": str(OUTCOMES.get(data.get("outcome"), data.get("outcome")))})

ACTION_KINDS = {
    "quote": "request_quoted", "counter": "request_countered", "accept": "request_accepted",
    "decline": "request_declined", "cancel": "request_cancelled", "start": "request_started",
    "deliver": "request_delivered", "request_changes": "request_changes_requested",
    "complete": "request_completed", "expire": "request_expired",
}
