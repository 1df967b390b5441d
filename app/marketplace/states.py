"""The request state machine: ONE table of (state, action, party) → next state.

Parties: `startup` (a member of the requesting startup), `provider` (a member of the listing's provider
organisation) and `system` (scheduled jobs: expiry, auto-acceptance of a delivery after 14 days).
`resolve` is the only place that decides whether a move is allowed:

* the move is in the table → the next state;
* the action is allowed in this state, but only for another party → PermissionDenied (403, `wrong_party`);
* nobody may take this action in this state → InvalidState (409, `invalid_transition`).
"""
from flask_babel import lazy_gettext as _l

from app.core.errors import InvalidState, PermissionDenied
from app.marketplace.models import RequestState as S


class Party:
    STARTUP = "startup"
    PROVIDER = "provider"
    SYSTEM = "system"


class Action:
    QUOTE = "quote"
    COUNTER = "counter"
    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"
    START = "start"
    DELIVER = "deliver"
    REQUEST_CHANGES = "request_changes"
    COMPLETE = "complete"
    EXPIRE = "expire"


PARTIES = (Party.STARTUP, Party.PROVIDER, Party.SYSTEM)
ACTIONS = (Action.QUOTE, Action.COUNTER, Action.ACCEPT, Action.DECLINE, Action.CANCEL, Action.START,
           Action.DELIVER, Action.REQUEST_CHANGES, Action.COMPLETE, Action.EXPIRE)
STATES = tuple(S)
OPEN_STATES = (S.SUBMITTED, S.QUOTED, S.COUNTERED)  # still being negotiated
ACTIVE_STATES = (S.ACCEPTED, S.IN_PROGRESS, S.DELIVERED, S.CHANGES_REQUESTED)
FINAL_STATES = (S.COMPLETED, S.DECLINED, S.CANCELLED, S.EXPIRED)

P, ST, SY = Party.PROVIDER, Party.STARTUP, Party.SYSTEM

TRANSITIONS: dict[tuple[str, str, str], str] = {
    # negotiation
    (S.SUBMITTED, Action.QUOTE, P): S.QUOTED,
    (S.QUOTED, Action.QUOTE, P): S.QUOTED,  # a revised quote
    (S.COUNTERED, Action.QUOTE, P): S.QUOTED,  # a re-quote answering the counter-offer
    (S.QUOTED, Action.COUNTER, ST): S.COUNTERED,
    (S.QUOTED, Action.ACCEPT, ST): S.ACCEPTED,
    (S.SUBMITTED, Action.DECLINE, P): S.DECLINED,
    (S.COUNTERED, Action.DECLINE, P): S.DECLINED,
    (S.QUOTED, Action.DECLINE, ST): S.DECLINED,
    # cancelling before delivery (releases reserved capacity and refunds vouchers)
    (S.SUBMITTED, Action.CANCEL, ST): S.CANCELLED,
    (S.QUOTED, Action.CANCEL, ST): S.CANCELLED,
    (S.COUNTERED, Action.CANCEL, ST): S.CANCELLED,
    (S.ACCEPTED, Action.CANCEL, ST): S.CANCELLED,
    (S.ACCEPTED, Action.CANCEL, P): S.CANCELLED,
    (S.IN_PROGRESS, Action.CANCEL, ST): S.CANCELLED,
    (S.IN_PROGRESS, Action.CANCEL, P): S.CANCELLED,
    # delivery
    (S.ACCEPTED, Action.START, P): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.DELIVER, P): S.DELIVERED,
    (S.CHANGES_REQUESTED, Action.DELIVER, P): S.DELIVERED,  # re-delivery
    (S.DELIVERED, Action.REQUEST_CHANGES, ST): S.CHANGES_REQUESTED,
    (S.DELIVERED, Action.COMPLETE, ST): S.COMPLETED,
    (S.DELIVERED, Action.COMPLETE, SY): S.COMPLETED,  # unanswered for 14 days, or a dispute partly refunded
    (S.CHANGES_REQUESTED, Action.COMPLETE, SY): S.COMPLETED,  # a dispute resolved with a partial refund or rejected
    # a dispute resolved with a full refund (an admin, through `disputes.resolve`)
    (S.DELIVERED, Action.CANCEL, SY): S.CANCELLED,
    (S.CHANGES_REQUESTED, Action.CANCEL, SY): S.CANCELLED,
    # expiry of unanswered negotiations
    (S.SUBMITTED, Action.EXPIRE, SY): S.EXPIRED,
    (S.QUOTED, Action.EXPIRE, SY): S.EXPIRED,
    (S.COUNTERED, Action.EXPIRE, SY): S.EXPIRED,
}

ACTION_LABELS = {
    Action.QUOTE: _l("quote"), Action.COUNTER: _l("counter-offer"), Action.ACCEPT: _l("accept"),
    Action.DECLINE: _l("decline"), Action.CANCEL: _l("cancel"), Action.START: _l("start"),
    Action.DELIVER: _l("deliver"), Action.REQUEST_CHANGES: _l("ask for changes"), Action.COMPLETE: _l("complete"),
    Action.EXPIRE: _l("expire"),
}
STATE_LABELS = {
    S.SUBMITTED: _l("Submitted"), S.QUOTED: _l("Quoted"), S.COUNTERED: _l("Counter-offer"),
    S.ACCEPTED: _l("Accepted"), S.IN_PROGRESS: _l("In progress"), S.DELIVERED: _l("Delivered"),
    S.CHANGES_REQUESTED: _l("Changes requested"), S.COMPLETED: _l("Completed"), S.DECLINED: _l("Declined"),
    S.CANCELLED: _l("Cancelled"), S.EXPIRED: _l("Expired"),
}
EVENT_LABELS = {"submit": _l("Submitted"), "quote": _l("Re-quoted"), "review": _l("Reviewed"),
                "sign": _l("Agreement signed"), "review_reply": _l("Replied to a review"),
                "settlement_paid": _l("Settlement paid in full"), "payments_due": _l("Payments due"),
                "payment_marked_paid": _l("Payment marked received"), "payment_confirmed": _l("Payment confirmed"),
                "payments_cancelled": _l("Payments cancelled"), "payments_refunded": _l("Payments refunded"),
                "voucher_held": _l("Voucher credit held"), "voucher_settled": _l("Voucher credit spent"),
                "voucher_released": _l("Voucher hold released"), "voucher_refunded": _l("Voucher credit refunded"),
                "equity_recorded": _l("Equity recorded in the ledger"), "equity_voided": _l("Equity entry voided"),
                "dispute_raised": _l("Dispute raised"), "dispute_resolved": _l("Dispute resolved")}
SETTLEMENT_LABELS = {"cash": _l("cash"), "voucher": _l("voucher"), "equity": _l("equity"),
                     "cash_equity": _l("cash plus equity"), "pending": _l("pending"), "paid": _l("paid"),
                     "recorded": _l("recorded"), "refunded": _l("refunded")}
PAYMENT_LABELS = {"due": _l("due"), "paid": _l("marked received, awaiting confirmation"),
                  "confirmed": _l("confirmed"), "cancelled": _l("cancelled"), "refunded": _l("refunded")}
DISPUTE_LABELS = {"open": _l("open"), "refunded": _l("refunded in full"),
                  "partially_refunded": _l("partially refunded"), "rejected": _l("rejected")}
PARTY_LABELS = {P: _l("the provider"), ST: _l("the startup"), SY: _l("the platform")}


def allowed_parties(state: str, action: str) -> list[str]:
    return [party for party in PARTIES if (state, action, party) in TRANSITIONS]


def resolve(state: str, action: str, party: str) -> str:
    """The state after `party` takes `action` in `state`, or the 403/409 error saying why not."""
    nxt = TRANSITIONS.get((state, action, party))
    if nxt is not None:
        return nxt
    label, state_label = ACTION_LABELS.get(action, action), STATE_LABELS.get(state, state)
    others = allowed_parties(state, action)
    if others:
        raise PermissionDenied(
            _l("Only %(party)s may %(action)s this request now.", party=PARTY_LABELS[others[0]], action=label),
            code="wrong_party", details={"state": state, "action": action, "allowed_parties": others})
    raise InvalidState(
        _l("You cannot %(action)s a request in the state “%(state)s”.", action=label, state=state_label),
        code="invalid_transition", details={"state": state, "action": action})


def actions_for(state: str, party: str) -> list[str]:
    """The actions `party` may take in `state`, in table order (for pages and API clients)."""
    return [action for (s, action, p) in TRANSITIONS if s == state and p == party]
